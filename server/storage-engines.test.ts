/**
 * Which disk turns a node away (review 10): on SQLite mail is stored in DATA_DIR, so too little
 * room there (here: less than 1.5 × a huge MAX_EMAIL_SIZE) takes the node out of rotation and SMTP
 * answers 452; on PostgreSQL mail is stored in the database and DATA_DIR holds only the key and the
 * outbox folder, so the same DATA_DIR neither takes the node out nor refuses mail.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESK_TO, sendOverSmtp } from './testing/mailbox-tests';
import { seedProject, startTestApp, TEST_ENGINE, type TestApp } from './testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', MAX_EMAIL_SIZE: String(2 ** 50) });
  await seedProject(app, 'acme/app');
});
after(async () => app?.close());

async function health(): Promise<{ status: number; body: { ok: boolean; storage: string; reason?: string } }> {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; storage: string; reason?: string } };
}

test(`a DATA_DIR without room for the largest message: ${TEST_ENGINE === 'pg' ? 'no matter on PostgreSQL' : 'the node leaves rotation on SQLite'}`, async () => {
  const expected = TEST_ENGINE === 'pg' ? 200 : 503;
  // the first background check runs at start; give it a few seconds on a busy machine
  let h = await health();
  for (let i = 0; i < 50 && h.status !== expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    h = await health();
  }
  const raw = `From: ada@customer.test\r\nTo: ${DESK_TO}\r\nSubject: hi\r\nMessage-ID: <hi-1@customer.test>\r\n\r\nHello.\r\n`;
  const smtp = await sendOverSmtp(app, raw, 'ada@customer.test').then(
    () => 250,
    (err: { responseCode?: number }) => err.responseCode ?? 0,
  );
  if (TEST_ENGINE === 'pg') assert.deepEqual({ status: h.status, storage: h.body.storage, smtp }, { status: 200, storage: 'ok', smtp: 250 });
  else assert.deepEqual({ status: h.status, reason: h.body.reason, smtp }, { status: 503, reason: 'disk-full', smtp: 452 });
});
