/**
 * Security review 3, L7: a downloaded file is kept by the browser but revalidated on every view
 * (`private, no-cache` + ETag): a repeat view is a 304 with no body, and someone who lost access
 * (removed from the project; a customer whose link was revoked) gets a 404 instead of the copy
 * they still hold — a `max-age` would have let the browser show it for an hour without asking.
 * A customer link's download (no account, often a shared computer) is `no-store` instead.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { tickets } from '../../db/schema';
import { attachmentQuery, customerLinkFor, revokeCustomerLinks } from '../domain/customer-email/customer-links';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/files';
let app: TestApp;
let admin: Session;
let rep: Session;

before(async () => {
  app = await startTestApp({ PUBLIC_URL: 'https://desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  admin = await signIn(app, 'admin@test.io');
  rep = await signIn(app, 'rep@test.io');
});
after(() => app.close());

async function uploaded(iid: number, filename: string): Promise<{ token: string; url: string }> {
  const q = new URLSearchParams({ projectPath: P, iid: String(iid), filename });
  const res = await fetch(`${app.url}/uploads?${q}`, { method: 'POST', headers: { cookie: admin.cookie, origin: 'https://desk.test', 'content-type': 'text/plain' }, body: `contents of ${filename}` });
  assert.equal(res.status, 201);
  return (await res.json()) as { token: string; url: string };
}

test('a signed-in download is revalidated every time: 304 while allowed, 404 once access is gone', async () => {
  const t = await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'With a file' });
  const file = await uploaded(t.iid, 'report.txt');
  const first = await fetch(`${app.url}${file.url}`, { headers: { cookie: rep.cookie } });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('cache-control'), 'private, no-cache', 'the browser must ask before showing its copy');
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
  assert.equal(await first.text(), 'contents of report.txt');

  const again = await fetch(`${app.url}${file.url}`, { headers: { cookie: rep.cookie, 'if-none-match': etag as string } });
  assert.equal(again.status, 304, 'a repeat view costs no download');
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('etag'), etag);

  await admin.trpc.members.remove.mutate({ projectPath: P, email: 'rep@test.io' });
  const after = await fetch(`${app.url}${file.url}`, { headers: { cookie: rep.cookie, 'if-none-match': etag as string } });
  assert.equal(after.status, 404, 'access is checked before the copy is confirmed');
});

test('a customer-link download is never stored (shared computers: no copy on disk to outlive the link), and is refused once the link is revoked (review 7 #10)', async () => {
  const t = await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'For a customer', externalAuthor: 'kim@customer.test' });
  const file = await uploaded(t.iid, 'invoice.txt');
  const ticket = await app.dc.db.select().from(tickets).where(eq(tickets.iid, t.iid)).get();
  const linkId = await app.dc.db.write((tx) => customerLinkFor(tx, ticket!.id, 'kim@customer.test', Date.now()));
  const url = `${app.url}/attachments/${file.token}/invoice.txt${attachmentQuery(app.dc.secrets, file.token, linkId, Date.now() + 3_600_000)}`;
  const first = await fetch(url);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('cache-control'), 'private, no-store');
  assert.equal(first.headers.get('etag'), null, 'nothing to revalidate: nothing is kept');
  assert.equal(await first.text(), 'contents of invoice.txt');
  // whatever a client sends, the file comes whole (a 304 would mean it kept a copy)
  const again = await fetch(url, { headers: { 'if-none-match': '*' } });
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('cache-control'), 'private, no-store');

  await revokeCustomerLinks(app.dc, ticket!.id);
  assert.equal((await fetch(url)).status, 404);
});
