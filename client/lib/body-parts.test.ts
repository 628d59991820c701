import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyParts, pieces } from './body-parts';

test('attachment links and images become pieces; other links stay text', () => {
  const tok = 'a'.repeat(32);
  assert.deepEqual(pieces(`See [a.pdf](/attachments/${tok}/a.pdf) and ![p.png](/attachments/${tok}/p.png) [x](https://evil.test)`), [
    { kind: 'text', text: 'See ' },
    { kind: 'link', text: 'a.pdf', href: `/attachments/${tok}/a.pdf` },
    { kind: 'text', text: ' and ' },
    { kind: 'image', alt: 'p.png', src: `/attachments/${tok}/p.png` },
    { kind: 'text', text: ' [x](https://evil.test)' },
  ]);
});

test('the trimmed reply part is split off for a collapsed view', () => {
  const parts = bodyParts('Thanks!\n\n<details><summary>…</summary>\n\nOn Mon, Bob wrote:\n> hi\n\n</details>');
  assert.deepEqual(parts.visible, [{ kind: 'text', text: 'Thanks!' }]);
  assert.deepEqual(parts.collapsed, [{ kind: 'text', text: 'On Mon, Bob wrote:\n> hi' }]);
  assert.equal(bodyParts('<details> typed by hand').collapsed, null);
});
