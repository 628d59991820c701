import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultOutgoingName } from './service-desk';

test('customer email is signed "<project> Support", with "Support" only once', () => {
  assert.equal(defaultOutgoingName({ name: 'Mobile App' }), 'Mobile App Support');
  assert.equal(defaultOutgoingName({ name: 'Acme Support' }), 'Acme Support');
  assert.equal(defaultOutgoingName({ name: 'Customer support ' }), 'Customer support');
  assert.equal(defaultOutgoingName({ name: 'Supportive' }), 'Supportive Support');
});
