/**
 * Outbox faults against a real SMTP server: 200 emails queued while it is down are all delivered
 * once it is back, none twice; a SIGKILL while sending loses none and never changes a Message-ID.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createDomain } from '../../app';
import { loadConfig } from '../../config';
import { createProject } from '../../domain/projects/projects';
import { testDatabaseUrl } from '../../testing/test-app';
import { serverProcess } from '../../../e2e/fixtures/server-process';
import { startSmtpSink, type Captured } from '../../../e2e/fixtures/smtp-sink';

const N = 200;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A data directory with project acme/app, on this test run's engine; `env` points the server at it. */
async function dataDir(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-outfault-'));
  dirs.push(dir);
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dir, DATABASE_URL: databaseUrl }));
  await createProject(dc, { path: 'acme/app' });
  await dc.db.close();
  return { dir, env: { DATABASE_URL: databaseUrl } };
}

async function sendCustomers(port: number, tag: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
  await Promise.all(Array.from({ length: N }, (_, i) =>
    t.sendMail({ from: `${tag}${i}@customer.test`, to: TO, subject: `${tag} ${i}`, text: 'hi', messageId: `<${tag}-${i}@customer.test>` }),
  ));
  t.close();
}

function byRecipient(messages: Captured[], tag: string): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const m of messages) {
    const rcpt = m.to[0] ?? '';
    if (!rcpt.startsWith(tag)) continue;
    const id = /^Message-ID: (.+)$/im.exec(m.raw.toString())?.[1]?.trim() ?? '';
    map.set(rcpt, (map.get(rcpt) ?? new Set()).add(id));
  }
  return map;
}

test('SMTP server down while 200 emails are queued, then up: all delivered, none twice', async () => {
  const sink = await startSmtpSink();
  await sink.stop();
  const store = await dataDir();
  const server = await serverProcess(store.dir, { ...store.env, INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` });
  await server.start();
  try {
    await sendCustomers(server.smtpPort, 'down');
    await sink.start();
    await sink.waitFor(N, 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // anything extra would arrive now
    const map = byRecipient(sink.messages, 'down');
    assert.equal(map.size, N);
    assert.equal(sink.messages.filter((m) => (m.to[0] ?? '').startsWith('down')).length, N, 'none twice');
  } finally {
    await server.stop();
    await sink.stop();
  }
});

test('SIGKILL while sending: every email delivered at least once, never under two Message-IDs', async () => {
  const sink = await startSmtpSink();
  const store = await dataDir();
  const server = await serverProcess(store.dir, { ...store.env, INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` });
  await server.start();
  try {
    // Some customers' mail is refused mid-kill; they resend below, like real MTAs would.
    const sending = sendCustomers(server.smtpPort, 'kill').catch(() => undefined);
    await sink.waitFor(40, 60_000);
    await server.kill9();
    await sending;
    await server.start();
    await sendCustomers(server.smtpPort, 'kill');
    for (let i = 0; i < 600 && byRecipient(sink.messages, 'kill').size < N; i++) await new Promise((r) => setTimeout(r, 100));
    const map = byRecipient(sink.messages, 'kill');
    assert.equal(map.size, N, 'every thank-you delivered');
    const twoIds = [...map.entries()].filter(([, ids]) => ids.size > 1);
    assert.deepEqual(twoIds, [], 'never two Message-IDs for one email');
  } finally {
    await server.stop();
    await sink.stop();
  }
});
