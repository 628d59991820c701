import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenAt } from './composer-tokens';
import { QUICK_ACTION_HINTS } from './quick-action-hints';

/** What the composer lists for a command being typed (Composer.tsx filters the same way). */
const hintsFor = (text: string) => {
  const t = tokenAt(text, text.length, { internal: false });
  return t?.kind === 'command' ? QUICK_ACTION_HINTS.filter((h) => h.command.startsWith(`/${t.query}`)).map((h) => h.command) : [];
};

test('hints appear only while a command is typed at the start of a line', () => {
  assert.deepEqual(hintsFor('Hello\n/as'), ['/assign']);
  assert.deepEqual(hintsFor('/re'), ['/reopen', '/remove_email']);
  assert.deepEqual(hintsFor('/un'), ['/unassign', '/unlabel']);
  assert.deepEqual(hintsFor('see /cl'), []);
  assert.deepEqual(hintsFor('/close now'), []);
});

test('every quick action the server takes has a hint', () => {
  for (const cmd of ['close', 'reopen', 'assign', 'unassign', 'label', 'unlabel', 'add_email', 'remove_email', 'convert_to_ticket', 'pending', 'snooze']) {
    assert.ok(QUICK_ACTION_HINTS.some((h) => h.command === `/${cmd}`), cmd);
  }
});
