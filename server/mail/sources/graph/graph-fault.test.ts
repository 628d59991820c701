/**
 * Nothing lost, nothing doubled with Microsoft Graph: the server process is killed with SIGKILL
 * in the middle of ingesting 500 messages from the local Graph stand-in, restarted on the same
 * data, and every message ends up as exactly one ticket, marked read in the mailbox.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../../../db/client';
import { createDomain } from '../../../app';
import { loadConfig } from '../../../config';
import { createProject } from '../../../domain/projects/projects';
import { testDatabaseUrl } from '../../../testing/test-app';
import { startFakeGraph, type FakeGraph } from '../../../testing/fake-graph';
import { serverProcess } from '../../../../e2e/fixtures/server-process';

const N = 500;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const MAILBOX = 'desk@contoso.com';
const dirs: string[] = [];
const dbs: Db[] = [];
let fake: FakeGraph | null = null;

function message(i: number): string {
  return `From: burst${i}@customer.test\r\nTo: ${TO}\r\nSubject: graph ${i}\r\nMessage-ID: <graph-${i}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nMessage number ${i}.\r\n`;
}

async function ticketCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db.sqlAll<{ title: string; n: number }>("select title, count(*) n from tickets where title like 'graph %' group by title");
  return new Map(rows.map((r) => [r.title, Number(r.n)]));
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

after(async () => {
  await fake?.stop();
  for (const db of dbs) await db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('Graph: kill -9 mid-batch, restart, every message is one ticket and marked read', async () => {
  fake = await startFakeGraph();
  for (let i = 0; i < N; i++) fake.deliver(MAILBOX, message(i));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-graph-fault-'));
  dirs.push(dataDir);
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }));
  dbs.push(dc.db);
  await createProject(dc, { path: 'acme/app' });
  const server = await serverProcess(dataDir, {
    DATABASE_URL: databaseUrl,
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    GRAPH_TENANT_ID: fake.tenantId,
    GRAPH_CLIENT_ID: fake.clientId,
    GRAPH_CLIENT_SECRET: fake.clientSecret,
    GRAPH_MAILBOX: MAILBOX,
    GRAPH_NAME: 'desk',
    GRAPH_BASE_URL: fake.url,
    GRAPH_LOGIN_URL: fake.url,
    GRAPH_POLL_SECONDS: '1',
  });
  await server.start();
  await until(async () => (await ticketCounts(dc.db)).size >= 120, 60_000, 'the first tickets');
  await server.kill9();
  const atKill = (await ticketCounts(dc.db)).size;
  assert.ok(atKill < N, `killed mid-batch (${atKill} of ${N} done)`);
  await server.start();
  await until(async () => (await ticketCounts(dc.db)).size >= N, 120_000, 'all tickets after restart');
  const counts = await ticketCounts(dc.db);
  const missing: number[] = [];
  const doubled: string[] = [];
  for (let i = 0; i < N; i++) {
    const n = counts.get(`graph ${i}`) ?? 0;
    if (n === 0) missing.push(i);
    if (n > 1) doubled.push(`graph ${i} ×${n}`);
  }
  assert.deepEqual({ missing, doubled }, { missing: [], doubled: [] });
  await until(async () => fake?.inbox(MAILBOX).every((m) => m.isRead) ?? false, 30_000, 'every message marked read');
  const rows = await dc.db.sqlGet<{ n: number }>("select count(*) n from inbound_messages where source = 'graph:desk'");
  assert.equal(Number(rows?.n), N, 'one inbound record per Graph message');
  await server.stop();
});
