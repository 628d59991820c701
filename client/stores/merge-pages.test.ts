import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePages } from './merge-pages';
import { ticketAt } from './test-ticket';

const t = (id: number, minute: number) => ticketAt(id, minute);

test('rows from several projects merge by activity, newest first', () => {
  const m = mergePages(
    [
      { key: 'a', items: [t(1, 50), t(2, 10)], hasMore: false },
      { key: 'b', items: [t(3, 40), t(4, 20)], hasMore: false },
    ],
    'activity',
  );
  assert.deepEqual(m.rows.map((r) => `${r.key}${r.item.iid}`), ['a1', 'b3', 'b4', 'a2']);
  assert.deepEqual(m.pending, []);
});

test('rows older than a list that has more pages wait until that list has loaded past them', () => {
  const lists = [
    { key: 'a', items: [t(1, 50), t(2, 10)], hasMore: false },
    { key: 'b', items: [t(3, 40), t(4, 30)], hasMore: true },
  ];
  const m = mergePages(lists, 'activity');
  // a2 (minute 10) could be preceded by b's next page (minutes 11–29): not shown yet.
  assert.deepEqual(m.rows.map((r) => r.item.iid), [1, 3, 4]);
  assert.deepEqual(m.pending, ['b']);
  lists[1] = { key: 'b', items: [...lists[1]!.items, t(5, 25), t(6, 5)], hasMore: false };
  assert.deepEqual(mergePages(lists, 'activity').rows.map((r) => r.item.iid), [1, 3, 4, 5, 2, 6]);
});

test('an empty list with more pages shows nothing until it loads', () => {
  const m = mergePages([{ key: 'a', items: [t(1, 1)], hasMore: false }, { key: 'b', items: [], hasMore: true }], 'newest');
  assert.deepEqual(m.rows, []);
  assert.deepEqual(m.pending, ['b']);
});
