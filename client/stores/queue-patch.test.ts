import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProjectEvent } from '../../shared/events';
import type { TicketSummary } from '../../shared/views';
import { isUnread, patchQueue, type QueueFilter } from './queue-patch';
import { ticketAt } from './test-ticket';

const open: QueueFilter = { state: 'opened', search: '' };

const ticket = ticketAt;

const iids = (items: TicketSummary[]) => items.map((t) => t.iid);

test('a new ticket is inserted at the top of an open queue', () => {
  const items = [ticket(2, 20), ticket(1, 10)];
  const next = patchQueue(items, { type: 'ticket.created', ticket: ticket(3, 30) }, open);
  assert.deepEqual(iids(next), [3, 2, 1]);
});

test('a new ticket that does not match the search stays out', () => {
  const next = patchQueue([], { type: 'ticket.created', ticket: ticket(3, 30, { title: 'Printer on fire' }) }, {
    state: 'opened',
    search: 'login',
  });
  assert.deepEqual(next, []);
});

test('a duplicate ticket.created (replayed after a reconnect) is ignored', () => {
  const items = [ticket(3, 30), ticket(1, 10)];
  const next = patchQueue(items, { type: 'ticket.created', ticket: ticket(3, 30) }, open);
  assert.equal(next, items);
  assert.deepEqual(iids(next), [3, 1]);
});

test('a note on an older ticket replaces its row and moves it to the top', () => {
  const items = [ticket(2, 20), ticket(1, 10)];
  const bumped = ticket(1, 40, { noteCount: 1 });
  const note = {
    id: 9,
    author: { id: 1, name: 'Ada' },
    externalAuthor: null,
    body: 'Hi',
    internal: false,
    system: false,
    createdAt: bumped.lastActivityAt,
    fromEmail: false,
    html: '',
  };
  const next = patchQueue(items, { type: 'note.created', ticket: bumped, note }, open);
  assert.deepEqual(iids(next), [1, 2]);
  assert.equal(next[0]?.noteCount, 1);
});

test('closing a ticket removes it from the open queue and adds it to the closed one', () => {
  const closed = ticket(2, 50, { state: 'closed' });
  const event: ProjectEvent = { type: 'ticket.updated', ticket: closed, changes: ['state'] };
  assert.deepEqual(iids(patchQueue([ticket(2, 20), ticket(1, 10)], event, open)), [1]);
  assert.deepEqual(iids(patchQueue([ticket(5, 5, { state: 'closed' })], event, { state: 'closed', search: '' })), [2, 5]);
  assert.deepEqual(iids(patchQueue([ticket(2, 20)], event, { state: 'all', search: '' })), [2]);
});

test('ticket.hidden removes the row; an unknown iid changes nothing', () => {
  const items = [ticket(2, 20), ticket(1, 10)];
  assert.deepEqual(iids(patchQueue(items, { type: 'ticket.hidden', iid: 2 }, open)), [1]);
  assert.equal(patchQueue(items, { type: 'ticket.hidden', iid: 7 }, open), items);
});

test('a row already shown stays when its new title no longer matches the search', () => {
  const items = [ticket(4, 10, { title: 'Login fails' })];
  const renamed = ticket(4, 30, { title: 'Cannot sign in' });
  const next = patchQueue(items, { type: 'ticket.updated', ticket: renamed, changes: ['title'] }, { state: 'opened', search: 'login' });
  assert.deepEqual(next.map((t) => t.title), ['Cannot sign in']);
});

test('"assigned to me": a ticket assigned away leaves, one assigned to me enters; newest order by creation', () => {
  const mine: QueueFilter = { state: 'opened', search: '', assignee: 'me', myId: 5 };
  const base = ticket(1, 0);
  let list = patchQueue([], { type: 'ticket.updated', ticket: { ...base, assignee: { id: 5, name: 'Me' } }, changes: ['assignee'] }, mine);
  assert.deepEqual(iids(list), [1]);
  list = patchQueue(list, { type: 'ticket.updated', ticket: { ...base, assignee: { id: 6, name: 'Other' } }, changes: ['assignee'] }, mine);
  assert.deepEqual(iids(list), []);
  const newest: QueueFilter = { state: 'all', search: '', sort: 'newest' };
  // created first but active last: by creation it still sorts below the newer ticket
  const older = ticket(1, 0, { lastActivityAt: new Date(Date.UTC(2030, 0, 1, 13, 0)).toISOString() });
  assert.deepEqual(iids(patchQueue([older], { type: 'ticket.created', ticket: ticket(2, 5) }, newest)), [2, 1]);
});

