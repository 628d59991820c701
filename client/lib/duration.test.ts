import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration } from './duration';

test('durations read as a responder says them', () => {
  assert.equal(duration(4 * 60_000 + 59_000), '4 min');
  assert.equal(duration(3 * 3600_000 + 20 * 60_000), '3 h 20 min');
  assert.equal(duration(2 * 86400_000), '2 d');
  assert.equal(duration(59_000), '< 1 min');
  assert.equal(duration(60_000), '1 min');
  assert.equal(duration(-5), '< 1 min');
});
