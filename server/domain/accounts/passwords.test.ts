import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from './passwords';

test('a hashed password verifies, a wrong one does not', async () => {
  const stored = await hashPassword('correct horse battery');
  assert.match(stored, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery', stored), true);
  assert.equal(await verifyPassword('correct horse batterY', stored), false);
});

test('two hashes of one password differ (salted) and malformed hashes are rejected', async () => {
  const a = await hashPassword('same password!');
  const b = await hashPassword('same password!');
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same password!', 'plain-text'), false);
});
