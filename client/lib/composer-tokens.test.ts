import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelToken, mentionsIn, nameMatches, replaceToken, tokenAt } from './composer-tokens';

const at = (text: string, internal = false) => tokenAt(text, text.length, { internal });

test('commands at the start of a line; saved replies after #; labels only on /label and /unlabel lines', () => {
  assert.deepEqual(at('Hi\n/as'), { kind: 'command', query: 'as', start: 3, end: 6 });
  assert.equal(at('Thanks #ref')?.kind, 'reply');
  assert.equal(at('Thanks #ref')?.query, 'ref');
  assert.deepEqual(at('/label ~bil'), { kind: 'label', query: 'bil', start: 7, end: 11 });
  assert.equal(at('/unlabel ~"needs re')?.kind, 'label');
  assert.equal(at('/unlabel ~"needs re')?.start, 9);
  assert.equal(at('price ~20'), null);
});

test('@ suggests members on /assign lines and in internal notes, not in replies to customers', () => {
  assert.equal(at('/assign @al')?.kind, 'member');
  assert.equal(at('ask @al', true)?.kind, 'member');
  assert.equal(at('ask @al', false), null);
  assert.equal(at('mail me at bob@x', true), null);
});

test('replacing a token keeps the rest of the text', () => {
  const token = tokenAt('Hi #ref and more', 7, { internal: false });
  assert.ok(token);
  assert.deepEqual(replaceToken('Hi #ref and more', token, 'Dear Kim'), { text: 'Hi Dear Kim and more', cursor: 11 });
});

test('names match from the start of any word; labels with spaces are quoted; mentions are read back', () => {
  assert.ok(nameMatches('Refund approved', 'refund-ap'));
  assert.ok(nameMatches('Refund approved', 'appr'));
  assert.ok(!nameMatches('Refund approved', 'fund'));
  assert.equal(labelToken('needs review'), '~"needs review"');
  assert.deepEqual(mentionsIn('@bob please look. cc (@alice.smith) and mail x@y.z'), ['bob', 'alice.smith']);
});
