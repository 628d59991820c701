import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TITLE_CHARS, parseEmail, titleOfSubject, uudecode, withoutTrailingBoundaries } from './parse';
import { decodeMislabelled } from './eight-bit';

/** Real-world MIME that mailparser leaves half-decoded, each written from scratch after a mail seen in the replay audit. */

/** A raw message: `head` (header lines), a blank line, `body` as bytes. */
const withHead = (head: string) => (body: Buffer) => Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body, Buffer.from('\r\n')]);

/** UTF-8 with one invalid byte keeps its letters: only that byte becomes U+FFFD. */
async function keepsUtf8WithOneStrayByte(mail: (body: Buffer) => Buffer): Promise<void> {
  const utf8 = await parseEmail(mail(Buffer.concat([Buffer.from('Grüße aus Köln — 10 € bezahlt. '), Buffer.from([0xff]), Buffer.from(' Ende')])));
  assert.equal(utf8.text?.trim(), 'Grüße aus Köln — 10 € bezahlt. \uFFFD Ende');
}

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
  // (about 90 s for these 300,000): a second leaves room for a loaded machine and still catches it
  assert.ok(performance.now() - t < 1000, `${Math.round(performance.now() - t)} ms`);
  assert.equal(withoutTrailingBoundaries('Hi\n--b--  \n\n', raw), 'Hi\n');
  assert.equal(withoutTrailingBoundaries('Hi\n-- \nSig', raw), 'Hi\n-- \nSig');
  assert.equal(withoutTrailingBoundaries('--b--', raw), '--b--');
});

test('UTF-8 mail without a charset and with one invalid byte keeps its letters (only that byte is U+FFFD), Latin-1 mail is still read as Latin-1', async () => {
  const mail = withHead('From: Web Form <form@customer.test>\r\nTo: help@desk.test\r\nSubject: Kontakt\r\nMessage-ID: <form-1@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit');
  await keepsUtf8WithOneStrayByte(mail);
  const latin1 = await parseEmail(mail(Buffer.from('Grüße aus Köln, 10 EUR bezahlt.', 'latin1')));
  assert.equal(latin1.text?.trim(), 'Grüße aus Köln, 10 EUR bezahlt.');
});

