import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractQuickActions } from './quick-actions';

test('commands leave the text and become actions', () => {
  const r = extractQuickActions('Thanks, fixed.\n/close\n/label ~bug ~"needs review"\n/assign @alice\n/add_email a@x.io b@y.io');
  assert.equal(r.body, 'Thanks, fixed.');
  assert.deepEqual(r.actions, [
    { kind: 'close' },
    { kind: 'label', labels: ['bug', 'needs review'] },
    { kind: 'assign', username: 'alice' },
    { kind: 'add_email', emails: ['a@x.io', 'b@y.io'] },
  ]);
  assert.deepEqual(r.errors, []);
});

test('bad commands give GitLab-like messages; commands in code blocks and unknown ones stay text', () => {
  const r = extractQuickActions('/add_email a b c d e f g@x.io\n/add_email 1@a.io 2@a.io 3@a.io 4@a.io 5@a.io 6@a.io 7@a.io\n/convert_to_ticket nope\n```\n/close\n```\n/frobnicate');
  assert.deepEqual(r.actions, []);
  assert.deepEqual(r.errors, [
    "No email participants were added. Either none were provided, or they don't exist.",
    'No email participants were added. You can only add up to 6 emails at a time.',
    'Cannot convert to ticket because no email was provided or the format was invalid.',
  ]);
  assert.equal(r.body, '```\n/close\n```\n/frobnicate');
});
