import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitLevelOf } from './wait-level';

test('a wait is information under an hour, wants attention up to a day, then is overdue', () => {
  assert.equal(waitLevelOf(0), 'fresh');
  assert.equal(waitLevelOf(59 * 60_000), 'fresh');
  assert.equal(waitLevelOf(60 * 60_000), 'long');
  assert.equal(waitLevelOf(23 * 3600_000), 'long');
  assert.equal(waitLevelOf(24 * 3600_000), 'overdue');
  assert.equal(waitLevelOf(9 * 24 * 3600_000), 'overdue');
});