test('unread: new tickets are unread; a read row becomes unread again on new activity, keeping its read time', () => {
  const read = ticket(1, 0, { readAt: new Date(Date.UTC(2030, 0, 1, 12, 1)).toISOString() });
  assert.equal(isUnread(read), false);
  const [fresh] = patchQueue([], { type: 'ticket.created', ticket: ticket(2, 3) }, open);
  assert.equal(isUnread(fresh!), true);
  const [bumped] = patchQueue([read], { type: 'ticket.updated', ticket: ticket(1, 5), changes: ['state'] }, { state: 'all', search: '' });
  assert.equal(bumped!.readAt, read.readAt);
  assert.equal(isUnread(bumped!), true);
});

test('label filter: a ticket labelled live enters, one losing the label leaves (case-insensitive)', () => {
  const billing: QueueFilter = { state: 'opened', search: '', label: 'billing' };
  let list = patchQueue([], { type: 'ticket.created', ticket: ticket(1, 0) }, billing);
  assert.deepEqual(iids(list), []);
  list = patchQueue(list, { type: 'ticket.updated', ticket: ticket(1, 2, { labels: ['Billing'] }), changes: ['labels'] }, billing);
  assert.deepEqual(iids(list), [1]);
  list = patchQueue(list, { type: 'ticket.updated', ticket: ticket(1, 3, { labels: ['bug'] }), changes: ['labels'] }, billing);
  assert.deepEqual(iids(list), []);
});

test('confidential filter: making a ticket public removes it from the confidential-only queue', () => {
  const secret: QueueFilter = { state: 'opened', search: '', confidential: 'yes' };
  const list = [ticket(2, 20, { confidential: true }), ticket(1, 10, { confidential: true })];
  const next = patchQueue(list, { type: 'ticket.updated', ticket: ticket(2, 30, { confidential: false }), changes: ['confidential'] }, secret);
  assert.deepEqual(iids(next), [1]);
  const pub: QueueFilter = { state: 'opened', search: '', confidential: 'no' };
  assert.deepEqual(iids(patchQueue(next, { type: 'ticket.created', ticket: ticket(3, 40, { confidential: true }) }, pub)), [1]);
});

test('closing with a label filter on: the row leaves the open queue even though the label still matches', () => {
  const f: QueueFilter = { state: 'opened', search: '', label: 'vip' };
  const list = [ticket(2, 20, { labels: ['vip'] }), ticket(1, 10, { labels: ['vip'] })];
  const next = patchQueue(list, { type: 'ticket.updated', ticket: ticket(1, 30, { labels: ['vip'], state: 'closed' }), changes: ['state'] }, f);
  assert.deepEqual(iids(next), [2]);
});

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString();
const kim = { id: 9, email: 'kim@acme.io', name: 'Kim' };

test('"waiting longest": a customer reply moves the ticket by its wait; our reply sends it to the end', () => {
  const waiting: QueueFilter = { state: 'opened', search: '', sort: 'waiting' };
  const items = [ticket(1, 1, { waitingSince: at(1) }), ticket(2, 2, { waitingSince: at(2) }), ticket(3, 3)];
  const answered = patchQueue(items, { type: 'note.created', ticket: ticket(1, 10, { waitingSince: null }), note: {} as never }, waiting);
  assert.deepEqual(iids(answered), [2, 1, 3]);
  const customerWrote = patchQueue(answered, { type: 'note.created', ticket: ticket(3, 11, { waitingSince: at(0) }), note: {} as never }, waiting);
  assert.deepEqual(iids(customerWrote), [3, 2, 1]);
});

test('from: a customer or a domain decides live who enters the list', () => {
  const byDomain: QueueFilter = { state: 'opened', search: 'from:@acme.io' };
  assert.deepEqual(iids(patchQueue([], { type: 'ticket.created', ticket: ticket(4, 4, { customer: kim }) }, byDomain)), [4]);
  assert.deepEqual(iids(patchQueue([], { type: 'ticket.created', ticket: ticket(5, 5, { externalAuthor: 'x@other.io' }) }, byDomain)), []);
  const picked: QueueFilter = { state: 'opened', search: '', customer: 'kim@acme.io' };
  assert.deepEqual(iids(patchQueue([], { type: 'ticket.created', ticket: ticket(6, 6, { customer: kim }) }, picked)), [6]);
});

test('a customer renamed elsewhere is renamed in every row of theirs', () => {
  const items = [ticket(1, 1, { customer: kim }), ticket(2, 2)];
  const next = patchQueue(items, { type: 'customer.updated', customer: { ...kim, name: 'Kim Lee', organization: 'acme.io', notes: '', notesShared: true, createdAt: at(0), updatedAt: at(3) } }, open);
  assert.equal(next.find((t) => t.iid === 1)?.customer?.name, 'Kim Lee');
  assert.equal(next.find((t) => t.iid === 2)?.customer, null);
});
