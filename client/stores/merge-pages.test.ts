import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TicketSummary } from '../../shared/views';
import { mergePages } from './merge-pages';

function t(id: number, minute: number): TicketSummary {
  const at = new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString();
  return { id, iid: id, title: `T${id}`, state: 'opened', confidential: false, author: null, externalAuthor: null, assignee: null, labels: [], noteCount: 0, createdAt: at, updatedAt: at, lastActivityAt: at };
}

test('rows from several projects merge by activity, newest first', () => {
  const m = mergePages(
    [
      { key: 'a', items: [t(1, 50), t(2, 10)], hasMore: false },
      { key: 'b', items: [t(3, 40), t(4, 20)], hasMore: false },
    ],
    'activity',
  );
  assert.deepEqual(m.rows.map((r) => `${r.key}${r.item.id}`), ['a1', 'b3', 'b4', 'a2']);
  assert.deepEqual(m.pending, []);
});

test('rows older than a list that has more pages wait until that list has loaded past them', () => {
  const lists = [
    { key: 'a', items: [t(1, 50), t(2, 10)], hasMore: false },
    { key: 'b', items: [t(3, 40), t(4, 30)], hasMore: true },
  ];
  const m = mergePages(lists, 'activity');
  // a2 (minute 10) could be preceded by b's next page (minutes 11–29): not shown yet.
  assert.deepEqual(m.rows.map((r) => r.item.id), [1, 3, 4]);
  assert.deepEqual(m.pending, ['b']);
  lists[1] = { key: 'b', items: [...lists[1]!.items, t(5, 25), t(6, 5)], hasMore: false };
  assert.deepEqual(mergePages(lists, 'activity').rows.map((r) => r.item.id), [1, 3, 4, 5, 2, 6]);
});

test('an empty list with more pages shows nothing until it loads', () => {
  const m = mergePages([{ key: 'a', items: [t(1, 1)], hasMore: false }, { key: 'b', items: [], hasMore: true }], 'newest');
  assert.deepEqual(m.rows, []);
  assert.deepEqual(m.pending, ['b']);
});
