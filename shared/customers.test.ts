import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesCustomer, organizationOf, parseCustomerFilter, splitSearch } from './customers';

test('from: names one customer or a whole domain; the rest of the search stays', () => {
  assert.deepEqual(splitSearch('refund from:Alice@X.com late'), { text: 'refund late', from: { email: 'alice@x.com' } });
  assert.deepEqual(splitSearch('from:@acme.io'), { text: '', from: { domain: 'acme.io' } });
  assert.deepEqual(splitSearch('from:nobody here'), { text: 'from:nobody here', from: null });
  assert.equal(parseCustomerFilter('a b@c'), null);
});

test('a domain filter matches its customers only, not look-alike suffixes', () => {
  assert.ok(matchesCustomer('kim@acme.io', { domain: 'acme.io' }));
  assert.ok(!matchesCustomer('kim@notacme.io', { domain: 'acme.io' }));
  assert.ok(!matchesCustomer(null, { email: 'kim@acme.io' }));
});

test('free-mail domains are no organisation', () => {
  assert.equal(organizationOf('gmail.com'), null);
  assert.equal(organizationOf('Acme.io'), 'acme.io');
});
