import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnooze } from './snooze';

const now = Date.UTC(2031, 0, 1, 12, 0);

test('durations count from now; dates are UTC mornings unless a time or offset is given', () => {
  assert.equal(parseSnooze('45s', now), now + 45_000);
  assert.equal(parseSnooze('30m', now), now + 30 * 60_000);
  assert.equal(parseSnooze('4h', now), now + 4 * 3600_000);
  assert.equal(parseSnooze('1w', now), now + 7 * 86_400_000);
  assert.equal(parseSnooze('2031-01-05', now), Date.UTC(2031, 0, 5, 9, 0));
  assert.equal(parseSnooze('2031-01-05T14:30', now), Date.UTC(2031, 0, 5, 14, 30));
  assert.equal(parseSnooze('2031-01-05T14:30+02:00', now), Date.UTC(2031, 0, 5, 12, 30));
  assert.equal(parseSnooze('soon', now), null);
  assert.equal(parseSnooze('2031-02-30', now), null, 'no 30 February');
  assert.equal(parseSnooze('2031-01-05T25:00', now), null);
});
