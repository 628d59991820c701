/**
 * Mail settings made through the API (issue 10), against a real Dovecot and a real SMTP server:
 * "Test connection" and "Send test email" report what the servers said; a mailbox added,
 * paused, resumed or removed takes effect without a restart — on two nodes sharing one
 * database, whichever holds the mailbox's lease; passwords are sealed at rest, never sent back
 * and never logged; environment variables win and are read-only.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../e2e/fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { setLogLevel } from '../log';
import { outcome, seedAdmin, seedProject, signIn, startTestApp, TEST_ENGINE, type Session, type TestApp } from '../testing/test-app';

const SMTP_PASSWORD = 'smtp-Pa55word-never-shown';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let dovecot: Dovecot;
let sink: SmtpSink;
let a: TestApp;
let b: TestApp;
let admin: Session;
let adminOnB: Session;
/** Everything the apps logged while the tests ran. */
let logged = '';
const realStderr = process.stderr.write.bind(process.stderr);

function mail(subject: string): string {
  const id = `<${subject.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@customer.test>`;
  return `From: Carol <carol@customer.test>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nHello about ${subject}\r\n`;
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

async function ticketTitled(title: string) {
  const { items } = await admin.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 });
  return items.find((t) => t.title === title);
}

async function seenFlag(user: string, subject: string): Promise<boolean | undefined> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  try {
    for await (const m of c.fetch('1:*', { envelope: true, flags: true })) if (m.envelope?.subject === subject) return m.flags?.has('\\Seen') ?? false;
    return undefined;
  } finally {
    lock.release();
    await c.logout();
  }
}

