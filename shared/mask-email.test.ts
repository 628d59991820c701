import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskEmail } from './mask-email';

test('masks like GitLab: two local chars, first of domain and tld', () => {
  assert.equal(maskEmail('user@example.com'), 'us*****@e*****.c**');
  assert.equal(maskEmail('a@b.co.uk'), 'a*****@b*****.u**');
});

test('masks oddly shaped addresses without throwing', () => {
  assert.equal(maskEmail('root@localhost'), 'ro*****@l*****');
  assert.equal(maskEmail('no-at-sign'), 'no*****');
});