test('a large x-uuencode attachment is decoded into one buffer, not a number per byte: 14 MB decodes within a 96 MB heap', async () => {
  const { randomBytes } = await import('node:crypto');
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const data = randomBytes(14 * 1024 * 1024);
  const lines = Math.ceil(data.length / 45);
  const encoded = Buffer.alloc(lines * 62 + 8);
  const ch = (x: number) => (x === 0 ? 0x60 : x + 32);
  let p = 0;
  for (let off = 0; off < data.length; off += 45) {
    const n = Math.min(45, data.length - off);
    encoded[p++] = ch(n);
    for (let i = 0; i < n; i += 3) {
      const a = data[off + i] as number, b = i + 1 < n ? (data[off + i + 1] as number) : 0, c = i + 2 < n ? (data[off + i + 2] as number) : 0;
      encoded[p++] = ch(a >> 2); encoded[p++] = ch(((a & 3) << 4) | (b >> 4)); encoded[p++] = ch(((b & 15) << 2) | (c >> 6)); encoded[p++] = ch(c & 63);
    }
    encoded[p++] = 0x0a;
  }
  p += encoded.write('`\nend\n', p, 'latin1');
  const dir = mkdtempSync(join(tmpdir(), 'uu-'));
  try {
    writeFileSync(join(dir, 'in.uu'), encoded.subarray(0, p));
    writeFileSync(join(dir, 'in.sha'), (await import('node:crypto')).createHash('sha256').update(data).digest('hex'));
    const script = `const { uudecode } = await import(${JSON.stringify(new URL('./parse.ts', import.meta.url).href)});
      const fs = await import('node:fs'); const { createHash } = await import('node:crypto');
      const out = uudecode(fs.readFileSync(${JSON.stringify(join(dir, 'in.uu'))}));
      const ok = out && createHash('sha256').update(out).digest('hex') === fs.readFileSync(${JSON.stringify(join(dir, 'in.sha'))}, 'utf8');
      process.exit(ok ? 0 : 3);`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=96', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-500)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a multipart without boundary lines: UTF-8 with one stray byte keeps its letters, 8-bit Latin-1 is read as Latin-1', async () => {
  const mail = withHead('From: Ines Roth <ines@customer.test>\r\nTo: help@desk.test\r\nSubject: Rechnung\r\nMessage-ID: <partless-1@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="gone"');
  await keepsUtf8WithOneStrayByte(mail);
  const latin1 = await parseEmail(mail(Buffer.from('Grüße aus Köln, 10 \x80 bezahlt.', 'latin1')));
  assert.equal(latin1.text?.trim(), 'Grüße aus Köln, 10 € bezahlt.');
});

test('raw 8-bit header fields: Latin-1 names and subjects are read as Windows-1252, UTF-8 ones stay UTF-8, each field alone', async () => {
  const raw = Buffer.concat([
    Buffer.from('From: Ren\xe9e B\xf6hm <renee@customer.test>\r\nTo: "M\xfcller, Hans"\r\n <hans@customer.test>, help@desk.test\r\nCc: Fran\xe7ois <fr@customer.test>\r\n', 'latin1'),
    Buffer.from('Subject: Grüße aus Köln – '),
    Buffer.from([0xff]),
    Buffer.from('\r\nMessage-ID: <hdr-8bit-1@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDanke, Jürgen\r\n'),
  ]);
  const m = await parseEmail(raw);
  assert.deepEqual(m.from, { address: 'renee@customer.test', name: 'Renée Böhm' });
  assert.deepEqual(m.to[0], { address: 'hans@customer.test', name: 'Müller, Hans' });
  assert.deepEqual(m.cc, [{ address: 'fr@customer.test', name: 'François' }]);
  // UTF-8 with one stray byte is still UTF-8: only that byte is lost
  assert.equal(m.subject, 'Grüße aus Köln – \uFFFD');
  assert.equal(m.headers.get('from')?.[0], 'Renée Böhm <renee@customer.test>');
  assert.equal(m.text?.trim(), 'Danke, Jürgen');
});

test('8-bit header fields: every Windows-1252 byte becomes its letter, and a hostile 1 MB header block is one linear pass', async () => {
  const { decodeWindows1252, headersAsUtf8 } = await import('./eight-bit');
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((i) => i !== 0x0a && i !== 0x0d));
  const out = headersAsUtf8(Buffer.concat([Buffer.from('Subject: '), bytes, Buffer.from('\r\n\r\nbody')])).toString('utf8');
  assert.equal(out, `Subject: ${decodeWindows1252(bytes)}\r\n\r\nbody`);
  assert.ok(out.includes('€\u0081‚ƒ„…') && out.includes('“”•–—'), out);
  const t = performance.now();
  headersAsUtf8(Buffer.from(`${'X: \xe9\xe9\r\n'.repeat(150_000)}\r\nbody`, 'latin1'));
  headersAsUtf8(Buffer.from(`Subject: a\r\n${' \xe9\r\n'.repeat(200_000)}\r\nbody`, 'latin1'));
  // in a message declaring Shift_JIS, bytes that are not Shift_JIS throw once, not once per field
  headersAsUtf8(Buffer.from(`Content-Type: text/plain; charset=shift_jis\r\n${'X: \x81\r\n'.repeat(150_000)}\r\nbody`, 'latin1'));
  // each takes ~100 ms; a field at a time through TextDecoder errors took ~900 ms for one, and a
  // quadratic pass would take minutes: three seconds leave room for a loaded machine
  assert.ok(performance.now() - t < 3000, `${Math.round(performance.now() - t)} ms`);
});

test('8-bit header fields: one accidental UTF-8 pair does not make a Windows-1252 field UTF-8; a legacy charset the message declares is read before Windows-1252', async () => {
  const cp1252 = (s: string) => Buffer.from(s.replace('’', '\x92').replace('“', '\x93').replace('”', '\x94'), 'latin1');
  // "É’" is C9 92, a valid UTF-8 pair; the field's other accented letters are not UTF-8
  const title = await parseEmail(Buffer.concat([Buffer.from('From: a@customer.test\r\nSubject: '), cp1252('CAFÉ’S menü für “Köln”'), Buffer.from('\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\nhi\r\n')]));
  assert.equal(title.subject, 'CAFÉ’S menü für “Köln”');
  // "Привет" in KOI8-R, in a message whose body declares KOI8-R
  const koi = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]);
  const ru = await parseEmail(Buffer.concat([Buffer.from('From: '), koi, Buffer.from(' <ivan@example.ru>\r\nTo: help@desk.test\r\nSubject: '), koi, Buffer.from('\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), koi, Buffer.from('\r\n')]));
  assert.deepEqual({ name: ru.from?.name, subject: ru.subject, text: ru.text?.trim() }, { name: 'Привет', subject: 'Привет', text: 'Привет' });
  // Shift_JIS "見積もり"; bytes that are not Shift_JIS in such a message are still Windows-1252
  const sjis = Buffer.from([0x8c, 0xa9, 0x90, 0xcf, 0x82, 0xe0, 0x82, 0xe8]);
  const jp = await parseEmail(Buffer.concat([Buffer.from('From: taro@example.jp\r\nSubject: '), sjis, Buffer.from('\r\nX-Note: caf\xe9 \xff\xfd\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\nhi\r\n', 'latin1')]));
  assert.equal(jp.subject, '見積もり');
  assert.equal(jp.headers.get('x-note')?.[0], 'café ÿý');
  // without a declared charset: Windows-1252, as before
  const plain = await parseEmail(Buffer.concat([Buffer.from('From: a@customer.test\r\nSubject: '), koi, Buffer.from('\r\n\r\nhi\r\n')]));
  assert.equal(plain.subject, 'ðÒÉ×ÅÔ');
});

test('8-bit header fields in a GBK or GB2312 message: a Chinese name that is also valid two-byte UTF-8 is read as GBK; UTF-8 Chinese stays UTF-8', async () => {
  // 郑伟 in GBK is D6 A3 CE B0: two valid UTF-8 pairs (U+05A3 U+03B0); 谢芳 and 袁静 likewise
  const gbk: Record<string, number[]> = { 郑伟: [0xd6, 0xa3, 0xce, 0xb0], 谢芳: [0xd0, 0xbb, 0xb7, 0xbc], 袁静: [0xd4, 0xac, 0xbe, 0xb2] };
  for (const [name, bytes] of Object.entries(gbk)) {
    for (const charset of ['gb2312', 'GBK']) {
      const m = await parseEmail(Buffer.concat([Buffer.from('From: '), Buffer.from(bytes), Buffer.from(` <c@example.cn>\r\nTo: help@desk.test\r\nSubject: `), Buffer.from(bytes), Buffer.from(`\r\nContent-Type: text/plain; charset=${charset}\r\n\r\nhi\r\n`)]));
      assert.deepEqual({ name: m.from?.name, subject: m.subject }, { name, subject: name }, charset);
    }
  }
  // a raw UTF-8 name (three-byte sequences) in a message declaring GBK stays UTF-8
  const utf8 = await parseEmail(Buffer.concat([Buffer.from('From: '), Buffer.from('郑伟', 'utf8'), Buffer.from(' <c@example.cn>\r\nSubject: x\r\nContent-Type: text/plain; charset=gbk\r\n\r\nhi\r\n')]));
  assert.equal(utf8.from?.name, '郑伟');
  // and in a message declaring a single-byte charset, a valid UTF-8 field stays UTF-8
  const koiUtf8 = await parseEmail(Buffer.concat([Buffer.from('From: '), Buffer.from('Müller', 'utf8'), Buffer.from(' <m@example.de>\r\nSubject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\nhi\r\n')]));
  assert.equal(koiUtf8.from?.name, 'Müller');
});

test('a part that declares a legacy charset (Big5, Shift_JIS) but is UTF-8 through and through is read as UTF-8, not as mojibake', async () => {
  const utf8 = Buffer.from('您好，我的訂單還沒有到。請幫忙查一下。\r\n');
  const big5Declared = withHead('From: Wang <wang@example.tw>\r\nSubject: Order\r\nContent-Type: text/plain; charset=Big5\r\nContent-Transfer-Encoding: base64');
  assert.equal((await parseEmail(big5Declared(Buffer.from(utf8.toString('base64'))))).text?.trim(), '您好，我的訂單還沒有到。請幫忙查一下。');
  const sjisHtml = withHead('From: Sato <sato@example.jp>\r\nSubject: Order\r\nContent-Type: text/html; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit');
  assert.equal((await parseEmail(sjisHtml(Buffer.from('<p>注文が届きません。</p>')))).html?.trim(), '<p>注文が届きません。</p>');
  // real Big5 stays Big5
  const big5 = Buffer.from([0xb1, 0x7a, 0xa6, 0x6e]); // 您好
  assert.equal((await parseEmail(big5Declared(Buffer.from(big5.toString('base64'))))).text?.trim(), '您好');
});

test('a name or subject in Shift_JIS under an ISO-2022-JP label (Japanese mail programs) is read as Shift_JIS, not as U+FFFD garbage; real ISO-2022-JP stays', async () => {
  const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
  const sjisTool = [0x83, 0x63, 0x81, 0x5b, 0x83, 0x8b]; // ツール
  const sjisInquiry = [0x82, 0xa8, 0x96, 0xe2, 0x82, 0xa2, 0x8d, 0x87, 0x82, 0xed, 0x82, 0xb9]; // お問い合わせ
  const jisTool = [0x1b, 0x24, 0x42, 0x25, 0x44, 0x21, 0x3c, 0x25, 0x6b, 0x1b, 0x28, 0x42]; // ツール, as ISO-2022-JP
  const mail = await parseEmail(Buffer.concat([Buffer.from(
    `From: =?ISO-2022-JP?B?${b64([...sjisTool, ...Buffer.from(' EXAMPLE')])}?= <bar@example.org>\r\n` +
      `To: =?ISO-2022-JP?B?${b64([0x89, 0x77, 0x96, 0x6b, 0x8c, 0xfb, 0x20])}?= <foo@example.com>\r\n` +
      // one two-byte character split between two words: they are decided together, as mailparser joins them
      `Subject: =?iso-2022-jp?B?${b64(sjisInquiry.slice(0, 5))}?=\r\n =?iso-2022-jp?B?${b64(sjisInquiry.slice(5))}?= #42\r\n` +
      `Reply-To: =?ISO-2022-JP?B?${b64(jisTool)}?= <tool@example.org>\r\n` +
      'Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
  ), Buffer.from([...sjisInquiry, 0x0d, 0x0a])]));
  assert.equal(mail.from?.name, 'ツール EXAMPLE');
  assert.equal(mail.to[0]?.name.trim(), '駅北口');
  assert.equal(mail.subject, 'お問い合わせ #42');
  assert.equal(mail.replyTo[0]?.name, 'ツール');
  // the single-part body with the same mislabel, through the body's fallback
  assert.equal(mail.text?.trim(), 'お問い合わせ');
  // UTF-8 under a Big5 label is UTF-8 (as a body is); bytes no charset reads are left to mailparser
  const big5Label = await parseEmail(Buffer.from(`From: =?big5?B?${Buffer.from('王小明').toString('base64')}?= <wang@example.tw>\r\nSubject: Order\r\n\r\nhi\r\n`));
  assert.equal(big5Label.from?.name, '王小明');
  assert.equal(decodeMislabelled(Buffer.from([0xff, 0xfe, 0x41]), 'iso-2022-jp'), null);
  // EUC-JP under the same label is EUC-JP (ICU reads Shift_JIS lead bytes as C1 controls there: refused)
  assert.equal(decodeMislabelled(Buffer.from([0xa4, 0xb3, 0xa4, 0xf3, 0xa4, 0xcb, 0xa4, 0xc1, 0xa4, 0xcf]), 'iso-2022-jp'), 'こんにちは');
  // a label that reads the bytes cleanly is believed
  assert.equal(decodeMislabelled(Buffer.from([0xb1, 0x7a, 0xa6, 0x6e]), 'big5'), null);
});

test('re-decoding mislabelled encoded words is one linear pass over hostile header blocks', async () => {
  const { HOSTILE_HEADER_BLOCKS, quickly } = await import('../../testing/hostile-inputs');
  const { encodedWordsRelabelled } = await import('./encoded-words');
  for (const { name, head } of HOSTILE_HEADER_BLOCKS) {
    const raw = Buffer.from(`${head}\r\nTo: desk@example.com\r\n\r\nbody\r\n`);
    const out = quickly(1500, () => encodedWordsRelabelled(raw));
    assert.ok(out.length > 0, name);
  }
});

test('a title collapses runs of blanks before its cut, and the cut never splits a surrogate pair; the subject stays as sent', async () => {
  const padded = `【重要】${'\u3000'.repeat(400)}ご注文の配送について`;
  assert.equal(titleOfSubject(padded), '【重要】 ご注文の配送について');
  assert.equal(titleOfSubject('Order\t \u00a0 12345  late '), 'Order 12345 late');
  assert.equal(titleOfSubject(' \u3000 '), '(no subject)');
  const emoji = titleOfSubject(`${'a'.repeat(MAX_TITLE_CHARS - 1)}😀 tail`);
  assert.equal(emoji, 'a'.repeat(MAX_TITLE_CHARS - 1));
  assert.ok(!/[\ud800-\udbff]$/.test(emoji));
  // parsing keeps the subject itself as it was sent
  const mail = await parseEmail(Buffer.from(`From: a@example.com\r\nSubject: =?UTF-8?B?${Buffer.from(padded).toString('base64')}?=\r\n\r\nhi\r\n`));
  assert.equal(mail.subject, padded);
});

test('Shift_JIS bytes under a Latin-1 label keep a visible character for every byte (Windows-1252 mojibake), never invisible control characters', async () => {
  const mail = withHead('From: Ken Sato <ken@customer.test>\r\nTo: help@desk.test\r\nSubject: Name\r\nMessage-ID: <sjis-latin1-1@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 7bit');
  // "サトウ" in Shift_JIS: 83 54 83 67 83 45; then a byte Windows-1252 leaves unassigned (0x81)
  const text = (await parseEmail(mail(Buffer.concat([Buffer.from('Name: '), Buffer.from([0x83, 0x54, 0x83, 0x67, 0x83, 0x45, 0x81, 0x5b])])))).text ?? '';
  assert.ok(!/[\u0080-\u009f]/.test(text), JSON.stringify(text));
  assert.equal(text.trim(), 'Name: ƒTƒgƒE\uFFFD[');
  // real Latin-1 and Windows-1252 text is read as before
  const western = await parseEmail(mail(Buffer.from([...Buffer.from('Caf'), 0xe9, 0x20, 0x80, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94, 0x81])));
  assert.equal(western.text?.trim(), 'Café €5 “ok”\uFFFD');
});
