import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecentReads } from './recent-reads';

test('a second ask within the time is answered by the first read; later, or for another key, it reads again', async () => {
  let clock = 0;
  let reads = 0;
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 100, weigh: (v) => v.length, now: () => clock });
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
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 100, weigh: (v) => v.length });
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
  const recent = createRecentReads<string>({ ttlMs: 60_000, maxWeight: 10, weigh: (v) => v.length });
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
