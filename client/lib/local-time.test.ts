import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullTime, splitUtcMoments, utcMomentToIso } from './local-time';

test('a moment shows in the reader zone, and says which zone that is', () => {
  const berlin = fullTime('2026-12-01T09:00:00Z', { timeZone: 'Europe/Berlin', locale: 'en-US' });
  assert.match(berlin, /Dec 1, 2026/);
  assert.match(berlin, /10:00\sAM/);
  assert.match(berlin, /GMT\+1/);
  assert.match(fullTime('2026-12-01T09:00:00Z', { timeZone: 'America/New_York', locale: 'en-US' }), /4:00\sAM EST/);
});

test('a system note’s UTC moments are found, and read back as the instant they name', () => {
  const parts = splitUtcMoments('snoozed until 2026-12-01 09:00 UTC, by rule');
  assert.deepEqual(parts, ['snoozed until ', '2026-12-01 09:00 UTC', ', by rule']);
  assert.equal(utcMomentToIso(parts[1] ?? ''), '2026-12-01T09:00:00Z');
  assert.equal(fullTime(utcMomentToIso(parts[1] ?? ''), { timeZone: 'UTC', locale: 'en-US' }), 'Tue, Dec 1, 2026, 9:00 AM UTC');
  assert.deepEqual(splitUtcMoments('closed'), ['closed']);
});
