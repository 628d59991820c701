/** Ingest rules that need settings or volume: rate limit, reopen, templates, Cc limit, attachments over HTTP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { issueTemplates, participants, serviceDeskSettings, tickets } from '../../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';
let n = 0;

function raw(opts: { from?: string; subject?: string; body?: string; headers?: string; id?: string; cc?: string }): Buffer {
  const id = opts.id ?? `<rules-${++n}@customer.test>`;
  return Buffer.from(
    `From: ${opts.from ?? 'dana@customer.test'}\r\nTo: ${TO}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: ${opts.subject ?? `Rules ${n}`}\r\nMessage-ID: ${id}\r\n${opts.headers ?? ''}\r\n${opts.body ?? 'Hello'}\r\n`,
  );
}

const settings = (s: Partial<typeof serviceDeskSettings.$inferInsert>) =>
  app.dc.db.write((tx) => tx.update(serviceDeskSettings).set(s).where(eq(serviceDeskSettings.projectId, 1)).run());
const receive = (b: Buffer) => app.mail.ingest.receive(b, { source: 'cli' });

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', INGEST_RATE_LIMIT: '3' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'internal');
  await seedUser(app, 'rep@test.io');
  await seedUser(app, 'guest@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  await seedMember(app, 'acme/app', 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
});
after(() => app.close());

test('a sender over the per-minute limit is ignored and recorded, with no reply', async () => {
  const outcomes = [];
  for (let i = 0; i < 5; i++) outcomes.push((await receive(raw({ from: 'flood@customer.test' }))).status);
  assert.deepEqual(outcomes, ['ticket', 'ticket', 'ticket', 'ignored', 'ignored']);
  const row = await app.dc.db.sqlAll("select reason from inbound_messages where from_address = 'flood@customer.test' and status = 'ignored' order by id");
  assert.deepEqual(row, [{ reason: 'rate-limited' }, { reason: 'rate-limited' }]);
  assert.equal((await receive(raw({ from: 'other@customer.test' }))).status, 'ticket', 'other senders are not affected');
});

test('a closed ticket is reopened by an external note when the setting is on', async () => {
  await settings({ reopenOnExternalNote: true });
  const first = await receive(raw({ id: '<reopen-1@customer.test>', subject: 'Reopen me' }));
  assert.ok(first.status === 'ticket');
  await rep.trpc.tickets.update.mutate({ projectPath: 'acme/app', iid: first.iid, state: 'closed' });
  const reply = await receive(raw({ headers: 'In-Reply-To: <reopen-1@customer.test>\r\n', body: 'It broke again' }));
  assert.equal(reply.status, 'note');
  const t = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: first.iid });
  assert.equal(t.state, 'opened');
  const internal = t.notes.find((x) => x.internal);
  assert.equal(internal?.body, 'This ticket has been reopened because it received a new comment from an external participant.');
  await settings({ reopenOnExternalNote: false });
  await rep.trpc.tickets.update.mutate({ projectPath: 'acme/app', iid: first.iid, state: 'closed' });
  await receive(raw({ headers: 'In-Reply-To: <reopen-1@customer.test>\r\n', body: 'Still broken' }));
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: first.iid })).state, 'closed');
});

test('the issue template is appended and its quick actions run; a missing one leaves a warning note', async () => {
  await app.dc.db.write((tx) =>
    tx.insert(issueTemplates).values({ projectId: 1, key: 'support', body: 'Triage checklist\n/label ~support ~"needs triage"', updatedAt: 0 }).run(),
  );
  await settings({ issueTemplateKey: 'support' });
  const t = await receive(raw({ body: 'Please help\n/label ~hacked', from: 'tpl@customer.test' }));
  assert.ok(t.status === 'ticket');
  const d = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.equal(d.description, 'Please help\n`/label ~hacked`  \nTriage checklist');
  assert.deepEqual(d.labels, ['needs triage', 'support']);
  await settings({ issueTemplateKey: 'gone' });
  const m = await receive(raw({ from: 'tpl2@customer.test' }));
  assert.ok(m.status === 'ticket');
  const warn = (await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: m.iid })).notes[0];
  assert.match(warn?.body ?? '', /^WARNING: The template file gone\.md used for service desk issues is empty or could not be found\./);
  await settings({ issueTemplateKey: null });
});

test('Cc participants: ours are skipped, duplicates merged, at most 10 per ticket, a system note names them', async () => {
  await settings({ addCcParticipants: true });
  const cc = [...Array.from({ length: 12 }, (_, i) => `cc${i}@customer.test`), 'CC0@customer.test', 'incoming+acme-app-1-issue-@desk.test'].join(', ');
  const t = await receive(raw({ from: 'lead@customer.test', cc }));
  assert.ok(t.status === 'ticket');
  const ticket = (await app.dc.db.select().from(tickets).where(eq(tickets.iid, t.iid)).get())!;
  const people = (await app.dc.db.select().from(participants).where(eq(participants.ticketId, ticket.id)).orderBy(participants.id).all()).map((p) => p.email);
  assert.equal(people.length, 10);
  assert.equal(people[0], 'lead@customer.test');
  assert.ok(!people.some((p) => p.includes('desk.test')));
  const d = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.equal(d.notes.find((x) => x.system)?.body, `added ${people.slice(1).join(', ')}`);
  await settings({ addCcParticipants: false });
});

test('attachments download only for those who may see the ticket, never as active content', async () => {
  await settings({ confidentialByDefault: false });
  const boundary = 'b1';
  const body = `--${boundary}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--${boundary}\r\nContent-Type: text/html; name="x.html"\r\nContent-Disposition: attachment; filename="x.html"\r\n\r\n<script>alert(1)</script>\r\n--${boundary}--\r\n`;
  const t = await receive(raw({ from: 'att@customer.test', headers: `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n`, body }));
  assert.ok(t.status === 'ticket');
  const d = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  const url = /\((\/attachments\/[^)]+)\)/.exec(d.description)?.[1];
  assert.ok(url, d.description);
  const asRep = await fetch(`${app.url}${url}`, { headers: { cookie: rep.cookie } });
  assert.equal(asRep.status, 200);
  assert.equal(asRep.headers.get('content-type'), 'application/octet-stream');
  assert.match(asRep.headers.get('content-disposition') ?? '', /^attachment; filename="x.html"/);
  assert.equal(asRep.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await asRep.text(), '<script>alert(1)</script>');
  assert.equal((await fetch(`${app.url}${url}`)).status, 401);
  assert.equal((await fetch(`${app.url}${url}`, { headers: { cookie: guest.cookie } })).status, 200, 'guests may see non-confidential tickets');
  await rep.trpc.tickets.update.mutate({ projectPath: 'acme/app', iid: t.iid, confidential: true });
  assert.equal((await fetch(`${app.url}${url}`, { headers: { cookie: guest.cookie } })).status, 404, 'but not confidential ones');
  await settings({ confidentialByDefault: true });
});

test('rejections are written to the local outbox folder; quarantine can be listed, retried and discarded by admins', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const out = await app.mail.ingest.receive(Buffer.from('From: lost@customer.test\r\nTo: nobody@elsewhere.test\r\nSubject: Where does this go\r\nMessage-ID: <lost@customer.test>\r\n\r\nhi\r\n'), { source: 'cli' });
  assert.equal(out.status, 'rejected');
  await app.mail.outbox.drain();
  const dir = path.join(app.dataDir, 'outbox');
  const file = readdirSync(dir).find((f) => readFileSync(path.join(dir, f), 'utf8').includes('Subject: [Rejected] Where does this go'));
  assert.ok(file, 'rejection .eml written');
  const eml = readFileSync(path.join(dir, file), 'utf8');
  assert.match(eml, /^To: lost@customer\.test$/m);
  assert.match(eml, /^In-Reply-To: <lost@customer\.test>$/m);
  assert.match(eml, /^Auto-Submitted: auto-replied$/m);

  const admin = await signIn(app, 'admin@test.io');
  const q = await app.mail.ingest.receive(Buffer.from([0, 1, 2, 3]), { source: 'cli' });
  assert.equal(q.status, 'quarantined');
  const listed = await admin.trpc.inbound.list.query({ status: ['quarantined'] });
  assert.ok(listed.some((m) => m.id === q.inboundId && /no header fields/.test(m.error ?? '')));
  // the stored bytes can be read back to see what arrived
  const seen = await admin.trpc.inbound.get.query({ id: q.inboundId });
  assert.equal(seen.raw?.text, '\u0000\u0001\u0002\u0003');
  assert.equal(seen.raw?.truncated, false);
  assert.equal(seen.status, 'quarantined');
  await assert.rejects(rep.trpc.inbound.get.query({ id: q.inboundId }), /Only an instance administrator/);
  await assert.rejects(admin.trpc.inbound.get.query({ id: 999_999 }), /No received message has this id/);
  assert.equal((await admin.trpc.inbound.retry.mutate({ id: q.inboundId }))?.status, 'quarantined');
  assert.equal((await admin.trpc.inbound.discard.mutate({ id: q.inboundId })).status, 'discarded');
  await assert.rejects(admin.trpc.inbound.discard.mutate({ id: q.inboundId }), /Only quarantined messages/);
  await assert.rejects(rep.trpc.inbound.list.query(), /Only an instance administrator/);
});

test('a flood of mail with a forged sender gets at most 5 rejection emails per hour', async () => {
  for (let i = 0; i < 8; i++) {
    const out = await app.mail.ingest.receive(Buffer.from(`From: forged@victim.test\r\nTo: nobody@nowhere.test\r\nSubject: spam ${i}\r\nMessage-ID: <spam-${i}@x.test>\r\n\r\nbuy\r\n`), { source: 'cli' });
    assert.equal(out.status, 'rejected', 'every message is still recorded');
  }
  const n = await app.dc.db.sqlGet<{ n: number }>("select count(*) n from outbox where kind = 'rejection' and to_address = 'forged@victim.test'");
  assert.equal(Number(n?.n), 5);
});
