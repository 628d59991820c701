import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentMarkdown, attachmentUrl, escapeLinkLabel } from './attachment-markdown';

const TOKEN = '0123456789abcdef0123456789abcdef';

test('a hostile file name cannot end the link or start markup: its metacharacters are escaped and the URL is one encoded segment', () => {
  const name = 'x](javascript:alert(1))<img src=x onerror=alert(1)>.pdf';
  const url = attachmentUrl(TOKEN, name);
  assert.equal(url, `/attachments/${TOKEN}/x%5D%28javascript%3Aalert%281%29%29%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.pdf`);
  assert.equal(attachmentMarkdown(name, url, false), `[x\\]\\(javascript:alert\\(1\\)\\)\\<img src=x onerror=alert\\(1\\)\\>.pdf](${url})`);
  assert.equal(escapeLinkLabel('a\\b `c` *d* ~e~ |f| &amp; &#60; [g]'), 'a\\\\b \\`c\\` \\*d\\* \\~e\\~ \\|f\\| \\&amp; \\&#60; \\[g\\]');
  assert.equal(escapeLinkLabel('two\r\nlines'), 'two lines');
});

test('ordinary names stay readable in the plain-text email: dots, dashes and underscores inside words are left alone', () => {
  assert.equal(attachmentMarkdown('IMG_2041 final-v2.jpg', attachmentUrl(TOKEN, 'IMG_2041 final-v2.jpg'), true), `![IMG_2041 final-v2.jpg](/attachments/${TOKEN}/IMG_2041%20final-v2.jpg)`);
  assert.equal(escapeLinkLabel('_draft_.txt'), '\\_draft\\_.txt');
  assert.equal(escapeLinkLabel('a & b.txt'), 'a & b.txt');
});

test('letters of any script stay readable in the URL; hidden and active characters do not', () => {
  assert.equal(attachmentUrl(TOKEN, 'résumé été.pdf'), `/attachments/${TOKEN}/résumé%20été.pdf`);
  assert.equal(attachmentUrl(TOKEN, 'a\u2028b\u202e(c).pdf'), `/attachments/${TOKEN}/a%E2%80%A8b%E2%80%AE%28c%29.pdf`);
});
