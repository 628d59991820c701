import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueueParams } from '../../shared/queue-filter';
import { countFor, isViewShown, queueFilterToView, viewParams, viewToQueueFilter } from './view-filters';

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

test('a view saved with a search on Open opens on Open, though a search alone now means every state', () => {
  const params = (v: Parameters<typeof viewParams>[0]) => (name: string) => viewParams(v)[name as keyof ReturnType<typeof viewParams>] ?? '';
  const searchedOpen = { search: 'invoice' };
  assert.equal(parseQueueParams(params(searchedOpen), true).state, 'opened');
  assert.ok(isViewShown(searchedOpen, { ...parseQueueParams(params(searchedOpen), true), myId: 0 }));
  assert.equal(parseQueueParams(params({ search: 'invoice', state: 'all' }), true).state, 'all');
  assert.equal(parseQueueParams(params({}), true).state, 'opened');
});
