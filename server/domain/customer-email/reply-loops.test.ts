import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyShape } from './reply-loops';

test('two auto-replies differing only in dates, counters and links have one shape', () => {
  const a = bodyShape('I am out of the office until Monday 3rd March, 2025 at 10am. Ref 1001.\n\n<details><summary>…</summary>\n\n> your mail\n\n</details>');
  const b = bodyShape('I am out of the office until Tue 4th Mar, 2025 at 2pm.   Ref 1002. [logo](https://vendor.test/l.png)');
  assert.equal(a, b);
});

test('different words are different shapes, and text with no words has none', () => {
  assert.notEqual(bodyShape('My monitor is broken'), bodyShape('My marketing is broken'));
  assert.equal(bodyShape('[x.png](/attachments/0a1b/x.png) 123'), '');
});
