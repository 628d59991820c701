import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullTime, splitUtcMoments, utcMomentInstant, utcMomentToIso } from './local-time';

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
  assert.equal(utcMomentInstant(parts[1] ?? ''), '2026-12-01T09:00:00Z');
  const utc = fullTime(utcMomentToIso(parts[1] ?? ''), { timeZone: 'UTC', locale: 'en-US' });
  assert.match(utc, /Dec\s1,\s2026/);
  assert.match(utc, /\b9:00\sAM\b/);
  assert.match(utc, /\bUTC\b/);
  assert.deepEqual(splitUtcMoments('closed'), ['closed']);
});

// A title-change note quotes the old title (a customer's email subject); a merged-change note quotes
// a merge request's title. Neither may make the page throw while rendering.
const HOSTILE = [
  '2025-99-99 99:99 UTC',
  '2031-13-45 99:99 UTC',
  '2025-00-00 00:00 UTC',
  '2025-12-32 10:00 UTC',
  '2025-12-01 24:00 UTC',
  '2025-12-01 23:60 UTC',
  '2025-02-31 10:00 UTC',
  '2025-02-29 10:00 UTC',
  '0000-00-00 00:00 UTC',
  '9999-99-99 99:99 UTC',
];

test('an impossible moment in a note stays plain text: never a <time>, never a throw', () => {
  for (const moment of HOSTILE) {
    const text = `changed title from Order ${moment} to Order 42`;
    const parts = splitUtcMoments(text);
    for (let i = 1; i < parts.length; i += 2) {
      assert.equal(utcMomentInstant(parts[i] ?? ''), null, `${moment} names no instant`);
    }
    assert.equal(parts.join(''), text, moment);
  }
  // A real moment beside a hostile one is still found.
  const mixed = splitUtcMoments('from 2025-99-99 99:99 UTC until 2026-02-28 23:59 UTC');
  assert.deepEqual(mixed.filter((_, i) => i % 2 === 1).map(utcMomentInstant), ['2026-02-28T23:59:00Z']);
  assert.equal(utcMomentInstant('2028-02-29 12:00 UTC'), '2028-02-29T12:00:00Z', 'a leap day is real');
});

test('fullTime never throws: text that names no instant comes back as it was', () => {
  for (const moment of HOSTILE) {
    const iso = utcMomentToIso(moment);
    assert.doesNotThrow(() => fullTime(iso));
    if (Number.isNaN(Date.parse(iso))) assert.equal(fullTime(iso), iso);
  }
  for (const bad of ['', 'not a date', 'Invalid Date', '2025-99-99T99:99:00Z', Number.NaN, Number.MAX_VALUE]) {
    assert.equal(fullTime(bad), String(bad));
  }
  // An unknown zone (a RangeError in Intl) also stays text rather than a throw.
  assert.equal(fullTime('2026-12-01T09:00:00Z', { timeZone: 'Mars/Olympus_Mons' }), '2026-12-01T09:00:00Z');
});
