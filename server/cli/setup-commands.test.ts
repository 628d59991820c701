/**
 * `desk service-desk` and `desk mailbox …` as an operator scripts them: real CLI processes on the
 * database of a running server, one JSON line each; a mailbox added by the CLI is watched by the
 * running server at once (against a real Dovecot), and removing it stops it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../e2e/fixtures/dovecot';
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';
import { runDesk, type DeskResult } from '../testing/desk-cli';

let app: TestApp;
let dovecot: Dovecot;
let admin: Session;

function desk(args: string[], stdin = ''): Promise<DeskResult> {
  return runDesk(app, args, { env: { INCOMING_EMAIL: 'incoming+%{key}@desk.test' }, stdin });
}

async function json(args: string[], stdin = ''): Promise<Record<string, unknown> & unknown[]> {
  const r = await desk(args, stdin);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line: ${r.out}`);
  return JSON.parse(lines[0] as string);
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['desk'], password: 'cli-imap-Pa55' });
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  admin = await signIn(app, 'admin@test.io');
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('desk service-desk shows and changes a project\'s settings; bad values are usage errors', async () => {
  const shown = await json(['service-desk', '--project', 'acme/app']);
  assert.equal(shown.project, 'acme/app');
  assert.equal(shown.address, 'incoming+acme-app-1-issue-@desk.test');
  assert.equal(shown.enabled, true);
  const changed = await json(['service-desk', '--project', 'acme/app', '--disable', '--add-cc', 'on', '--confidential', 'off', '--outgoing-name', 'Acme Help']);
  assert.deepEqual([changed.enabled, changed.addCcParticipants, changed.confidentialByDefault, changed.outgoingName], [false, true, false, 'Acme Help']);
  const sd = await admin.trpc.serviceDesk.get.query({ projectPath: 'acme/app' });
  assert.deepEqual([sd.enabled, sd.addCcParticipants, sd.outgoingName], [false, true, 'Acme Help']);
  const back = await json(['service-desk', '--project', 'acme/app', '--enable', '--outgoing-name', 'none']);
  assert.deepEqual([back.enabled, back.outgoingName], [true, 'app Support']);

  const bad = await desk(['service-desk', '--project', 'acme/app', '--add-cc', 'maybe']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--add-cc takes on or off\./);
  const missing = await desk(['service-desk', '--project', 'acme/none']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /No project at path "acme\/none"/);
});

test('desk mailbox add reaches the running server at once; list never shows the password; remove stops it', async () => {
  const added = await json(['mailbox', 'add', '--name', 'desk', '--host', dovecot.host, '--port', String(dovecot.port), '--security', 'none', '--user', 'desk', '--password-stdin'], `${dovecot.password}\n`);
  assert.equal(added.name, 'desk');
  assert.equal(added.passwordSet, true);
  assert.ok(!JSON.stringify(added).includes(dovecot.password));

  await dovecot.deliver(
    'desk',
    'From: Carol <carol@customer.test>\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Set up by the CLI\r\nMessage-ID: <cli-1@customer.test>\r\n\r\nHello\r\n',
  );
  await until('the ticket', async () => (await admin.trpc.tickets.list.query({ projectPath: 'acme/app' })).items.some((t) => t.title === 'Set up by the CLI'));

  const list = (await json(['mailbox', 'list'])) as unknown as { name: string; source: string; health: { state: string } | null }[];
  assert.deepEqual(list.map((m) => [m.name, m.source]), [['desk', 'settings']]);
  assert.ok(!JSON.stringify(list).includes(dovecot.password));

  const again = await desk(['mailbox', 'add', '--url', `imap://desk:${dovecot.password}@${dovecot.host}:${dovecot.port}/INBOX?name=DESK`]);
  assert.equal(again.code, 1);
  assert.match(again.err, /Another mailbox already has this name\. \(MAILBOX_NAME_TAKEN\)/);

  assert.deepEqual(await json(['mailbox', 'remove', '--name', 'desk']), { removed: 'desk' });
  await until('the watcher to stop', async () => !(await app.dc.db.sqlGet("select holder from leases where name = 'imap:desk'")) && app.mail.imap.length === 0);
  const gone = await desk(['mailbox', 'remove', '--name', 'desk']);
  assert.equal(gone.code, 1);
  assert.match(gone.err, /No mailbox is named "desk"/);
});
