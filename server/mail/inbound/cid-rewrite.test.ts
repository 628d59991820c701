import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteCids, rewriteTextCids, type PreparedAttachment } from './prepare-attachments';
import { MAX_MARKDOWN_CHARS, TRUNCATED_EMAIL_MARKER } from '../../render/limits';
import { cpuMsOf } from '../../testing/thread-cpu';

const image = (i: number): PreparedAttachment => ({
  token: `${i}`.padStart(32, '0'),
  sha256: 'x'.repeat(64),
  filename: `image${i}.png`,
  contentType: 'image/png',
  size: 10,
  cid: `image${i}@01D`,
  url: `/attachments/${`${i}`.padStart(32, '0')}/image${i}.png`,
});

test('Outlook [cid:…] placeholders become the inline images; case is ignored and unknown ones stay', () => {
  const list = [image(1), image(2)];
  const { markdown, used } = rewriteTextCids('See [cid:IMAGE1@01d] and [cid:nope@x].', list);
  assert.equal(markdown, 'See ![image1.png](/attachments/00000000000000000000000000000001/image1.png) and [cid:nope@x].');
  assert.deepEqual([...used], [list[0]?.token]);
  const html = rewriteCids('<img src="cid:image2@01D"><img src=\'cid:other\'>', list);
  assert.equal(html.html, `<img src="${list[1]?.url}"><img src='cid:other'>`);
  assert.deepEqual([...html.used], [list[1]?.token]);
});

test('thousands of cid placeholders over thousands of attachments: linear, a bounded number of links, the body stays within MAX_MARKDOWN_CHARS', () => {
  const list = Array.from({ length: 2000 }, (_, i) => image(i));
  const inputs = ['[cid:image1999@01D]'.repeat(15_000), '[cid:zzz]'.repeat(30_000), '[cid:'.repeat(60_000)];
  for (const input of inputs) {
    const { ms, value: { markdown, used } } = cpuMsOf(() => rewriteTextCids(input, list));
    assert.ok(ms < 200, `${ms.toFixed(0)} ms of CPU for ${input.length} characters`);
    assert.ok(markdown.length <= MAX_MARKDOWN_CHARS + TRUNCATED_EMAIL_MARKER.length + 2, `${markdown.length} characters`);
    assert.ok(used.size <= 1);
  }
  const many = rewriteTextCids(list.map((a) => `[cid:${a.cid}]`).join(' '), list);
  assert.equal(many.used.size, 1000, 'links are capped (one per inline image is what mail has)');
  assert.equal((many.markdown.match(/!\[/g) ?? []).length, 1000, 'links are capped (one per inline image is what mail has)');
  const { ms, value: html } = cpuMsOf(() => rewriteCids('<img src="cid:image1999@01D">'.repeat(60_000), list));
  assert.ok(ms < 200, `HTML rewrite is linear (${ms.toFixed(0)} ms of CPU)`);
  assert.equal(html.used.size, 1);
});
