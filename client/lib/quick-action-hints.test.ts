import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, hintsFor } from './quick-action-hints';

test('hints appear only while a command is typed at the start of a line', () => {
  assert.deepEqual(hintsFor('Hello\n/as', 9).map((h) => h.command), ['/assign']);
  assert.deepEqual(hintsFor('/re', 3).map((h) => h.command), ['/reopen', '/remove_email']);
  assert.deepEqual(hintsFor('see /cl', 7), []);
  assert.deepEqual(hintsFor('/close now', 10), []);
});

test('completing replaces the partial command', () => {
  assert.deepEqual(complete('Hi\n/as', 6, '/assign', true), { text: 'Hi\n/assign ', cursor: 11 });
  assert.deepEqual(complete('/cl', 3, '/close', false), { text: '/close', cursor: 6 });
});
