/**
 * `npm run desk -- webhook --project <path>` as an operator scripts a code host's setup: one JSON
 * line, exactly `{ "url", "secret" }`, the same on every call until `--regenerate`; a delivery
 * signed with the printed secret to the printed URL closes a ticket on the running server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';
import { runDesk, type DeskResult } from '../testing/desk-cli';

let app: TestApp;
let admin: Session;

function desk(args: string[]): Promise<DeskResult> {
  return runDesk(app, args, { env: { PUBLIC_URL: app.url } });
}

async function webhook(args: string[] = []): Promise<{ url: string; secret: string }> {
  const r = await desk(['webhook', '--project', 'acme/app', ...args]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line: ${r.out}`);
  const parsed = JSON.parse(lines[0] as string) as { url: string; secret: string };
  assert.deepEqual(Object.keys(parsed), ['url', 'secret']);
  return parsed;
}

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  admin = await signIn(app, 'admin@test.io');
});
after(() => app.close());

test('desk webhook prints { url, secret }, made on first use and the same afterwards; the secret works', async () => {
  const first = await webhook();
  assert.match(first.url, new RegExp(`^${app.url}/hooks/[A-Za-z0-9_-]{32}$`));
  assert.ok(first.secret.length >= 32);
  assert.deepEqual(await webhook(), first);
  // The page shows the same webhook (the test server's own PUBLIC_URL has port 0).
  assert.equal(new URL((await admin.trpc.webhooks.get.query({ projectPath: 'acme/app' })).url).pathname, new URL(first.url).pathname);

  const t = await admin.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: 'Scripted' });
  const body = JSON.stringify({ action: 'closed', number: 5, pull_request: { number: 5, title: 'Fix', body: `Closes #${t.iid}`, html_url: 'https://github.com/acme/app/pull/5', merged: true }, repository: { full_name: 'acme/app' } });
  const res = await fetch(first.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'cli-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', first.secret).update(body).digest('hex')}` },
    body,
  });
  assert.equal(res.status, 200);
  assert.equal((await admin.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid })).state, 'closed');
});

test('desk webhook --regenerate replaces both; wrong use exits non-zero with a clear message', async () => {
  const before = await webhook();
  const after = await webhook(['--regenerate']);
  assert.notEqual(after.url, before.url);
  assert.notEqual(after.secret, before.secret);
  assert.deepEqual(await webhook(), after);
  const unknown = await desk(['webhook', '--project', 'acme/none']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /No project at path "acme\/none"/);
  const missing = await desk(['webhook']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /webhook needs --project/);
});
