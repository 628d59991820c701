/** Composer uploads over real HTTP: who may upload, the size cap, and a reply that carries the files to the customer. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { attachments, outbox } from '../../db/schema';
import { startSmtpSink, type SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { renderMarkdown } from '../domain/notes/markdown';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/app';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really pixels')]);
let sink: SmtpSink;
let app: TestApp;
let rep: Session;
let guest: Session;
let outsider: Session;

before(async () => {
  sink = await startSmtpSink();
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off`, PUBLIC_URL: 'https://desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  for (const [email, role] of [['rep@test.io', 'reporter'], ['guest@test.io', 'guest']] as const) {
    await seedUser(app, email, email === 'rep@test.io' ? 'Rita Responder' : undefined);
    await seedMember(app, P, email, role);
  }
  await seedUser(app, 'outsider@test.io');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  outsider = await signIn(app, 'outsider@test.io');
});
after(async () => {
  await app.close();
  await sink.stop();
});

function upload(opts: { iid: number; filename: string; body: BodyInit; type?: string; cookie?: string; origin?: string; project?: string; chunked?: boolean }) {
  const q = new URLSearchParams({ projectPath: opts.project ?? P, iid: String(opts.iid), filename: opts.filename });
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'application/octet-stream' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  return fetch(`${app.url}/uploads?${q}`, { method: 'POST', headers, body: opts.body, ...(opts.chunked ? { duplex: 'half' } : {}) } as RequestInit);
}

async function errorOf(res: Response): Promise<{ status: number; message: string; appCode: string }> {
  const body = (await res.json()) as { error: { message: string; data: { appCode: string } } };
  return { status: res.status, message: body.error.message, appCode: body.error.data.appCode };
}

/** Waits for `n` more messages at the sink and returns them parsed. */
async function nextMail(n = 1) {
  const seen = sink.messages.length;
  app.mail.outbox.kick();
  const all = await sink.waitFor(seen + n);
  return Promise.all(all.slice(seen).map((c) => simpleParser(c.raw)));
}

async function ticket(title: string, opts: { confidential?: boolean; customer?: string } = {}) {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title, confidential: opts.confidential ?? false, ...(opts.customer ? { externalAuthor: opts.customer } : {}) });
  if (opts.customer) await nextMail();
  return t;
}

test('a responder uploads a file and an image; both download, the image inline; names are made safe', async () => {
  const t = await ticket('Uploads work');
  const res = await upload({ iid: t.iid, filename: '../../etc/screen shot.png', body: PNG, type: 'image/png', cookie: rep.cookie, origin: app.url });
  assert.equal(res.status, 201);
  const img = (await res.json()) as { token: string; filename: string; url: string; contentType: string; size: number; markdown: string };
  assert.equal(img.filename, 'screen shot.png');
  assert.equal(img.contentType, 'image/png');
  assert.equal(img.size, PNG.length);
  assert.match(img.url, /^\/attachments\/[0-9a-f]{32}\/screen%20shot\.png$/);
  assert.equal(img.markdown, `![screen shot.png](${img.url})`);
  const got = await fetch(`${app.url}${img.url}`, { headers: { cookie: rep.cookie } });
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);

  const txt = (await (await upload({ iid: t.iid, filename: 'log.txt', body: 'ERROR 42', type: 'text/plain', cookie: rep.cookie })).json()) as { url: string; markdown: string };
  assert.equal(txt.markdown, `[log.txt](${txt.url})`);
  const file = await fetch(`${app.url}${txt.url}`, { headers: { cookie: rep.cookie } });
  assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename="log.txt"/);
  assert.equal(await file.text(), 'ERROR 42');

  // A "PNG" that is not one is kept as a download, so the thread never shows a broken image.
  const fake = (await (await upload({ iid: t.iid, filename: 'fake.png', body: '<svg/>', type: 'image/png', cookie: rep.cookie })).json()) as { contentType: string; markdown: string };
  assert.equal(fake.contentType, 'application/octet-stream');
  assert.match(fake.markdown, /^\[fake\.png\]/);
});

