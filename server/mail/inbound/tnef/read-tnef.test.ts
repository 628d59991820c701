import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATP, attr, compressRtf, embedded, LVL_ATTACHMENT, LVL_MESSAGE, props, tnef } from '../../../testing/tnef-encoder';
import { PT } from './mapi-props';
import { ATT, MAX_ATTRIBUTES, PR, readTnef, TnefError } from './read-tnef';
import { quickly } from '../../../testing/hostile-inputs';

const version = attr(LVL_MESSAGE, 0x9006, ATP.DWORD, Buffer.from([0, 0, 1, 0]));
const oem = (cp: number) => attr(LVL_MESSAGE, ATT.OEM_CODEPAGE, ATP.BYTE, Buffer.concat([Buffer.from(new Uint32Array([cp, 0]).buffer)]));
const msgProps = (list: Parameters<typeof props>[0]) => attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props(list));
const renddata = attr(LVL_ATTACHMENT, ATT.ATTACH_REND_DATA, ATP.BYTE, Buffer.alloc(14));
const title = (name: string) => attr(LVL_ATTACHMENT, ATT.ATTACH_TITLE, ATP.STRING, Buffer.from(`${name}\0`, 'latin1'));
const data = (bytes: Buffer) => attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, bytes);
const attachProps = (list: Parameters<typeof props>[0]) => attr(LVL_ATTACHMENT, ATT.ATTACHMENT, ATP.BYTE, props(list));
const PDF = Buffer.from('%PDF-1.4\n% a small file\n');

test('files: data from attAttachData or PR_ATTACH_DATA_BIN; the name from PR_ATTACH_LONG_FILENAME, else attAttachTitle, else PR_ATTACH_FILENAME; folders dropped', () => {
  const m = readTnef(
    tnef([
      version,
      oem(1252),
      renddata,
      title('QUARTE~1.PDF'),
      data(PDF),
      attachProps([{ id: PR.ATTACH_LONG_FILENAME, type: PT.UNICODE, value: 'Quarterly report – Q1.pdf' }, { id: PR.ATTACH_FILENAME, type: PT.STRING8, value: 'QUARTE~1.PDF' }]),
      renddata,
      title('Lieferschein M\xfcller.docx'),
      data(Buffer.from('PK\x03\x04docx')),
      renddata,
      attachProps([
        { id: PR.ATTACH_FILENAME, type: PT.STRING8, value: 'C:\\Users\\hk\\LOGO.PNG' },
        { id: PR.ATTACH_DATA, type: PT.BINARY, value: Buffer.from('\x89PNG fake', 'latin1') },
        { id: PR.ATTACH_MIME_TAG, type: PT.STRING8, value: 'image/png' },
        { id: PR.ATTACH_CONTENT_ID, type: PT.STRING8, value: 'image001.png@01DB9336.5E2A4B10' },
      ]),
    ]),
  );
  assert.deepEqual(
    m.files.map((f) => [f.filename, f.content.toString('latin1'), f.cid ?? null]),
    [
      ['Quarterly report – Q1.pdf', PDF.toString('latin1'), null],
      ['Lieferschein Müller.docx', 'PK\x03\x04docx', null],
      ['LOGO.PNG', '\x89PNG fake', 'image001.png@01DB9336.5E2A4B10'],
    ],
  );
  assert.equal(m.files[2]?.mimeTag, 'image/png');
  assert.equal(m.text, null);
  assert.equal(m.html, null);
  assert.equal(m.checksumMismatch, false);
});

