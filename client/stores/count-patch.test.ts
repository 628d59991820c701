import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TicketSummary } from '../../shared/views';
import { patchCounts, type QueueCounts } from './count-patch';
import type { QueueFilter } from './queue-patch';
import { ticketAt } from './test-ticket';

const ticket = (iid: number, over: Partial<TicketSummary> = {}) => ticketAt(iid, iid, over);

const c: QueueCounts = { opened: 3, closed: 2 };
const all: QueueFilter = { state: 'opened', search: '' };

test('a new ticket counts once, in its state, only when it matches the other filters', () => {
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9) }, all, undefined), { opened: 4, closed: 2 });
  const vip: QueueFilter = { ...all, label: 'vip' };
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9) }, vip, undefined), c);
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9, { labels: ['VIP'] }) }, vip, undefined), { opened: 4, closed: 2 });
});

test('closing moves one from open to closed; a repeated state event (replay) changes nothing', () => {
  const closed = ticket(1, { state: 'closed' });
  const next = patchCounts(c, { type: 'ticket.updated', ticket: closed, changes: ['state'] }, all, ticket(1));
  assert.deepEqual(next, { opened: 2, closed: 3 });
  assert.deepEqual(patchCounts(next!, { type: 'ticket.updated', ticket: closed, changes: ['state'] }, all, closed), next);
});

test('what only the server can tell asks for a refetch', () => {
  const vip: QueueFilter = { ...all, label: 'vip' };
  assert.equal(patchCounts(c, { type: 'ticket.updated', ticket: ticket(1, { labels: ['vip'] }), changes: ['labels'] }, vip, undefined), null);
  assert.equal(patchCounts(c, { type: 'ticket.hidden', iid: 4 }, all, undefined), null);
  const searching: QueueFilter = { ...all, search: 'printer' };
  assert.equal(patchCounts(c, { type: 'ticket.created', ticket: ticket(9, { title: 'Login' }) }, searching, undefined), null);
});

test('a hidden ticket that was on screen leaves its count; a note changes nothing without a search', () => {
  assert.deepEqual(patchCounts(c, { type: 'ticket.hidden', iid: 1 }, all, ticket(1)), { opened: 2, closed: 2 });
  assert.deepEqual(patchCounts(c, { type: 'ticket.updated', ticket: ticket(1, { title: 'x' }), changes: ['title'] }, all, undefined), c);
});
