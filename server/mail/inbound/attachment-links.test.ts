/** Attachment names are the sender's text: through the real ingest pipeline they stay text, linked only to our copy. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../domain/notes/markdown';
import { assertNoActiveUrl } from '../../testing/hostile-urls';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

const HOSTILE = 'x](javascript:alert(1))<img src=x onerror=alert(1)>.pdf';
const HOSTILE_IMAGE = 'y](javascript:alert(2))<i>*bold* _x_.png';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let app: TestApp;
let rep: Session;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'internal');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
});
after(() => app.close());

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

test('a hostile attachment name is shown literally, as one link (or image) to our stored file', async () => {
  const b = 'att-b';
  const raw =
    `From: mallory@customer.test\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Invoice\r\nMessage-ID: <hostile-name@customer.test>\r\n` +
    `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n` +
    `--${b}\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n` +
    `--${b}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="${HOSTILE}"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n` +
    `--${b}\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="${HOSTILE_IMAGE}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${PNG}\r\n` +
    `--${b}--\r\n`;
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket', JSON.stringify(out));
  const t = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: out.iid });
  const html = renderMarkdown(t.description);

  const links = [...html.matchAll(/<a\b[^>]*>/g)];
  assert.equal(links.length, 1, html);
  const link = /<a href="(\/attachments\/[0-9a-f]{32}\/[^"]+)"[^>]*>([^<]*)<\/a>/.exec(html);
  assert.ok(link, html);
  assert.equal(link[2], escapeHtml(HOSTILE), 'the name is the link text, literally');
  const images = [...html.matchAll(/<img\b[^>]*>/g)];
  assert.equal(images.length, 1, html);
  assert.match(images[0]![0], new RegExp(`alt="${escapeHtml(HOSTILE_IMAGE).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  assert.match(images[0]![0], /src="\/attachments\/[0-9a-f]{32}\/[^"]+"/);
  assert.deepEqual([...new Set(Array.from(html.matchAll(/<([a-z0-9]+)/g), (m) => m[1]))].sort(), ['a', 'br', 'img', 'p'], `no markup from the names: ${html}`);
  assertNoActiveUrl(html, 'attachment links');

  const download = await fetch(`${app.url}${link[1]}`, { headers: { cookie: rep.cookie } });
  assert.equal(download.status, 200);
  assert.equal(await download.text(), '%PDF-1.4\n', 'the link leads to the stored file');
});

test('a message that is only an attachment: the description and the reply\'s note start with the link, not with blank lines', async () => {
  const only = (id: string, extra = '') =>
    `From: fax@customer.test\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Scan\r\nMessage-ID: <${id}@customer.test>\r\n${extra}` +
    'MIME-Version: 1.0\r\nContent-Type: application/pdf; name="scan.pdf"\r\nContent-Disposition: attachment; filename="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n';
  const out = await app.mail.ingest.receive(Buffer.from(only('only-pdf')), { source: 'cli' });
  assert.ok(out.status === 'ticket', JSON.stringify(out));
  const reply = await app.mail.ingest.receive(Buffer.from(only('only-pdf-2', 'In-Reply-To: <only-pdf@customer.test>\r\n')), { source: 'cli' });
  assert.ok(reply.status === 'note', JSON.stringify(reply));
  const t = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: out.iid });
  assert.match(t.description, /^\[scan\.pdf\]\(\/attachments\/[0-9a-f]{32}\/scan\.pdf\)$/);
  assert.match(t.notes.at(-1)?.body ?? '', /^\[scan\.pdf\]\(\/attachments\/[0-9a-f]{32}\/scan\.pdf\)$/);
});
