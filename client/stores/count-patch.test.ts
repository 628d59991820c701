import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TicketSummary } from '../../shared/views';
import { patchCounts, type QueueCounts } from './count-patch';
import type { QueueFilter } from './queue-patch';
import { ticketAt } from './test-ticket';

const ticket = (iid: number, over: Partial<TicketSummary> = {}) => ticketAt(iid, iid, over);

const c: QueueCounts = { opened: 3, pending: 0, snoozed: 0, closed: 2 };
const all: QueueFilter = { state: 'opened', search: '' };

test('a new ticket counts once, in its state, only when it matches the other filters', () => {
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9) }, all, undefined), { opened: 4, pending: 0, snoozed: 0, closed: 2 });
  const vip: QueueFilter = { ...all, label: 'vip' };
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9) }, vip, undefined), c);
  assert.deepEqual(patchCounts(c, { type: 'ticket.created', ticket: ticket(9, { labels: ['VIP'] }) }, vip, undefined), { opened: 4, pending: 0, snoozed: 0, closed: 2 });
});

test('closing moves one from open to closed; a repeated state event (replay) changes nothing', () => {
  const closed = ticket(1, { state: 'closed' });
  const next = patchCounts(c, { type: 'ticket.updated', ticket: closed, changes: ['state'], previousState: 'opened' }, all, ticket(1));
  assert.deepEqual(next, { opened: 2, pending: 0, snoozed: 0, closed: 3 });
  assert.deepEqual(patchCounts(next!, { type: 'ticket.updated', ticket: closed, changes: ['state'], previousState: 'opened' }, all, closed), next);
});

test('waiting states move counts between any two states, on screen or not', () => {
  const snoozed = ticket(1, { state: 'snoozed', snoozedUntil: '2030-01-02T09:00:00.000Z' });
  const moved = patchCounts(c, { type: 'ticket.updated', ticket: snoozed, changes: ['state'], previousState: 'opened' }, all, undefined);
  assert.deepEqual(moved, { opened: 2, pending: 0, snoozed: 1, closed: 2 });
  const back = patchCounts(moved!, { type: 'ticket.updated', ticket: ticket(1), changes: ['state'], previousState: 'snoozed', cause: 'snooze_ended' }, all, undefined);
  assert.deepEqual(back, c);
  assert.equal(patchCounts(c, { type: 'ticket.updated', ticket: ticket(1, { state: 'pending' }), changes: ['state'] }, all, undefined), null, 'without the state it left only the server knows');
});

test('what only the server can tell asks for a refetch', () => {
  const vip: QueueFilter = { ...all, label: 'vip' };
  assert.equal(patchCounts(c, { type: 'ticket.updated', ticket: ticket(1, { labels: ['vip'] }), changes: ['labels'] }, vip, undefined), null);
  assert.equal(patchCounts(c, { type: 'ticket.hidden', iid: 4 }, all, undefined), null);
  const searching: QueueFilter = { ...all, search: 'printer' };
  assert.equal(patchCounts(c, { type: 'ticket.created', ticket: ticket(9, { title: 'Login' }) }, searching, undefined), null);
});

test('a hidden ticket that was on screen leaves its count; a note changes nothing without a search', () => {
  assert.deepEqual(patchCounts(c, { type: 'ticket.hidden', iid: 1 }, all, ticket(1)), { opened: 2, pending: 0, snoozed: 0, closed: 2 });
  assert.deepEqual(patchCounts(c, { type: 'ticket.updated', ticket: ticket(1, { title: 'x' }), changes: ['title'] }, all, undefined), c);
});
