import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskAddressesIn, maskEmail } from './mask-email';

test('masks like GitLab: two local chars, first of domain and tld', () => {
  assert.equal(maskEmail('user@example.com'), 'us*****@e*****.c**');
  assert.equal(maskEmail('a@b.co.uk'), 'a*****@b*****.u**');
});

test('masks oddly shaped addresses without throwing', () => {
  assert.equal(maskEmail('root@localhost'), 'ro*****@l*****');
  assert.equal(maskEmail('no-at-sign'), 'no*****');
});

test('an IP literal shows none of its digits', () => {
  assert.equal(maskEmail('b@[10.1.2.3]'), 'b*****@[*****]');
  assert.equal(maskEmail('f@[IPv6:2001:db8::1]'), 'f*****@[*****]');
});

test('IDN domains are masked in their ASCII form', () => {
  assert.equal(maskEmail('e@пример.рф'), 'e*****@x*****.x**');
  assert.equal(maskEmail('c@аррӏе.com'), 'c*****@x*****.c**');
});

test('the text pass masks every address shape a system note can hold', () => {
  const note = 'added a@localhost, b@[10.1.2.3], c@xn--80ak6aa92e.com, d@example.c0m, e@пример.рф, f@[IPv6:::1] and o\'brien@ex-ample.org.';
  assert.equal(
    maskAddressesIn(note),
    "added a*****@l*****, b*****@[*****], c*****@x*****.c**, d*****@e*****.c**, e*****@x*****.x**, f*****@[*****] and o'*****@e*****.o**.",
  );
});

test('the text pass leaves text without addresses, and masked addresses, as they are', () => {
  assert.equal(maskAddressesIn('closed'), 'closed');
  assert.equal(maskAddressesIn('assigned to @alice'), 'assigned to @alice');
  assert.equal(maskAddressesIn('removed us*****@e*****.c**, b*****@[*****]'), 'removed us*****@e*****.c**, b*****@[*****]');
});