const desk = () => ({ name: 'desk', host: dovecot.host, port: dovecot.port, security: 'none' as const, username: 'desk', password: dovecot.password, folder: 'INBOX', after: 'seen' as const, moveTo: 'Processed' });

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['desk', 'other'], password: 'imap-Pa55-kept-sealed' });
  sink = await startSmtpSink({ auth: { user: 'mailer', pass: SMTP_PASSWORD } });
  setLogLevel('debug');
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged += String(chunk);
    return (realStderr as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  a = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', LOG_LEVEL: 'debug' });
  b = await startTestApp({ DATABASE_URL: a.databaseUrl, DATA_DIR: a.dataDir, NODE_NAME: 'node-b', INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  setLogLevel('debug');
  await seedAdmin(a);
  await seedProject(a, 'acme/app');
  admin = await signIn(a, 'admin@test.io');
  adminOnB = await signIn(b, 'admin@test.io');
});

after(async () => {
  process.stderr.write = realStderr;
  setLogLevel('info');
  await b?.close();
  await a?.close();
  await sink?.stop();
  await dovecot?.destroy();
});

describe('outgoing SMTP server', () => {
  test('"Send test email" with unsaved settings shows the server\'s last answer, right or wrong password', async () => {
    const settings = { host: sink.host, port: sink.port, security: 'none' as const, user: 'mailer', password: 'wrong' };
    const refused = await admin.trpc.mailSettings.sendTestEmail.mutate({ to: 'you@example.com', settings });
    assert.equal(refused.ok, false);
    assert.match(refused.lastAnswer, /^535\b.*Authentication credentials invalid/);

    const sent = await admin.trpc.mailSettings.sendTestEmail.mutate({ to: 'you@example.com', settings: { ...settings, password: SMTP_PASSWORD } });
    assert.equal(sent.ok, true, sent.lastAnswer);
    assert.match(sent.lastAnswer, /^250\b.*Message captured/);
    assert.ok(sent.transcript.some((l) => l.startsWith('C: MAIL FROM')), sent.transcript.join('\n'));
    const [captured] = await sink.waitFor(1);
    assert.deepEqual(captured?.to, ['you@example.com']);
    assert.equal(captured?.user, 'mailer');
    assert.match(captured?.raw.toString() ?? '', /Subject: Threadline test email/);
    const shown = JSON.stringify([refused, sent]);
    assert.ok(!shown.includes(SMTP_PASSWORD) && !shown.includes(Buffer.from(SMTP_PASSWORD).toString('base64')), 'the transcript must not carry the password');
  });

  test('saved settings: the password is sealed at rest, shown only as "set", and customer email goes out through the new server at once', async () => {
    sink.clear();
    const view = await admin.trpc.mailSettings.saveSmtp.mutate({ host: sink.host, port: sink.port, security: 'none', user: 'mailer', password: SMTP_PASSWORD });
    assert.equal(view.smtp.source, 'settings');
    assert.equal(view.smtp.passwordSet, true);
    assert.equal(view.smtp.transport, `smtp ${sink.host}:${sink.port}`);
    assert.ok(!JSON.stringify(view).includes(SMTP_PASSWORD));
    const row = await a.dc.db.sqlGet<{ value: unknown }>("select value from mail_settings where name = 'smtp'");
    const stored = typeof row?.value === 'string' ? row.value : JSON.stringify(row?.value);
    assert.ok(stored.includes('"password":"v1:') && !stored.includes(SMTP_PASSWORD), stored);

    // Node B picks the change up too (NOTIFY on PostgreSQL, the file's data version on SQLite).
    await until('node B to use the new server', async () => (await adminOnB.trpc.mailSettings.get.query()).smtp.transport === `smtp ${sink.host}:${sink.port}` && b.mail.transports.describe() === `smtp ${sink.host}:${sink.port}`);

    // A thank-you email, sent by whichever node claims it: through the server saved a moment ago.
    await a.mail.ingest.receive(Buffer.from(mail('Printer on fire')), { source: 'test' });
    const [thanks] = await sink.waitFor(1);
    assert.deepEqual(thanks?.to, ['carol@customer.test']);
    assert.equal(thanks?.user, 'mailer');

    // Test the saved settings without retyping the password.
    const again = await admin.trpc.mailSettings.sendTestEmail.mutate({ to: 'you@example.com', settings: { host: sink.host, port: sink.port, security: 'none', user: 'mailer' } });
    assert.equal(again.ok, true, again.lastAnswer);
  });

  test('a stored password goes only to the server it was entered for: another host or port needs it typed again', async () => {
    // Someone who may edit the settings points them at a server of theirs, keeping the user name.
    const thief = await startSmtpSink({ auth: { user: 'mailer', pass: SMTP_PASSWORD } });
    try {
      const elsewhere = { host: thief.host, port: thief.port, security: 'none' as const, user: 'mailer' };
      const tested = await admin.trpc.mailSettings.sendTestEmail.mutate({ to: 'you@example.com', settings: elsewhere });
      assert.equal(tested.ok, false, 'the other server accepted the stored password');
      assert.equal(thief.messages.length, 0);
      assert.equal(await outcome(admin.trpc.mailSettings.saveSmtp.mutate(elsewhere)), 'BAD_REQUEST');
      assert.equal(await outcome(admin.trpc.mailSettings.saveSmtp.mutate({ host: sink.host, port: sink.port, security: 'tls', user: 'mailer' })), 'BAD_REQUEST', 'the same server without TLS, or with it');
      const view = await admin.trpc.mailSettings.get.query();
      assert.equal(view.smtp.transport, `smtp ${sink.host}:${sink.port}`, 'the settings did not change');
      assert.equal(thief.messages.length, 0);
    } finally {
      await thief.stop();
    }
    // Retyped, it goes where the admin says.
    const saved = await admin.trpc.mailSettings.saveSmtp.mutate({ host: sink.host, port: sink.port, security: 'none', user: 'mailer' });
    assert.equal(saved.smtp.passwordSet, true, 'the same server keeps its password');
  });

  test('the key sealing passwords is a 0600 file in DATA_DIR when SECRET_KEY is unset', async () => {
    const mode = statSync(path.join(a.dataDir, 'secret.key')).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.equal((await admin.trpc.mailSettings.get.query()).secretKey, 'file');
  });
});

describe('IMAP mailboxes', () => {
  test('"Test connection" reports the folder\'s message count, or the server\'s exact words', async () => {
    await dovecot.deliver('desk', mail('Already there'));
    const ok = await admin.trpc.mailSettings.testMailbox.mutate({ settings: desk() });
    assert.deepEqual(ok, { ok: true, folder: 'INBOX', messages: 1 });
    const badPassword = await admin.trpc.mailSettings.testMailbox.mutate({ settings: { ...desk(), password: 'nope' } });
    assert.deepEqual(badPassword, { ok: false, error: 'NO [AUTHENTICATIONFAILED] Authentication failed.' });
    const badFolder = await admin.trpc.mailSettings.testMailbox.mutate({ settings: { ...desk(), folder: 'Nowhere' } });
    assert.equal(badFolder.ok, false);
    assert.match((badFolder as { error: string }).error, /Mailbox doesn't exist: Nowhere/);
    const noServer = await admin.trpc.mailSettings.testMailbox.mutate({ settings: { ...desk(), port: 1 } });
    assert.equal(noServer.ok, false);
    assert.match((noServer as { error: string }).error, /ECONNREFUSED/);
  });

  test('a mailbox added through one node becomes live without a restart; pausing it on the other node stops it wherever it runs; resuming goes on from the checkpoint', async () => {
    const added = await admin.trpc.mailSettings.addMailbox.mutate(desk());
    const box = added.mailboxes.find((m) => m.name === 'desk');
    assert.ok(box && box.id !== null && box.passwordSet && box.source === 'settings');
    assert.ok(!JSON.stringify(added).includes(dovecot.password), 'the mailbox password is never sent back');
    // The message that was already in the folder and a new one both become tickets.
    await dovecot.deliver('desk', mail('Added in the browser'));
    await until('both tickets', async () => (await ticketTitled('Already there')) && (await ticketTitled('Added in the browser')));
    const holder = await a.dc.db.sqlGet<{ holder: string }>("select holder from leases where name = 'imap:desk'");
    assert.ok(holder?.holder === a.dc.node || holder?.holder === b.dc.node);

    await adminOnB.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: true });
    // Whichever node watched it let go of its lease, and nobody took it again.
    await until('the lease to be released', async () => !(await a.dc.db.sqlGet("select holder from leases where name = 'imap:desk'")));
    await until('health to say paused', async () => (await admin.trpc.mailSettings.get.query()).mailboxes.find((m) => m.name === 'desk')?.health?.state === 'paused');
    await dovecot.deliver('desk', mail('Sent while paused'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await ticketTitled('Sent while paused'), undefined);
    assert.equal(await seenFlag('desk', 'Sent while paused'), false, 'nobody reads a paused mailbox');

    await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: false });
    await until('the message sent while paused', () => ticketTitled('Sent while paused'));
    const titles = (await admin.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title);
    assert.equal(titles.filter((t) => t === 'Already there').length, 1, 'resuming goes on from the checkpoint');
  });

  test('editing a mailbox reconnects with the new settings; a wrong password shows as an error in its health; removing it stops it', async () => {
    const view = await admin.trpc.mailSettings.get.query();
    const id = view.mailboxes.find((m) => m.name === 'desk')?.id as number;
    await admin.trpc.mailSettings.updateMailbox.mutate({ id, ...desk(), password: 'wrong-now' });
    await until('an authentication error in health', async () => {
      const h = (await admin.trpc.mailSettings.get.query()).mailboxes.find((m) => m.name === 'desk')?.health;
      return h?.state === 'error' || h?.state === 'reconnecting' ? /AUTHENTICATIONFAILED|Authentication failed/i.test(h.lastError ?? '') : false;
    });
    // Fixing it (password retyped) brings it back.
    await admin.trpc.mailSettings.updateMailbox.mutate({ id, ...desk() });
    // Another server without the password typed again: the stored one is not sent there.
    const { password: _typed, ...noPassword } = desk();
    assert.equal(await outcome(admin.trpc.mailSettings.updateMailbox.mutate({ id, ...noPassword, host: 'localhost' })), 'BAD_REQUEST');
    assert.equal(await outcome(admin.trpc.mailSettings.updateMailbox.mutate({ id, ...noPassword, name: 'desk' })), 'OK', 'the same server keeps it');
    await dovecot.deliver('desk', mail('After the fix'));
    await until('the message after the fix', () => ticketTitled('After the fix'));

    const removed = await adminOnB.trpc.mailSettings.removeMailbox.mutate({ id });
    assert.equal(removed.mailboxes.some((m) => m.name === 'desk'), false);
    await until('the lease to be released', async () => !(await a.dc.db.sqlGet("select holder from leases where name = 'imap:desk'")));
    assert.equal(await outcome(admin.trpc.mailSettings.removeMailbox.mutate({ id })), 'NOT_FOUND');
  });

  test('names are unique, case-insensitively', async () => {
    await admin.trpc.mailSettings.addMailbox.mutate({ ...desk(), name: 'Other', username: 'other' });
    assert.equal(await outcome(admin.trpc.mailSettings.addMailbox.mutate({ ...desk(), name: 'other', username: 'other' })), 'CONFLICT');
    const id = (await admin.trpc.mailSettings.get.query()).mailboxes.find((m) => m.name === 'Other')?.id as number;
    await admin.trpc.mailSettings.removeMailbox.mutate({ id });
  });
});

