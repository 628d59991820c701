/**
 * Issue 15 items 1–2: hostile mail through the real SMTP listener of a real server process,
 * each ticket then opened over HTTP, while /healthz is polled the whole time. The server must
 * keep answering (bound 1 s of its event loop's time) and every ticket must open.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createDomain } from '../app';
import { loadConfig } from '../config';
import { createProject } from '../domain/projects/projects';
import { createFirstAdmin } from '../domain/accounts/users';
import { testDatabaseUrl } from '../testing/test-app';
import { mainThreadCpuMs } from '../testing/thread-cpu';
import { serverProcess, type ServerProcess } from '../../e2e/fixtures/server-process';
import { HOSTILE_BODIES, HOSTILE_REPLIES, hostileMessage, hugeTextMessage } from '../testing/hostile-inputs';
import { TRUNCATED_EMAIL_MARKER } from './limits';

const TO = 'incoming+acme-app-1-issue-@desk.test';
const EMAIL = 'admin@desk.test';
const PASSWORD = 'correct-horse-battery';
let dir = '';
let server: ServerProcess;
let cookie = '';

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-hostile-'));
  // on the harness's PostgreSQL pass, a fresh database the server process is pointed at too
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dir, DATABASE_URL: databaseUrl }));
  await createProject(dc, { path: 'acme/app' });
  await createFirstAdmin(dc, { email: EMAIL, password: PASSWORD, name: 'Admin' });
  await dc.db.close();
  server = await serverProcess(dir, { DATABASE_URL: databaseUrl, INCOMING_EMAIL: 'incoming+%{key}@desk.test', LOG_LEVEL: 'error' });
  await server.start();
  const res = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  assert.ok(cookie.startsWith('tl_session='), 'signed in');
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function trpcGet<T>(name: string, input: unknown): Promise<{ status: number; data: T }> {
  const res = await fetch(`${server.url}/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  return { status: res.status, data: body.result?.data as T };
}

/**
 * Polls /healthz until stopped; returns the slowest answer in ms (a refused or timed-out poll
 * counts as 60 s). A slow answer counts for no more than the CPU the server's event loop used
 * meanwhile (plus a tick): on a busy machine a server that was merely waiting for a core was not
 * stalled by the mail (CI once saw 1.24 s by the clock with other work beside the test).
 */
function pollHealth() {
  let stop = false;
  let worst = 0;
  let worstWall = 0;
  let polls = 0;
  const done = (async () => {
    while (!stop) {
      const t0 = performance.now();
      const cpu0 = mainThreadCpuMs(server.pid());
      try {
        const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(60_000) });
        await res.text();
        if (!res.ok) worst = Math.max(worst, 60_000);
      } catch {
        worst = Math.max(worst, 60_000);
      }
      const wall = performance.now() - t0;
      const cpu1 = mainThreadCpuMs(server.pid());
      worstWall = Math.max(worstWall, wall);
      worst = Math.max(worst, cpu0 === null || cpu1 === null ? wall : Math.min(wall, cpu1 - cpu0 + 10));
      polls++;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return { async stop() { stop = true; await done; return { worst, worstWall, polls }; } };
}

test('hostile mail and hostile notes never stall the server, and every ticket opens', { timeout: 300_000 }, async (t) => {
  const health = pollHealth();
  try {
    await sendAndOpen();
  } finally {
    const { worst, worstWall, polls } = await health.stop();
    t.diagnostic(`/healthz: ${polls} polls, slowest ${Math.round(worst)} ms of the event loop's time, ${Math.round(worstWall)} ms by the clock`);
    assert.ok(polls > 10, `polled /healthz ${polls} times`);
    assert.ok(worst < 1000, `/healthz answered within 1 s throughout (slowest ${Math.round(worst)} ms of the event loop's time, ${Math.round(worstWall)} ms by the clock)`);
  }
});

async function sendAndOpen(): Promise<void> {
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true, socketTimeout: 120_000 });
  const messages = HOSTILE_BODIES.map((b, i) => ({ name: b.name, raw: hostileMessage(b, TO, i), showsNothing: b.showsNothing ?? false }));
  messages.push({ name: '23 MB text body', raw: hugeTextMessage(TO), showsNothing: false });
  for (const m of messages) {
    await smtp.sendMail({ envelope: { from: 'mallory@attacker.test', to: [TO] }, raw: m.raw });
  }
  // replies shaped to make the reply-trimming rules slow, threaded onto the first ticket: folded
  // in the render worker, not on the event loop
  const first = /Message-ID: (<[^>]+>)/.exec(messages[0]?.raw ?? '')?.[1] ?? '';
  for (const [i, r] of HOSTILE_REPLIES.entries()) {
    const raw = `From: Mallory 0 <mallory0@attacker.test>\r\nTo: ${TO}\r\nSubject: Re: hostile\r\nMessage-ID: <hostile-reply-${i}@attacker.test>\r\nIn-Reply-To: ${first}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${r.text}\r\n`;
    await smtp.sendMail({ envelope: { from: 'mallory0@attacker.test', to: [TO] }, raw });
  }
  smtp.close();

  const opened: string[] = [];
  for (let iid = 1; iid <= messages.length; iid++) {
    const { name = '', showsNothing = false } = messages[iid - 1] ?? {};
    const r = await trpcGet<{ title: string; description: string; descriptionHtml: string }>('tickets.get', { projectPath: 'acme/app', iid });
    assert.equal(r.status, 200, `ticket ${iid} (${name}) opens`);
    assert.equal(r.data.title, `Hostile ${name}`.replace('Hostile 23 MB text body', 'Huge body'));
    if (!showsNothing) assert.ok(r.data.descriptionHtml.length > 0, `ticket ${iid} (${name}) shows its text`);
    assert.ok(!/<script|onerror=/i.test(r.data.descriptionHtml), `ticket ${iid} (${name}) is sanitised`);
    opened.push(r.data.title);
    if (name === '10 MB single line' || name === '23 MB text body') {
      assert.ok(r.data.description.includes(TRUNCATED_EMAIL_MARKER), `${name}: stored truncated with the marker`);
      assert.ok(r.data.description.length < 400_000, `${name}: stored cut to size`);
    }
  }
  assert.equal(opened.length, messages.length);
  const replied = await trpcGet<{ notes: { externalAuthor: string | null }[] }>('tickets.get', { projectPath: 'acme/app', iid: 1 });
  assert.equal(replied.data.notes.filter((n) => n.externalAuthor === 'mallory0@attacker.test').length, HOSTILE_REPLIES.length, 'every hostile reply is a note');

  // A responder (or a stolen session) posting pathological Markdown through the API.
  const res = await fetch(`${server.url}/trpc/notes.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ projectPath: 'acme/app', iid: 1, body: '*a_'.repeat(100_000), internal: true }),
  });
  assert.equal(res.status, 200, 'the note is accepted');
  const preview = await trpcGet<{ html: string }>('notes.preview', { projectPath: 'acme/app', text: '>'.repeat(3_000) });
  assert.equal(preview.status, 200, 'the preview answers');
  const t1 = await trpcGet<{ notes: { html: string }[] }>('tickets.get', { projectPath: 'acme/app', iid: 1 });
  assert.equal(t1.status, 200);
  assert.ok(t1.data.notes.some((n) => n.html.includes('*a_*a_')), 'the note is shown as plain text');
}
