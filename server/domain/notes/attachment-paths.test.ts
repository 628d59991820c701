/**
 * Review 9 L1: an image in a note loads only from one of our attachment paths. A path that starts
 * like one and climbs out (`/attachments/<token>/../../trpc/…`, also percent-encoded) would have
 * every reader's browser call any of our URLs with their cookies; and the customer view signs
 * only exact attachment paths.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { outbox } from '../../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

const P = 'acme/paths';
const TOKEN = '0123456789abcdef0123456789abcdef';
let app: TestApp;
let rep: Session;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', PUBLIC_URL: 'https://desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'maintainer');
  rep = await signIn(app, 'rep@test.io');
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false });
});
after(() => app.close());

const CLIMBING = [
  `/attachments/${TOKEN}/../../trpc/presence.project?input=%7B%7D`,
  `/attachments/${TOKEN}/..%2F..%2Ftrpc/auth.me`,
  `/attachments/${TOKEN}/%2e%2e`,
  `/attachments/${TOKEN}/.%2E`,
  `/attachments/${TOKEN}/a%5C..%5C..%5Ctrpc`,
  `/attachments/${TOKEN}/x.png?then=elsewhere`,
];

test('a note\'s image that climbs out of /attachments/ is dropped; a real attachment image stays', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Images' });
  const body = [...CLIMBING.map((src, i) => `![probe ${i}](${src})`), `![ok](/attachments/${TOKEN}/r%C3%A9sum%C3%A9.png) ![ok2](/attachments/${TOKEN}/résumé.png)`].join('\n\n');
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body, internal: true });
  const html = (await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid })).notes.at(-1)?.html ?? '';
  const srcs = [...html.matchAll(/<img[^>]*src="([^"]*)"/g)].map((m) => m[1]);
  // (Markdown writes the second one percent-encoded too)
  assert.deepEqual(srcs, [`/attachments/${TOKEN}/r%C3%A9sum%C3%A9.png`, `/attachments/${TOKEN}/r%C3%A9sum%C3%A9.png`], `images that load other paths of ours: ${JSON.stringify(html)}`);
});

test('the customer view signs exact attachment links only', async () => {
  const out = await app.mail.ingest.receive(
    Buffer.from(`From: pat@customer.test\r\nTo: incoming+acme-paths-1-issue-@desk.test\r\nSubject: Files\r\nMessage-ID: <pat-1@customer.test>\r\n\r\nHello\r\n`),
    { source: 'test' },
  );
  assert.ok(out.status === 'ticket');
  const row = await app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'thank_you'), eq(outbox.toAddress, 'pat@customer.test'))).get();
  const view = new URL((row?.spec as { template: { vars: { ISSUE_URL: string } } }).template.vars.ISSUE_URL).pathname;
  await rep.trpc.notes.create.mutate({
    projectPath: P,
    iid: out.iid,
    body: `[climbing](/attachments/${TOKEN}/../../c/elsewhere) and [the file](/attachments/${TOKEN}/terms.pdf)`,
    internal: false,
  });
  const page = await (await fetch(`${app.url}${view}`)).text();
  assert.match(page, new RegExp(`href="/attachments/${TOKEN}/terms\\.pdf\\?l=\\d+&amp;e=\\d+&amp;s=`), 'the real attachment link is signed');
  assert.match(page, new RegExp(`href="/attachments/${TOKEN}/\\.\\./\\.\\./c/elsewhere"`), 'a link that climbs out of /attachments/ carries the link\'s signature elsewhere');
  // and so does the email of that reply to the customer (review 10)
  const mail = await app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'new_note'), eq(outbox.toAddress, 'pat@customer.test'))).get();
  const spec = JSON.stringify(mail?.spec ?? null);
  assert.match(spec, new RegExp(`https://desk\\.test/attachments/${TOKEN}/terms\\.pdf\\?l=\\d+&e=\\d+&s=`), 'the real attachment link in the email is signed');
  assert.ok(!new RegExp(`elsewhere\\?l=`).test(spec), `the climbing link in the email carries a signature: ${spec}`);
  assert.ok(spec.includes(`(/attachments/${TOKEN}/../../c/elsewhere)`), 'the climbing link is left as the responder wrote it');
});
