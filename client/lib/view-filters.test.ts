import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countFor, isViewShown, queueFilterToView, viewToQueueFilter } from './view-filters';

test('a view and the queue filter it shows convert both ways, defaults left out', () => {
  const v = { state: 'pending' as const, assignee: 'me' as const, confidential: false, sort: 'waiting' as const };
  const f = viewToQueueFilter(v, 7);
  assert.deepEqual(queueFilterToView(f), v);
  assert.ok(isViewShown(v, f));
  assert.ok(!isViewShown(v, { ...f, label: 'vip' }));
  assert.deepEqual(queueFilterToView(viewToQueueFilter({}, 1)), {});
});

test('a view counts its own state', () => {
  const c = { opened: 3, pending: 2, snoozed: 1, closed: 9 };
  assert.equal(countFor({}, c), 3);
  assert.equal(countFor({ state: 'pending' }, c), 2);
  assert.equal(countFor({ state: 'all' }, c), 15);
});
