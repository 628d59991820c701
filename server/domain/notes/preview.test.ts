import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewText } from './preview';

test('a reply shows its own words, not the quote it carries or Markdown syntax', () => {
  const body = 'Still **broken** after [the update](https://x.test/u).\n\n> old\n\n<details><summary>…</summary>\n\nOn Mon, Support wrote:\n> It ships today\n</details>';
  assert.equal(previewText(body), 'Still broken after the update. old');
});

test('long text is cut to one line with an ellipsis', () => {
  const p = previewText(`# Title\n${'word '.repeat(100)}`);
  assert.ok(p.startsWith('Title word word'));
  assert.ok(p.endsWith('…'));
  assert.ok(p.length <= 160);
});
