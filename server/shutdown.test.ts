/**
 * SIGTERM drains, as a load balancer and a sending MTA need it: `/healthz` answers 503 at once,
 * a message being received is stored and answered 250, a sender idling between messages is told
 * 421 at once (it does not hold the shutdown for smtp-server's 30 s), and the process exits.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/client';
import { createDomain } from './app';
import { loadConfig } from './config';
import { createProject } from './domain/projects/projects';
import { testDatabaseUrl } from './testing/test-app';
import { serverProcess } from '../e2e/fixtures/server-process';

const TO = 'incoming+acme-app-1-issue-@desk.test';
const dirs: string[] = [];
const dbs: Db[] = [];
const servers: Array<{ kill9(): Promise<void> }> = [];

after(async () => {
  for (const s of servers) await s.kill9();
  for (const db of dbs) await db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A raw SMTP conversation: `expect` waits for the next reply matching a pattern. */
function smtpClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (buffer += d.toString()));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  return {
    write: (text: string) => socket.write(text),
    async expect(pattern: RegExp, ms = 10_000): Promise<string> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = buffer.match(new RegExp(`^(${pattern.source}).*\\r\\n`, 'm'));
        if (m) {
          buffer = buffer.slice((m.index ?? 0) + m[0].length);
          return m[0].trim();
        }
        if (Date.now() > deadline) throw new Error(`no reply matching ${pattern} (got ${JSON.stringify(buffer)})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    closed: () => closed,
    destroy: () => socket.destroy(),
  };
}

test('SIGTERM: /healthz 503 at once, the message being received is kept (250), an idle sender gets 421, the process exits soon', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-shutdown-'));
  dirs.push(dataDir);
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }));
  dbs.push(dc.db);
  await createProject(dc, { path: 'acme/app' });
  const server = await serverProcess(dataDir, { DATABASE_URL: databaseUrl, INCOMING_EMAIL: 'incoming+%{key}@desk.test', LOG_LEVEL: 'info' });
  servers.push(server);
  await server.start();
  // a balancer's check with a query string is the health check too, not the app's index page
  const probe = await fetch(`${server.url}/healthz?from=lb`);
  assert.equal(probe.headers.get('content-type'), 'application/json');
  assert.equal(((await probe.json()) as { ok: boolean }).ok, true);

  // one sender idle after its greeting, one in the middle of a message
  const idle = smtpClient(server.smtpPort);
  await idle.expect(/220/);
  idle.write('EHLO idle.test\r\n');
  await idle.expect(/250 /);
  const busy = smtpClient(server.smtpPort);
  await busy.expect(/220/);
  busy.write('EHLO busy.test\r\n');
  await busy.expect(/250 /);
  busy.write('MAIL FROM:<customer@example.com>\r\n');
  await busy.expect(/250/);
  busy.write(`RCPT TO:<${TO}>\r\n`);
  await busy.expect(/250/);
  busy.write('DATA\r\n');
  await busy.expect(/354/);
  busy.write(`From: customer@example.com\r\nTo: ${TO}\r\nSubject: In flight at SIGTERM\r\nMessage-ID: <in-flight@example.com>\r\n\r\nThe first half,\r\n`);

  const t0 = Date.now();
  process.kill(server.pid()!, 'SIGTERM');
  assert.match(await idle.expect(/421/, 3_000), /^421 /, 'the idle sender is told to come back at once');

  // the node is out of rotation while it drains
  let health: { status: number; body: { ok: boolean; draining?: boolean } } | null = null;
  for (const deadline = Date.now() + 3_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const res = await fetch(`${server.url}/healthz`);
    health = { status: res.status, body: (await res.json()) as { ok: boolean; draining?: boolean } };
    if (res.status === 503) break;
  }
  assert.equal(health?.status, 503);
  assert.deepEqual({ ok: health?.body.ok, draining: health?.body.draining }, { ok: false, draining: true });

  // the message being received is finished, stored and acknowledged
  busy.write('and the second half.\r\n.\r\n');
  assert.match(await busy.expect(/\d{3}/), /^250 2\.0\.0 Ok: ticket/);
  busy.write('QUIT\r\n');
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (server.pid() !== undefined && isRunning(server.pid()!)) return;
      clearInterval(check);
      resolve();
    }, 20);
  });
  const took = Date.now() - t0;
  assert.ok(took < 5_000, `the process took ${took} ms to exit (smtp-server alone waits 30 s for idle connections)`);
  idle.destroy();
  busy.destroy();
  await server.stop();

  const rows = await dc.db.sqlAll<{ title: string; description: string }>('select title, description from tickets');
  assert.deepEqual(rows.map((r) => r.title), ['In flight at SIGTERM']);
  assert.match(rows[0]!.description, /The first half,\s+and the second half\./);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
