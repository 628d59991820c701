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
  const r = extractQuickActions('/add_email a b c@x.io\n/add_email 1@a.io 2@a.io 3@a.io 4@a.io 5@a.io 6@a.io 7@a.io\n/remove_email\n/convert_to_ticket nope\n```\n/close\n```\n/frobnicate');
  assert.deepEqual(r.actions, []);
  assert.deepEqual(r.errors, [
    'No email participants were added. "a": Enter a valid email address.',
    'No email participants were added. At most 6 emails at a time.',
    'No email participants were removed. Give at least one email address.',
    'Cannot convert to ticket because no email was provided or the format was invalid.',
  ]);
  assert.equal(r.body, '```\n/close\n```\n/frobnicate');
});

test('/label takes exactly the labels the API takes', () => {
  const fifty = Array.from({ length: 50 }, (_, i) => `~l${i}`).join(' ');
  assert.deepEqual(extractQuickActions(`/label ${fifty}`).errors, []);
  assert.deepEqual(extractQuickActions(`/label ${fifty} ~one-more`).errors, ['Could not apply label command: A ticket can have at most 50 labels.']);
  assert.deepEqual(extractQuickActions(`/label ${Array.from({ length: 10_000 }, (_, i) => `~l${i}`).join(' ')}`).errors, [
    'Could not apply label command: A ticket can have at most 50 labels.',
  ]);
  assert.deepEqual(extractQuickActions(`/label ${fifty}\n/label ~one-more`).errors, ['Could not apply label command: A ticket can have at most 50 labels.'], 'several lines add up');
  assert.deepEqual(extractQuickActions('/label ~ok ~a,b').errors, ['Could not apply label command: "a,b": Label names cannot contain commas.']);
  assert.deepEqual(extractQuickActions('/label ~"a, b"').errors, ['Could not apply label command: "a, b": Label names cannot contain commas.']);
  assert.deepEqual(extractQuickActions(`/label ~${'x'.repeat(5000)}`).errors, [`Could not apply label command: "${'x'.repeat(40)}…": Label names must be at most 100 characters.`]);
  assert.deepEqual(extractQuickActions('/label ~"tab\there"').errors, ['Could not apply label command: "tab\uFFFDhere": Label names must be a single line without control characters.']);
  assert.deepEqual(extractQuickActions('/label ~"  padded  "').actions, [{ kind: 'label', labels: ['padded'] }], 'trimmed like the API');
});

test('/add_email, /remove_email and /convert_to_ticket refuse what the API refuses and normalise like it', () => {
  const tooLong = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.io`;
  for (const bad of ['x@y', 'a@@b.io', '"a b"@x.io', 'a@x..io', tooLong]) {
    const r = extractQuickActions(`/add_email ok@x.io ${bad}`);
    assert.deepEqual(r.actions, [], bad);
    assert.match(r.errors[0] ?? '', /^No email participants were added\. ".+": (Enter a valid email address|Email must be at most 254 characters)\.$/, bad);
    assert.deepEqual(extractQuickActions(`/convert_to_ticket ${bad}`).actions, [], bad);
  }
  assert.deepEqual(extractQuickActions('/add_email Buyer@Customer.Test, second@x.io').actions, [{ kind: 'add_email', emails: ['buyer@customer.test', 'second@x.io'] }]);
  assert.deepEqual(extractQuickActions('/convert_to_ticket Buyer@Customer.Test').actions, [{ kind: 'convert_to_ticket', email: 'buyer@customer.test' }]);
});
