import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecentReads } from './recent-reads';

test('a second ask within the time is answered by the first read; later, or for another key, it reads again', async () => {
  let clock = 0;
  let reads = 0;
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 100, minWeight: 1, maxEntries: 100, weigh: (v) => v.length, now: () => clock });
  const read = (v: string) => async () => {
    reads++;
    return v;
  };
  assert.equal(await recent.get('a', read('first')), 'first');
  clock = 59_000;
  assert.equal(await recent.get('a', read('second')), 'first');
  assert.equal(reads, 1);
  assert.equal(await recent.get('b', read('other')), 'other');
  clock = 60_000;
  assert.equal(await recent.get('a', read('third')), 'third', 'too old: read again');
  assert.equal(reads, 3);
});

test('two asks at once share one read; a failed read is not kept', async () => {
  let reads = 0;
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 100, minWeight: 1, maxEntries: 100, weigh: (v) => v.length });
  const slow = async () => {
    reads++;
    await new Promise((r) => setImmediate(r));
    return 'x';
  };
  assert.deepEqual(await Promise.all([recent.get('a', slow), recent.get('a', slow)]), ['x', 'x']);
  assert.equal(reads, 1);
  await assert.rejects(recent.get('bad', () => Promise.reject(new Error('unreadable'))), /unreadable/);
  assert.equal(await recent.get('bad', async () => 'fine now'), 'fine now');
});

test('past the total weight the oldest go first; one too heavy alone is not kept', async () => {
  let reads = 0;
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 10, minWeight: 1, maxEntries: 100, weigh: (v) => v.length });
  const read = (v: string) => async () => {
    reads++;
    return v;
  };
  await recent.get('a', read('aaaa'));
  await recent.get('b', read('bbbb'));
  await recent.get('c', read('cccc'));
  assert.equal(reads, 3);
  await recent.get('c', read('cccc'));
  await recent.get('b', read('bbbb'));
  assert.equal(reads, 3, 'the newest two are kept');
  await recent.get('a', read('aaaa'));
  assert.equal(reads, 4, 'the oldest went');
  await recent.get('huge', read('h'.repeat(11)));
  await recent.get('huge', read('h'.repeat(11)));
  assert.equal(reads, 6);
});

test('a result `keep` refuses (a degraded read) is shared with the asks waiting for it, then read again', async () => {
  let reads = 0;
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 100, minWeight: 1, maxEntries: 100, weigh: (v) => v.length, keep: (v) => v !== 'text only' });
  const degraded = async () => {
    reads++;
    await new Promise((r) => setImmediate(r));
    return 'text only';
  };
  assert.deepEqual(await Promise.all([recent.get('a', degraded), recent.get('a', degraded)]), ['text only', 'text only']);
  assert.equal(reads, 1);
  assert.equal(await recent.get('a', async () => 'sanitised'), 'sanitised', 'the next ask tries again');
  assert.equal(await recent.get('a', async () => 'other'), 'sanitised', 'a good read is kept');
});

test('light entries weigh at least minWeight and their count is capped; expired ones are dropped while idle', async () => {
  let clock = 0;
  const timers: (() => void)[] = [];
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 1000, minWeight: 100, maxEntries: 5, weigh: () => 0, now: () => clock, schedule: (fn) => timers.push(fn) });
  for (let i = 0; i < 8; i++) await recent.get(`k${i}`, async () => '');
  assert.equal(recent.size(), 5, 'at most maxEntries');
  const light = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 1000, minWeight: 100, maxEntries: 100, weigh: () => 0 });
  for (let i = 0; i < 50; i++) await light.get(`k${i}`, async () => '');
  assert.equal(light.size(), 10, 'weight 0 still counts as minWeight: 1000 / 100');
  // no further ask comes: the timer drops what expired
  clock = 60_000;
  assert.equal(timers.length, 1);
  timers.shift()?.();
  assert.equal(recent.size(), 0);
  assert.equal(timers.length, 0, 'nothing left to purge, no timer');
});
