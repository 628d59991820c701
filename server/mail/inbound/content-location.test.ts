/**
 * Images an HTML email finds by Content-Location (RFC 2557, MHTML) instead of cid: — report
 * generators, .NET mailers, Word's "send as web page" — show where the customer put them, named
 * after their location, and are not linked a second time below the text. Through the real SMTP
 * listener, then the rules.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { Session, TestApp } from '../../testing/test-app';
import { linkContentLocations, nameFromLocation } from './content-location';
import type { ParsedAttachment } from './parse';

let app: TestApp;
let rep: Session;

before(async () => {
  ({ app, rep } = await startDeskWithReporter());
});
after(() => app.close());

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4//8/AAX+Av7czFnnAAAAAElFTkSuQmCC';

/** As a .NET report mailer sends it: the image first, named only by a relative Content-Location. */
const MHTML_MAIL = [
  'From: Dana Whitfield <dana@customer.test>',
  `To: ${TO}`,
  'Subject: Weekly export looks wrong',
  'Message-ID: <mhtml-1@customer.test>',
  'Date: Tue, 01 Dec 2026 08:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related;',
  '  type="text/html";',
  '  boundary="----=_NextPart_115e1404"',
  '',
  'This is a multi-part message in MIME format.',
  '------=_NextPart_115e1404',
  'Content-Type: image/png',
  'Content-Transfer-Encoding: base64',
  'Content-Location: image1',
  '',
  PNG,
  '',
  '------=_NextPart_115e1404',
  'Content-Type: text/html; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><body><p><span><img src=3D"image1" width=3D"267" alt=3D"" /></span></p><p>=',
  'The totals row is missing since Monday.</p></body></html>',
  '',
  '------=_NextPart_115e1404--',
  '',
].join('\r\n');

test('an image found by Content-Location shows where the customer put it, named after its location, and is not linked again below', async () => {
  assert.match(await sendOverSmtp(app, MHTML_MAIL, 'dana@customer.test'), /Ok: ticket/);
  const t = (await rep.trpc.tickets.list.query({ projectPath: 'acme/app' })).items.find((x) => x.title === 'Weekly export looks wrong');
  assert.ok(t);
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  const d = detail.description;
  assert.match(d, /^!\[\]\(\/attachments\/[0-9a-f]{32}\/image1\.png\)\s+The totals row is missing since Monday\.\s*$/, d);
  assert.ok(!/\]\(image1\)|attachment-1/.test(d), d);
  assert.equal((d.match(/image1\.png/g) ?? []).length, 1, d);
});

const part = (location: string, contentType = 'image/jpeg', cid?: string): ParsedAttachment => ({ content: Buffer.from('x'), contentType, location, ...(cid ? { cid } : {}) });

test('references are matched as written, as absolute URLs, or relative to the page beside an absolute location', () => {
  const parts = [part('file:///C:/Users/kim/AppData/Local/Temp/report_files/image001.jpg'), part('http://intranet.example.com/logo.gif', 'image/gif'), part('chart.png', 'image/png', '<chart@x>')];
  const { html, attachments } = linkContentLocations(
    '<img src="report_files/image001.jpg"><img SRC=http://intranet.example.com/logo.gif><td background=\'chart.png\'><img src="other.png"><img src="cid:keep@x"><a href="chart.png">chart</a>',
    parts,
    undefined,
  );
  assert.equal(
    html,
    '<img src="cid:content-location-1@threadline.invalid"><img SRC="cid:content-location-2@threadline.invalid"><td background="cid:chart@x"><img src="other.png"><img src="cid:keep@x"><a href="chart.png">chart</a>',
  );
  assert.deepEqual(
    attachments.map((a) => a.cid),
    ['content-location-1@threadline.invalid', 'content-location-2@threadline.invalid', '<chart@x>'],
  );
  // relative to the message's base
  const based = linkContentLocations('<img src="img/a.png">', [part('http://example.com/page/img/a.png', 'image/png')], 'http://example.com/page/index.html');
  assert.match(based.html, /cid:content-location-1@/);
  // no location: nothing changes, not even the array
  const none = [{ content: Buffer.from('x'), contentType: 'image/png' }];
  assert.equal(linkContentLocations('<img src="a.png">', none, undefined).attachments, none);
});

test('an unnamed part takes its name from its location', () => {
  assert.equal(nameFromLocation('image1', 'image/png'), 'image1.png');
  assert.equal(nameFromLocation('file:///C:/Doc/page_files/image001.jpg', 'image/jpeg'), 'image001.jpg');
  assert.equal(nameFromLocation('C:\\Doc\\page_files\\image%20two.gif?x=1', 'image/gif'), 'image two.gif');
  assert.equal(nameFromLocation('http://example.com/', 'image/png'), undefined);
  assert.equal(nameFromLocation('http://example.com/photo', 'image/jpeg'), 'photo.jpg');
});

test('hostile HTML and many parts: one linear pass, a bounded number of rewrites', () => {
  const parts = Array.from({ length: 200 }, (_, i) => part(`file:///C:/x/page_files/image${i}.jpg`));
  const inputs = ['<img src="page_files/image199.jpg">'.repeat(20_000), '<img src="page_files/nothing.jpg">'.repeat(50_000), '<img src="http://example.com/a.png">'.repeat(50_000), ' src='.repeat(200_000), `<img src="${'a'.repeat(1_000_000)}`, ' src= "'.repeat(100_000)];
  for (const input of inputs) {
    const start = performance.now();
    const { html } = linkContentLocations(input, parts, undefined);
    const ms = performance.now() - start;
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms for ${input.length} characters`);
    assert.ok((html.match(/cid:/g) ?? []).length <= 1000);
  }
});
