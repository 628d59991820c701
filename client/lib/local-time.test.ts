import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullTime, splitUtcMoments, utcMomentToIso } from './local-time';

// Assert structure (the date, the local hour, the zone named), not ICU's exact spacing or zone
// labels: ICU 72 puts U+202F before AM, others a plain space, and short zone names vary by version.
test('a moment shows in the reader zone, and says which zone that is', () => {
  const berlin = fullTime('2026-12-01T09:00:00Z', { timeZone: 'Europe/Berlin', locale: 'en-US' });
  assert.match(berlin, /Dec\s1,\s2026/);
  assert.match(berlin, /\b10:00\sAM\b/);
  assert.match(berlin, /GMT\+1|CET/);
  const newYork = fullTime('2026-12-01T09:00:00Z', { timeZone: 'America/New_York', locale: 'en-US' });
  assert.match(newYork, /\b4:00\sAM\b/);
  assert.match(newYork, /EST|GMT-5/);
});

test('a system note’s UTC moments are found, and read back as the instant they name', () => {
  const parts = splitUtcMoments('snoozed until 2026-12-01 09:00 UTC, by rule');
  assert.deepEqual(parts, ['snoozed until ', '2026-12-01 09:00 UTC', ', by rule']);
  assert.equal(utcMomentToIso(parts[1] ?? ''), '2026-12-01T09:00:00Z');
  const utc = fullTime(utcMomentToIso(parts[1] ?? ''), { timeZone: 'UTC', locale: 'en-US' });
  assert.match(utc, /Dec\s1,\s2026/);
  assert.match(utc, /\b9:00\sAM\b/);
  assert.match(utc, /\bUTC\b/);
  assert.deepEqual(splitUtcMoments('closed'), ['closed']);
});