describe('addresses', () => {
  test('the incoming address template and the alias apply at once, to ingest and to the addresses shown', async () => {
    const view = await admin.trpc.mailSettings.saveAddresses.mutate({ serviceDeskEmail: 'help+%{key}@support.test', mailFrom: 'support@support.test' });
    assert.deepEqual(view.serviceDeskEmail, { value: 'help+%{key}@support.test', source: 'settings' });
    assert.deepEqual(view.incomingEmail, { value: 'incoming+%{key}@desk.test', source: 'env' });
    assert.equal(view.effectiveFrom, 'support@support.test');
    await admin.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app', projectKey: 'help' });
    const sd = await admin.trpc.serviceDesk.get.query({ projectPath: 'acme/app' });
    assert.equal(sd.address, 'help+acme-app-help@support.test');
    const out = await a.mail.ingest.receive(Buffer.from(mail('Via the new alias').replace(`To: ${TO}`, 'To: help+acme-app-help@support.test')), { source: 'test' });
    assert.equal(out.status, 'ticket');
    await until('node B to know the alias', async () => b.mail.book.isOurs('help+acme-app-help@support.test'));
  });

  test('a value the environment sets is shown as such and cannot be changed here', async () => {
    assert.equal(await outcome(admin.trpc.mailSettings.saveAddresses.mutate({ incomingEmail: 'in+%{key}@elsewhere.test' })), 'CONFLICT');
    assert.equal(await outcome(admin.trpc.mailSettings.saveAddresses.mutate({ incomingEmail: 'no-key@elsewhere.test' })), 'BAD_REQUEST');
  });
});