test('the body: PR_BODY and PR_BODY_HTML as sent (each in its code page), attBody in the OEM code page', () => {
  const html = Buffer.from('<html><body><p>Gr\xfc\xdfe, 49,90 \x80</p></body></html>', 'latin1');
  const m = readTnef(
    tnef([
      version,
      msgProps([
        // a named and a multi-valued property before the body: both must be stepped over exactly
        { id: 0x8005, type: PT.LONG, raw: Buffer.from([1, 0, 0, 0]) },
        { id: 0x3a54, type: PT.BINARY | PT.MV_FLAG, raw: Buffer.alloc(0), multi: [Buffer.from('abc'), Buffer.from('defgh')] },
        { id: PR.SUBJECT, type: PT.UNICODE, value: 'Angebot' },
        { id: PR.BODY, type: PT.UNICODE, value: 'Grüße aus Köln\r\nHarald' },
        { id: PR.INTERNET_CPID, type: PT.LONG, value: 1252 },
        { id: PR.BODY_HTML, type: PT.BINARY, value: html },
      ]),
    ]),
  );
  assert.equal(m.subject, 'Angebot');
  assert.equal(m.text, 'Grüße aus Köln\r\nHarald');
  assert.equal(m.html, '<html><body><p>Grüße, 49,90 €</p></body></html>');

  const cyrillic = readTnef(tnef([version, oem(1251), attr(LVL_MESSAGE, ATT.BODY, ATP.TEXT, Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0]))]));
  assert.equal(cyrillic.text, 'Привет');
});

const FROM_HTML =
  '{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}{\\f1\\fmodern Courier New;}}' +
  '{\\colortbl\\red0\\green0\\blue255;}\\uc1\\pard\\plain\\deftab360 \\f0\\fs24 ' +
  '{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}{\\*\\htmltag161 <style>p \\{ margin: 0 \\}</style>}{\\*\\htmltag41 </head>}' +
  '{\\*\\htmltag50 <body>}\\htmlrtf {\\htmlrtf0 {\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Hello team,\\htmlrtf\\par}\\htmlrtf0 ' +
  '{\\*\\htmltag72 </p>}{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Price: 49,90 \\\'80 {\\*\\htmltag84 &lt;}\\htmlrtf <\\htmlrtf0 net' +
  '{\\*\\htmltag116 <br>}\\htmlrtf \\line\\htmlrtf0 Caf\\u233\\\'e9 {\\*\\htmltag84 <img src="cid:image001.png@01DB9336">}\\htmlrtf\\par}\\htmlrtf0 ' +
  '{\\*\\htmltag72 </p>}{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}';

test('compressed RTF: the HTML Outlook encapsulated (\\fromhtml1) when that is all there is', () => {
  const m = readTnef(tnef([version, msgProps([{ id: PR.RTF_COMPRESSED, type: PT.BINARY, value: compressRtf(FROM_HTML) }])]));
  assert.equal(m.text, null);
  assert.equal(
    m.html?.replace(/\s+/g, ' '),
    '<html><head><style>p { margin: 0 }</style></head><body><p>Hello team,</p><p>Price: 49,90 € &lt;net<br>Café <img src="cid:image001.png@01DB9336"></p></body></html>',
  );
});

test('compressed RTF: the plain text of rich text (fonts, colours, pictures and hidden destinations left out), LZFu or stored', () => {
  const rich =
    '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}{\\colortbl ;\\red255\\green0\\blue0;}' +
    '{\\*\\generator Riched20 16.0;}{\\info{\\author HK}}\\viewkind4\\uc1\\pard\\f0\\fs20 Dear support,\\par\\par ' +
    'the {\\b invoice} \\ldblquote 2025-17\\rdblquote  is {\\cf1 wrong}\\emdash please fix.\\par ' +
    '{\\pict\\pngblip\\picw10 89504e470d0a1a0a}{\\*\\fldinst HYPERLINK "https://x.test"}{\\fldrslt see here}\\par ' +
    'Gr\\\'fc\\\'dfe\\tab Harald\\par }';
  const expected = 'Dear support,\n\nthe invoice “2025-17” is wrong—please fix.\nsee here\nGrüße\tHarald';
  for (const stored of [false, true]) {
    const m = readTnef(tnef([version, msgProps([{ id: PR.RTF_COMPRESSED, type: PT.BINARY, value: compressRtf(rich, { stored }) }])]));
    assert.equal(m.text, expected, stored ? 'MELA' : 'LZFu');
    assert.equal(m.html, null);
  }
});

