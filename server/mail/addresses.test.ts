import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAddressBook, fullPathSlug, projectKey } from './addresses';

const book = createAddressBook({ incoming: 'incoming+%{key}@desk.example.com', alias: 'contact+%{key}@example.com' });

test('full_path_slug as GitLab: lowercase, dashes, trimmed', () => {
  assert.equal(fullPathSlug('acme/Mobile_App'), 'acme-mobile-app');
  assert.equal(fullPathSlug('-weird./Path.'), 'weird--path');
  assert.equal(fullPathSlug(`a/${'b'.repeat(80)}`).length, 63);
  assert.equal(projectKey({ id: 7, path: 'acme/Mobile_App' }), 'acme-mobile-app-7-issue-');
});

test('keys are found in our addresses, with or without angle brackets, case-insensitively', () => {
  assert.deepEqual(book.match('incoming+abc-1-issue-@desk.example.com'), { key: 'abc-1-issue-', mailbox: 'incoming' });
  assert.deepEqual(book.match('<Incoming+KEY@DESK.example.com>'), { key: 'KEY', mailbox: 'incoming' });
  assert.deepEqual(book.match('contact+acme-app-help@example.com'), { key: 'acme-app-help', mailbox: 'alias' });
  assert.equal(book.match('incoming+x@desk.example.com.evil.test'), null);
  assert.equal(book.match('someone@example.com'), null);
});

test('the dot in the template is literal, not a wildcard', () => {
  assert.equal(book.match('incoming+x@deskXexample.com'), null);
});

test('every address of ours is ours, keyed or bare', () => {
  assert.equal(book.isOurs('incoming+whatever@desk.example.com'), true);
  assert.equal(book.isOurs('incoming@desk.example.com'), true);
  assert.equal(book.isOurs('CONTACT+x@example.com'), true);
  assert.equal(book.isOurs('bob@example.com'), false);
});

test('the From we send with, any key (even an empty one) and the bare address of any template style are ours', () => {
  const b = createAddressBook({ incoming: 'desk-%{key}@desk.example.com', alias: null, from: 'Support@Acme.example' });
  assert.equal(b.bare(), 'desk@desk.example.com');
  assert.equal(b.isOurs(b.bare()), true, 'the bare incoming address, which is also the default From');
  assert.equal(b.isOurs('support@acme.example'), true, 'MAIL_FROM');
  assert.equal(b.isOurs('<support@acme.example>'), true);
  assert.equal(b.isOurs('desk-0123456789abcdef0123456789abcdef@desk.example.com'), true, 'a reply key');
  assert.equal(b.isOurs('desk-@desk.example.com'), true, 'an empty key');
  assert.equal(book.isOurs('incoming+@desk.example.com'), true);
  assert.equal(b.isOurs('support@acme.example.evil.test'), false);
  assert.equal(b.isOurs('desk@desk.example.com.evil.test'), false);
});
