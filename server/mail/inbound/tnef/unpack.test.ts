import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATP, attr, compressRtf, LVL_ATTACHMENT, LVL_MESSAGE, mailWithTnef, props, tnef } from '../../../testing/tnef-encoder';
import { TASKS } from '../../../render/tasks';
import { PT } from './mapi-props';
import { ATT, PR } from './read-tnef';

const version = attr(LVL_MESSAGE, 0x9006, ATP.DWORD, Buffer.from([0, 0, 1, 0]));
const renddata = attr(LVL_ATTACHMENT, ATT.ATTACH_REND_DATA, ATP.BYTE, Buffer.alloc(14));
const file = (name: string, bytes: Buffer, badChecksum = false) => [
  renddata,
  attr(LVL_ATTACHMENT, ATT.ATTACH_TITLE, ATP.STRING, Buffer.from(`${name}\0`, 'latin1')),
  attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, bytes, { badChecksum }),
];
const body = (text: string) => attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.UNICODE, value: text }]));
const mail = (stream: Buffer, text?: string) =>
  new Uint8Array(Buffer.from(mailWithTnef({ from: 'h.kern@customer.test', to: 'incoming+acme-app-1-issue-@desk.test', subject: 'Quote', tnef: stream, ...(text === undefined ? {} : { text }) })));

const parse = (raw: Uint8Array) => TASKS.parseForIngest(raw);

test('a readable winmail.dat: its body is the message body, its files take its place (type by extension)', async () => {
  const p = await parse(mail(tnef([version, body('Please quote 40 licences.'), ...file('terms.pdf', Buffer.from('%PDF-1.7')), ...file('photo.JPG', Buffer.from([0xff, 0xd8, 0xff]))])));
  assert.equal(p.text, 'Please quote 40 licences.');
  assert.deepEqual(
    p.attachments.map((a) => [a.filename, a.contentType, a.content.length]),
    [
      ['terms.pdf', 'application/pdf', 8],
      ['photo.JPG', 'image/jpeg', 3],
    ],
  );
});

test('the MIME text part wins over the stream\'s body; the files are still taken out', async () => {
  const p = await parse(mail(tnef([version, body('from TNEF'), ...file('a.txt', Buffer.from('x'))]), 'from the text part'));
  assert.equal(p.text?.trim(), 'from the text part');
  assert.deepEqual(p.attachments.map((a) => a.filename), ['a.txt']);
});

test('encapsulated HTML from compressed RTF is the HTML body', async () => {
  const rtf = '{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 {\\*\\htmltag19 <html>}{\\*\\htmltag50 <body>}Hi {\\*\\htmltag0 <b>}there{\\*\\htmltag0 </b>}{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}';
  const p = await parse(mail(tnef([version, attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.RTF_COMPRESSED, type: PT.BINARY, value: compressRtf(rtf) }]))])));
  assert.equal(p.text, null);
  assert.equal(p.html, '<html><body>Hi <b>there</b></body></html>');
  assert.deepEqual(p.attachments, []);
});

test('a corrupt or empty stream keeps today\'s line and the winmail.dat; a damaged checksum keeps it beside what was read', async () => {
  const good = tnef([version, body('text'), ...file('a.txt', Buffer.from('x'))]);
  for (const bad of [good.subarray(0, good.length - 5), Buffer.from('garbage that is no TNEF'), tnef([version])]) {
    const p = await parse(mail(bad));
    assert.match(p.text ?? '', /content is in the attached winmail\.dat \(Outlook rich text\), which can't be shown here/);
    assert.deepEqual(p.attachments.map((a) => [a.filename, a.content.length]), [['winmail.dat', bad.length]]);
  }
  const damaged = tnef([version, body('text'), ...file('a.txt', Buffer.from('x'), true)]);
  const p = await parse(mail(damaged));
  assert.equal(p.text, 'text');
  assert.deepEqual(p.attachments.map((a) => a.filename), ['a.txt', 'winmail.dat']);
});

test('many streams in one message give at most MAX_FILES files between them; the rest stay as they came', async () => {
  const stream = tnef([version, ...Array.from({ length: 300 }, (_, i) => file(`f${i}.txt`, Buffer.from('x'))).flat()]);
  const b = '----=_two';
  const part = `--${b}\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\n${stream.toString('base64')}\r\n`;
  const raw = `From: a@customer.test\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Two\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n${part}${part}--${b}--\r\n`;
  const p = await parse(new Uint8Array(Buffer.from(raw)));
  assert.equal(p.attachments.length, 301);
  assert.equal(p.attachments.at(-1)?.contentType, 'application/ms-tnef');
});
