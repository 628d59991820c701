import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeUrl, safeUrl, urlScheme } from './safe-url';

const WEB = ['http', 'https', 'mailto'];

test('hidden characters are stripped before the scheme is read, so they cannot hide it', () => {
  // As the HTML parser hands them over: character references already decoded once.
  for (const raw of ['\u2028javascript:alert(1)', ' javascript:x', 'java\tscript:x', 'jav\u0009ascript:x', 'java\nscript:x', 'JaVaScRiPt:x', 'java\u200bscript:x', '\u202ejavascript:x', '\u0000javascript:x', '\u0085javascript:x', '\ufeffjavascript:x', 'java script:x']) {
    assert.equal(urlScheme(raw), 'javascript', JSON.stringify(raw));
    assert.equal(safeUrl(raw, WEB, { relative: true }), null, JSON.stringify(raw));
  }
  assert.equal(safeUrl('vbscript:msgbox(1)', WEB, { relative: true }), null);
  assert.equal(safeUrl('data:text/html,<script>alert(1)</script>', WEB, { relative: true }), null);
});

test('allowed and relative URLs pass, normalised; nothing is decoded a second time', () => {
  assert.equal(safeUrl(' https://x.test/a b?q=1\u200b ', WEB, { relative: false }), 'https://x.test/a%20b?q=1');
  assert.equal(safeUrl('MAILTO:ann@x.test', WEB, { relative: false }), 'MAILTO:ann@x.test');
  assert.equal(safeUrl('/attachments/abc/a.png', WEB, { relative: true }), '/attachments/abc/a.png');
  assert.equal(safeUrl('/attachments/abc/a.png', WEB, { relative: false }), null);
  assert.equal(safeUrl('%6Aavascript:alert(1)', WEB, { relative: true }), null, 'a colon before any slash is not taken as a relative path');
  assert.equal(normalizeUrl('&#106;avascript:x'), '&#106;avascript:x', 'a reference left after the parser decoded once stays text');
  assert.equal(safeUrl('', WEB, { relative: true }), null);
});

test('a protocol-relative URL counts as https', () => {
  assert.equal(safeUrl('//t.example/px.gif', WEB, { relative: false }), 'https://t.example/px.gif');
  assert.equal(safeUrl('\\\\t.example/px.gif', WEB, { relative: false }), 'https://t.example/px.gif');
  assert.equal(safeUrl('//t.example/px.gif', ['mailto'], { relative: true }), null);
});