test('a hostile file name becomes the text of one link to the upload, not markup or a link of its own', async () => {
  const t = await ticket('Hostile name');
  const name = 'x](javascript:alert(1))<img src=x onerror=alert(1)>.pdf';
  const up = (await (await upload({ iid: t.iid, filename: name, body: '%PDF-1.4', cookie: rep.cookie })).json()) as { url: string; markdown: string };
  assert.match(up.url, /^\/attachments\/[0-9a-f]{32}\/[^()<>[\]\s]+$/);
  const html = renderMarkdown(`Here: ${up.markdown}`);
  assert.equal(html, `<p>Here: <a href="${up.url}" rel="noopener noreferrer nofollow" target="_blank">x](javascript:alert(1))&lt;img src=x onerror=alert(1)&gt;.pdf</a></p>\n`);
  assert.equal(await (await fetch(`${app.url}${up.url}`, { headers: { cookie: rep.cookie } })).text(), '%PDF-1.4');
});

test('refused: no session, a foreign origin, a guest, a non-member, a confidential ticket below reporter, too large, empty', async () => {
  const t = await ticket('Refusals');
  const secret = await ticket('Secret', { confidential: true });
  const body = 'hello';
  assert.deepEqual(await errorOf(await upload({ iid: t.iid, filename: 'a.txt', body })), { status: 401, message: 'You need to sign in first.', appCode: 'UNAUTHENTICATED' });
  assert.deepEqual(await errorOf(await upload({ iid: t.iid, filename: 'a.txt', body, cookie: rep.cookie, origin: 'https://evil.example' })), {
    status: 403,
    message: 'Request from a foreign origin refused.',
    appCode: 'FOREIGN_ORIGIN',
  });
  const asGuest = await errorOf(await upload({ iid: t.iid, filename: 'a.txt', body, cookie: guest.cookie }));
  assert.deepEqual(asGuest, { status: 403, message: 'You need the reporter role or higher in this project to do this.', appCode: 'FORBIDDEN' });
  assert.deepEqual(await errorOf(await upload({ iid: secret.iid, filename: 'a.txt', body, cookie: guest.cookie })), { status: 404, message: 'Ticket not found.', appCode: 'TICKET_NOT_FOUND' });
  assert.deepEqual(await errorOf(await upload({ iid: t.iid, filename: 'a.txt', body, cookie: outsider.cookie })), { status: 404, message: 'Project not found.', appCode: 'PROJECT_NOT_FOUND' });
  assert.equal((await errorOf(await upload({ iid: 9999, filename: 'a.txt', body, cookie: rep.cookie }))).status, 404);

  const big = Buffer.alloc(10 * 1024 * 1024 + 1, 1);
  const declared = await errorOf(await upload({ iid: t.iid, filename: 'big.bin', body: big, cookie: rep.cookie }));
  assert.deepEqual(declared, { status: 413, message: 'The file is too large: uploads are limited to 10 MB each.', appCode: 'FILE_TOO_LARGE' });
  // Without a Content-Length the body is counted as it arrives.
  const stream = new Blob([big]).stream();
  const counted = await errorOf(await upload({ iid: t.iid, filename: 'big.bin', body: stream, cookie: rep.cookie, chunked: true }));
  assert.equal(counted.status, 413);
  assert.equal(counted.message, declared.message);

  assert.deepEqual(await errorOf(await upload({ iid: t.iid, filename: 'empty.txt', body: '', cookie: rep.cookie })), { status: 400, message: 'The file is empty.', appCode: 'INVALID_INPUT' });
  assert.equal((await errorOf(await upload({ iid: t.iid, filename: '', body, cookie: rep.cookie }))).message, 'filename: filename is required.');
  assert.equal((await fetch(`${app.url}/uploads`, { headers: { cookie: rep.cookie } })).status, 405);
  const stored = (await app.dc.db.select().from(attachments).all()).filter((a) => a.filename === 'a.txt' || a.filename === 'big.bin');
  assert.equal(stored.length, 0, 'nothing refused was recorded');
});