test('an attached Outlook item: its text becomes a file named after it, its own files follow; nesting is bounded', () => {
  const inner = tnef([version, msgProps([{ id: PR.SUBJECT, type: PT.STRING8, value: 'Old thread' }, { id: PR.BODY, type: PT.STRING8, value: 'The earlier message.' }]), renddata, title('inner.txt'), data(Buffer.from('inside'))]);
  const item = (stream: Buffer) => [
    renddata,
    attachProps([
      { id: PR.DISPLAY_NAME, type: PT.STRING8, value: 'Old thread' },
      { id: PR.ATTACH_METHOD, type: PT.LONG, value: 5 },
      { id: PR.ATTACH_DATA, type: PT.OBJECT, value: embedded(stream) },
    ]),
  ];
  const m = readTnef(tnef([version, ...item(inner)]));
  assert.deepEqual(
    m.files.map((f) => [f.filename, f.content.toString()]),
    [
      ['Old thread.txt', 'The earlier message.'],
      ['inner.txt', 'inside'],
    ],
  );
  let deep = inner;
  for (let i = 0; i < 6; i++) deep = tnef([version, ...item(deep)]);
  assert.throws(() => readTnef(deep), TnefError);
});

test('a damaged checksum is reported, not fatal', () => {
  const m = readTnef(tnef([version, renddata, title('a.txt'), attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, Buffer.from('abc'), { badChecksum: true })]));
  assert.equal(m.files[0]?.content.toString(), 'abc');
  assert.equal(m.checksumMismatch, true);
});


test('hostile streams: lying lengths and counts, 10^5 attributes, cut at every byte, random damage: TnefError or a result, quickly', () => {
  assert.throws(() => readTnef(Buffer.from('not tnef at all')), TnefError);
  // an attribute that claims 4 GB
  assert.throws(() => readTnef(tnef([version, attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, Buffer.from('x'), { length: 0xffffffff })])), /claims 4294967295 bytes/);
  // a property list that claims 2^32-1 properties, and a property that claims 2^32-1 values or bytes
  const lying = [
    attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.UNICODE, value: 'x' }], { count: 0xffffffff })),
    attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: 0x3a54, type: PT.BINARY | PT.MV_FLAG, raw: Buffer.alloc(0), multi: [] }]).fill(0xff, 8, 12)),
    attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.STRING8, value: 'hello' }]).fill(0xff, 12, 16)),
    attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.STRING8, value: 'hello' }]).fill(0xfd, 12, 15)),
  ];
  for (const a of lying) assert.throws(() => quickly(50, () => readTnef(tnef([version, a]))), TnefError);
  // 10^5 attributes
  const many = tnef(Array.from({ length: 100_000 }, () => version));
  assert.throws(() => quickly(500, () => readTnef(many)), new RegExp(`more than ${MAX_ATTRIBUTES} attributes`));
  // 10^5 attachments of one byte each
  const files = tnef(Array.from({ length: 100_000 }, () => renddata));
  assert.throws(() => quickly(500, () => readTnef(files)), /more than 500 attachments/);

  const good = tnef([
    version,
    msgProps([{ id: PR.SUBJECT, type: PT.UNICODE, value: 'S' }, { id: PR.RTF_COMPRESSED, type: PT.BINARY, value: compressRtf(FROM_HTML) }]),
    renddata,
    title('a.pdf'),
    data(PDF),
    attachProps([{ id: PR.ATTACH_LONG_FILENAME, type: PT.UNICODE, value: 'a long name.pdf' }]),
  ]);
  quickly(2000, () => {
    for (let cut = 0; cut < good.length; cut++) {
      try {
        readTnef(good.subarray(0, cut));
      } catch (err) {
        assert.ok(err instanceof TnefError, `cut at ${cut}: ${String(err)}`);
      }
    }
  });
  // random damage: a few bytes overwritten, many times over (seeded, so a failure repeats)
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  quickly(4000, () => {
    for (let round = 0; round < 3000; round++) {
      const bad = Buffer.from(good);
      for (let k = 0, hits = 1 + rand(4); k < hits; k++) bad[6 + rand(bad.length - 6)] = rand(256);
      try {
        readTnef(bad);
      } catch (err) {
        assert.ok(err instanceof TnefError, `round ${round}: ${String(err)}`);
      }
    }
  });
});