describe('environment variables', () => {
  test('SMTP_URL and IMAP_MAILBOXES are shown read-only; saving over them is refused', async () => {
    const envApp = await startTestApp({
      SMTP_URL: `${sink.url}?tls=off`,
      IMAP_MAILBOXES: `imap://other:${dovecot.password}@${dovecot.host}:${dovecot.port}/INBOX?name=from-env`,
    });
    try {
      await seedAdmin(envApp);
      const s = await signIn(envApp, 'admin@test.io');
      const view = await s.trpc.mailSettings.get.query();
      assert.equal(view.smtp.source, 'env');
      assert.equal(view.smtp.security, 'none');
      const box = view.mailboxes.find((m) => m.name === 'from-env');
      assert.equal(box?.source, 'env');
      assert.equal(box?.id, null);
      assert.ok(!JSON.stringify(view).includes(dovecot.password));
      assert.equal(await outcome(s.trpc.mailSettings.saveSmtp.mutate({ host: 'x.test', port: 25, security: 'none', user: '' })), 'CONFLICT');
      assert.equal(await outcome(s.trpc.mailSettings.addMailbox.mutate({ ...desk(), name: 'FROM-ENV' })), 'CONFLICT');
    } finally {
      await envApp.close();
    }
  });

  test('only instance admins reach the mail settings', async () => {
    const { httpClient } = await import('../testing/test-app');
    const anon = httpClient(a, { cookie: '' });
    assert.equal(await outcome(anon.mailSettings.get.query()), 'UNAUTHORIZED');
  });
});

test('the single sign-on client secret is sealed at rest too, and still works', async () => {
  await admin.trpc.sso.update.mutate({ enabled: false, issuer: 'https://login.example.test', clientId: 'threadline', clientSecret: 'oidc-Secret-sealed', providerName: 'Example', autoCreate: false, ssoOnly: false });
  const row = await a.dc.db.sqlGet<{ value: string }>("select value from instance_settings where key = 'sso'");
  assert.ok(row && row.value.includes('"clientSecret":"v1:') && !row.value.includes('oidc-Secret-sealed'), row?.value);
  const { readSsoSettings } = await import('../domain/accounts/sso');
  assert.equal((await readSsoSettings(b.dc, null)).clientSecret, 'oidc-Secret-sealed', 'another node with the same key opens it');
  assert.equal((await admin.trpc.sso.get.query()).hasClientSecret, true);
});

test('no password ever reached the log', () => {
  assert.ok(logged.length > 0, 'the log was captured');
  for (const secret of [SMTP_PASSWORD, dovecot.password, 'wrong-now', 'oidc-Secret-sealed']) {
    assert.ok(!logged.includes(secret), `the log mentions ${secret}`);
  }
  assert.ok(TEST_ENGINE === 'sqlite' || TEST_ENGINE === 'pg');
});
