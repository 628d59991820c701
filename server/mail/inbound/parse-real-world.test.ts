import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEmail, uudecode, withoutTrailingBoundaries } from './parse';

/** Real-world MIME that mailparser leaves half-decoded, each written from scratch after a mail seen in the replay audit. */

test('an x-uuencode attachment (old Mac and list clients) is stored decoded, not as uuencode text', async () => {
  // "Meeting notes\n" uuencoded, as Eudora / LISTSERV sent it: with and without begin/end lines
  const encoded = '.365E=&EN9R!N;W1E<PH`\n`';
  assert.equal(uudecode(Buffer.from(`begin 644 notes.txt\n${encoded}\nend\n`))?.toString(), 'Meeting notes\n');
  const raw = [
    'From: Pat Lee <pat@customer.test>',
    'To: help@desk.test',
    'Subject: notes attached',
    'Message-ID: <uu-1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'See the attached notes.',
    '--b1',
    'Content-Type: application/octet-stream; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    'Content-Transfer-Encoding: x-uuencode',
    '',
    encoded,
    '--b1--',
    '',
  ].join('\r\n');
  const m = await parseEmail(Buffer.from(raw));
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0]?.content.toString(), 'Meeting notes\n');
  // anything that is not uuencode is kept as it came
  assert.equal(uudecode(Buffer.from('not uuencoded at all, just text')), null);
});

test('an inner multipart left open (Outlook) does not show the enclosing "--boundary--" line at the end of the HTML', async () => {
  const raw = [
    'From: Val Oury <val@customer.test>',
    'To: help@desk.test',
    'Subject: Commande',
    'Message-ID: <open-alt-1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="_006_outer_"; type="multipart/alternative"',
    '',
    '--_006_outer_',
    'Content-Type: multipart/alternative; boundary="_000_inner_"',
    '',
    '--_000_inner_',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Bonjour,',
    '',
    '--_000_inner_',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>Bonjour,</p></body></html>',
    '',
    '--_006_outer_--',
    '',
  ].join('\r\n');
  const m = await parseEmail(Buffer.from(raw));
  assert.equal(m.html?.includes('_006_outer_'), false, m.html ?? '');
  assert.match(m.html ?? '', /<p>Bonjour,<\/p>/);
  // a customer's own line that merely starts with "--" stays
  const own = await parseEmail(Buffer.from(raw.replace('<p>Bonjour,</p></body></html>', '<p>Bonjour,</p></body></html>\r\n-- not a boundary')));
  assert.match(own.html ?? '', /-- not a boundary/);
});

test('dropping trailing boundary lines is linear: a last line of "--" and 300,000 spaces takes no time', () => {
  const raw = Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n');
  const body = `hello\n--${' '.repeat(300_000)}x`;
  const t = performance.now();
  assert.equal(withoutTrailingBoundaries(body, raw), body);
  // the end-anchored regex it replaces took ~1 s for 32,000 spaces, growing with the square
  assert.ok(performance.now() - t < 200, `${Math.round(performance.now() - t)} ms`);
  assert.equal(withoutTrailingBoundaries('Hi\n--b--  \n\n', raw), 'Hi\n');
  assert.equal(withoutTrailingBoundaries('Hi\n-- \nSig', raw), 'Hi\n-- \nSig');
  assert.equal(withoutTrailingBoundaries('--b--', raw), '--b--');
});

test('UTF-8 mail without a charset and with one invalid byte keeps its letters (only that byte is U+FFFD), Latin-1 mail is still read as Latin-1', async () => {
  const mail = (body: Buffer) => Buffer.concat([
    Buffer.from('From: Web Form <form@customer.test>\r\nTo: help@desk.test\r\nSubject: Kontakt\r\nMessage-ID: <form-1@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    body,
    Buffer.from('\r\n'),
  ]);
  const utf8 = await parseEmail(mail(Buffer.concat([Buffer.from('Grüße aus Köln — 10 € bezahlt. '), Buffer.from([0xff]), Buffer.from(' Ende')])));
  assert.equal(utf8.text?.trim(), 'Grüße aus Köln — 10 € bezahlt. \uFFFD Ende');
  const latin1 = await parseEmail(mail(Buffer.from('Grüße aus Köln, 10 EUR bezahlt.', 'latin1')));
  assert.equal(latin1.text?.trim(), 'Grüße aus Köln, 10 EUR bezahlt.');
});