test('a reply claims the uploads it links and emails them to the customer as attachments; another ticket\'s upload stays unclaimed', async () => {
  const t = await ticket('Send me the logs', { customer: 'jane@customer.test' });
  const other = await ticket('Another ticket');
  const up = async (iid: number, filename: string, body: BodyInit, type: string) =>
    (await (await upload({ iid, filename, body, type, cookie: rep.cookie })).json()) as { token: string; url: string; markdown: string };
  const img = await up(t.iid, 'screen.png', PNG, 'image/png');
  const log = await up(t.iid, 'log.txt', 'ERROR 42', 'text/plain');
  const foreign = await up(other.iid, 'theirs.txt', 'not yours', 'text/plain');
  const unused = await up(t.iid, 'unused.txt', 'never linked', 'text/plain');

  const note = await rep.trpc.notes.create.mutate({
    projectPath: P,
    iid: t.iid,
    body: `Here you go: ${img.markdown} and ${log.markdown}. Also ${foreign.markdown}`,
    internal: false,
  });
  const rows = new Map((await app.dc.db.select().from(attachments).all()).map((a) => [a.token, a.noteId]));
  assert.equal(rows.get(img.token), note.id);
  assert.equal(rows.get(log.token), note.id);
  assert.equal(rows.get(foreign.token), null, 'a token of another ticket is not linked');
  assert.equal(rows.get(unused.token), null, 'an upload the note does not mention stays unclaimed');
  assert.match(note.html, /<img src="\/attachments\/[0-9a-f]{32}\/screen\.png" alt="screen\.png"/);
  assert.match(note.html, /<a href="\/attachments\/[0-9a-f]{32}\/log\.txt"[^>]*>log\.txt<\/a>/);

  const [m] = await nextMail();
  assert.deepEqual(m!.to && 'value' in m!.to ? m!.to.value.map((v) => v.address) : [], ['jane@customer.test']);
  assert.deepEqual(
    m!.attachments.map((a) => [a.filename, a.contentType, a.content.toString('latin1')]),
    [
      ['screen.png', 'image/png', PNG.toString('latin1')],
      ['log.txt', 'text/plain', 'ERROR 42'],
    ],
  );
  assert.match(m!.text ?? '', new RegExp(`https://desk\\.test${log.url}`), 'links in the email are absolute');

  // Already claimed: a later note that quotes the link does not send the file again.
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: `As before: ${log.markdown}`, internal: false });
  const [again] = await nextMail();
  assert.deepEqual(again!.attachments, []);
});

test('an internal note claims its uploads and sends nothing; over 10 MB in all, the reply links the files instead', async () => {
  const t = await ticket('Big files', { customer: 'big@customer.test' });
  const up = async (filename: string, body: BodyInit) =>
    (await (await upload({ iid: t.iid, filename, body, cookie: rep.cookie })).json()) as { token: string; url: string; markdown: string };
  const secret = await up('notes.txt', 'between us');
  const mailed = sink.messages.length;
  const internal = await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: `See ${secret.markdown}`, internal: true });
  assert.equal((await app.dc.db.select().from(attachments).where(eq(attachments.token, secret.token)).get())?.noteId, internal.id);
  // the file is as private as its internal note: a guest who can see the ticket still gets nothing
  assert.equal((await fetch(`${app.url}${secret.url}`, { headers: { cookie: guest.cookie } })).status, 404);
  assert.equal(await (await fetch(`${app.url}${secret.url}`, { headers: { cookie: rep.cookie } })).text(), 'between us');

  const a = await up('a.bin', Buffer.alloc(6 * 1024 * 1024, 1));
  const b = await up('b.bin', Buffer.alloc(6 * 1024 * 1024, 2));
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: `${a.markdown} ${b.markdown}`, internal: false });
  const [m] = await nextMail();
  assert.equal(sink.messages.length, mailed + 1, 'the internal note sent nothing');
  assert.deepEqual(m!.attachments, []);
  assert.ok((m!.text ?? '').includes(`https://desk.test${a.url}`) && (m!.text ?? '').includes(`https://desk.test${b.url}`), 'both linked');
  const row = (await app.dc.db.select().from(outbox).where(eq(outbox.ticketId, t.id)).all()).at(-1);
  assert.equal((row?.spec as { attachments?: unknown }).attachments, undefined);
});

test('a large upload (9 MB, every byte value) downloads byte for byte, streamed from storage; HEAD sends no body', async () => {
  const t = await ticket('Large download');
  const content = Buffer.alloc(9 * 1024 * 1024);
  for (let i = 0; i < content.length; i++) content[i] = (i * 7 + (i >> 12)) & 0xff;
  const up = (await (await upload({ iid: t.iid, filename: 'dump.bin', body: content, cookie: rep.cookie })).json()) as { url: string };
  const got = await fetch(`${app.url}${up.url}`, { headers: { cookie: rep.cookie } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-length'), String(content.length));
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(content), 'the downloaded bytes are the uploaded ones');
  const head = await fetch(`${app.url}${up.url}`, { method: 'HEAD', headers: { cookie: rep.cookie } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(content.length));
  assert.equal((await head.arrayBuffer()).byteLength, 0);
});
