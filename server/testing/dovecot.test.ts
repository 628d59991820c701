import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './dovecot';

function message(subject: string, body = 'Hello from the test.'): string {
  return [
    'From: Customer <customer@example.test>',
    'To: support@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.test>`,
    'Date: Mon, 01 Jan 2024 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

function client(dc: Dovecot, user: string, extra: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}): ImapFlow {
  const c = new ImapFlow({
    host: dc.host,
    port: dc.port,
    secure: false,
    auth: { user, pass: dc.password },
    logger: false,
    ...extra,
  });
  c.on('error', () => {
    /* connection errors surface through awaited calls / 'close' */
  });
  return c;
}

async function listMessages(dc: Dovecot, user: string, folder = 'INBOX'): Promise<{ uid: number; subject: string }[]> {
  const c = client(dc, user, { disableAutoIdle: true });
  await c.connect();
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: { uid: number; subject: string }[] = [];
      const mb = c.mailbox;
      if (mb && mb.exists === 0) return out;
      for await (const m of c.fetch('1:*', { uid: true, envelope: true })) {
        out.push({ uid: m.uid, subject: m.envelope?.subject ?? '' });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

let dc: Dovecot;

before(async () => {
  dc = await startDovecot({ users: ['alice', 'bob', 'support@acme.test'], password: 'pw-123' });
});

after(async () => {
  await dc?.destroy();
});

test('starts a private instance on 127.0.0.1 with the given users', () => {
  assert.equal(dc.host, '127.0.0.1');
  assert.ok(dc.port > 0);
  assert.deepEqual(dc.users, ['alice', 'bob', 'support@acme.test']);
  assert.equal(dc.password, 'pw-123');
  assert.ok(existsSync(dc.confPath));
  assert.equal(dc.running, true);
  assert.ok(dc.pid);
});

test('deliver (dovecot-lda) then read it back over IMAP: subject and UID', async () => {
  await dc.deliver('alice', message('First question'));
  await dc.deliver('alice', Buffer.from(message('Second question ✓')), { from: 'bounce@example.test' });
  const msgs = await listMessages(dc, 'alice');
  assert.deepEqual(msgs, [
    { uid: 1, subject: 'First question' },
    { uid: 2, subject: 'Second question ✓' },
  ]);
  // Other users' mailboxes are separate.
  assert.deepEqual(await listMessages(dc, 'bob'), []);
});

test('deliver into a folder, and append over IMAP', async () => {
  await dc.deliver('bob', message('Filed'), { folder: 'Archive' });
  await dc.append('support@acme.test', message('Appended'));
  await dc.append('support@acme.test', message('Appended elsewhere'), 'Team/Billing');
  assert.deepEqual(await listMessages(dc, 'bob', 'Archive'), [{ uid: 1, subject: 'Filed' }]);
  assert.deepEqual(await listMessages(dc, 'support@acme.test'), [{ uid: 1, subject: 'Appended' }]);
  assert.deepEqual(await listMessages(dc, 'support@acme.test', 'Team/Billing'), [{ uid: 1, subject: 'Appended elsewhere' }]);
  await assert.rejects(dc.deliver('mallory', message('x')), /unknown Dovecot test user/);
});

test('IDLE: an idling client gets an exists event after a delivery', async (t) => {
  const watcher = client(dc, 'bob');
  await watcher.connect();
  try {
    await watcher.mailboxOpen('INBOX');
    const before = watcher.mailbox ? watcher.mailbox.exists : -1;
    assert.equal(before, 0);
    const gotExists = new Promise<{ count: number; prevCount: number }>((resolve) => {
      watcher.on('exists', (info: { path: string; count: number; prevCount: number }) => resolve(info));
    });
    // Start IDLE explicitly (imapflow's auto-IDLE would only begin after autoIdleDelay).
    const idling = watcher.idle();
    const t0 = Date.now();
    await dc.deliver('bob', message('While you were idling'));
    const info = await gotExists;
    t.diagnostic(`exists event ${Date.now() - t0} ms after delivery`);
    assert.equal(info.prevCount, 0);
    assert.equal(info.count, 1);
    await watcher.logout(); // ends IDLE
    await idling.catch(() => {});
  } finally {
    watcher.close();
  }
});

test('auto-IDLE (autoIdleDelay: 50) also reports new mail', async (t) => {
  const watcher = client(dc, 'bob', { autoIdleDelay: 50 });
  await watcher.connect();
  try {
    await watcher.mailboxOpen('INBOX');
    const start = watcher.mailbox ? watcher.mailbox.exists : -1;
    const gotExists = new Promise<number>((resolve) => {
      watcher.on('exists', (info: { count: number }) => resolve(info.count));
    });
    // No idle() call: imapflow enters IDLE on its own autoIdleDelay ms after the last command.
    const t0 = Date.now();
    await dc.deliver('bob', message('Auto idle'));
    assert.equal(await gotExists, start + 1);
    t.diagnostic(`exists event ${Date.now() - t0} ms after delivery`);
  } finally {
    await watcher.logout().catch(() => watcher.close());
  }
});

test('stop/start keeps the port and the mail store; clients see the outage', async (t) => {
  const port = dc.port;
  const idler = client(dc, 'alice', { autoIdleDelay: 50 });
  await idler.connect();
  await idler.mailboxOpen('INBOX');
  const closed = new Promise<void>((resolve) => idler.once('close', () => resolve()));

  const t0 = Date.now();
  await dc.stop();
  t.diagnostic(`stop took ${Date.now() - t0} ms`);
  assert.equal(dc.running, false);
  assert.equal(dc.pid, null);
  await closed; // the connected client noticed
  assert.equal(await portIsFree(port), true, 'port free after stop');
  await assert.rejects(listMessages(dc, 'alice'));

  // Mail that arrives while Dovecot is down (dropped into the maildir) shows up after start.
  await dc.deliver('alice', message('Arrived during the outage'));

  await dc.start();
  assert.equal(dc.port, port);
  assert.equal(dc.running, true);
  const msgs = await listMessages(dc, 'alice');
  assert.deepEqual(
    msgs.map((m) => m.subject),
    ['First question', 'Second question ✓', 'Arrived during the outage'],
  );
  assert.deepEqual(
    msgs.slice(0, 2).map((m) => m.uid),
    [1, 2],
    'UIDs survive a restart',
  );
  // LDA works again after the restart.
  await dc.deliver('alice', message('After restart'));
  assert.equal((await listMessages(dc, 'alice')).at(-1)?.subject, 'After restart');
});

test('destroy stops the server and removes the temp dir', async () => {
  const other = await startDovecot({ users: ['carol'] });
  const { dir, port } = other;
  const pid = other.pid;
  assert.ok(pid);
  assert.ok(existsSync(dir));
  await other.deliver('carol', message('hello'));
  await other.destroy();
  assert.equal(existsSync(dir), false);
  assert.equal(await portIsFree(port), true);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
  await other.destroy(); // idempotent
  await assert.rejects(other.start(), /destroyed/);
});
