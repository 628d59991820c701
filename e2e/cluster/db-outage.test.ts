/**
 * A node that loses its PostgreSQL (issue 9, item 6): /healthz says so (503), the SMTP listener
 * answers 4xx instead of 250 so the sending MTA keeps the message and retries, and once the
 * database is back the node resumes by itself — the retried message becomes exactly one ticket,
 * and nothing accepted during the outage is lost.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { serverProcess, type ServerProcess } from '../fixtures/server-process';
import { ROOT_DIR } from '../../server/paths';
import { startPostgres, type RunningPostgres } from '../../server/testing/postgres';

const TO = 'incoming+acme-app-1-issue-@outage.test';
let postgres: RunningPostgres;
let node: ServerProcess;
let databaseUrl: string;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-outage-'));

function desk(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/cli/desk.ts'), ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`desk ${args[0]} exited ${code}: ${err}`))));
  });
}

async function send(n: number): Promise<{ ok: boolean; response: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: node.smtpPort, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({
      envelope: { from: `customer${n}@outage.test`, to: [TO] },
      raw: `From: customer${n}@outage.test\r\nTo: ${TO}\r\nSubject: Outage ${n}\r\nMessage-ID: <outage-${n}@outage.test>\r\n\r\nHello ${n}\r\n`,
    });
    return { ok: true, response: info.response };
  } catch (err) {
    return { ok: false, response: String((err as { response?: string }).response ?? err) };
  } finally {
    transport.close();
  }
}

async function ticketsBySubject(): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ title: string; n: string }>('select title, count(*) n from tickets group by title');
    return new Map(rows.map((r) => [r.title, Number(r.n)]));
  } finally {
    await client.end();
  }
}

async function health(): Promise<number> {
  try {
    return (await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

before(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase('outage');
  const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  await desk(['create-project', '--path', 'acme/app'], env);
  node = await serverProcess(dataDir, { DATABASE_URL: databaseUrl, INCOMING_EMAIL: 'incoming+%{key}@outage.test', NODE_NAME: 'outage' });
  await node.start();
});

after(async () => {
  await node?.stop();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('database down: SMTP answers 4xx and /healthz 503; back up: the node resumes by itself and the retried mail makes one ticket', { timeout: 120_000 }, async () => {
  const first = await send(1);
  assert.ok(first.ok, `accepted while the database is up: ${first.response}`);
  assert.equal(await health(), 200);

  await postgres.pause();
  const refused = await send(2);
  assert.equal(refused.ok, false, 'no 250 while the database is down');
  assert.match(refused.response, /^4\d\d/, `a temporary failure the MTA retries: ${refused.response}`);
  assert.equal(await health(), 503);

  await postgres.resume();
  // Back by itself: no restart of the node.
  const deadline = Date.now() + 30_000;
  while ((await health()) !== 200) {
    assert.ok(Date.now() < deadline, '/healthz must recover within 30 s of the database coming back');
    await new Promise((r) => setTimeout(r, 200));
  }
  let retried = await send(2);
  for (let i = 0; !retried.ok && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    retried = await send(2); // the MTA's retry
  }
  assert.ok(retried.ok, `accepted after the database came back: ${retried.response}`);
  const again = await send(2); // a second delivery of the same message is a no-op
  assert.ok(again.ok);

  const tickets = await ticketsBySubject();
  assert.equal(tickets.get('Outage 1'), 1);
  assert.equal(tickets.get('Outage 2'), 1, 'the retried message is one ticket, not zero or two');
});
