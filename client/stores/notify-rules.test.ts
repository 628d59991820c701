import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoteView, TicketSummary } from '../../shared/views';
import { noticeFor } from './notify-rules';

const ticket = (assigneeId: number | null): TicketSummary => ({
  id: 1, iid: 7, title: 'Broken', state: 'opened', confidential: true, author: null, externalAuthor: 'c@x.test',
  assignee: assigneeId ? { id: assigneeId, name: 'A' } : null, labels: [], noteCount: 0,
  createdAt: '', updatedAt: '', lastActivityAt: '', customer: null, preview: '', waitingSince: null, firstResponseAt: null, closedAt: null, snoozedUntil: null, mergedInto: null,
});
const note = (over: Partial<NoteView>): NoteView => ({ id: 1, author: null, externalAuthor: 'c@x.test', body: 'hi', internal: false, system: false, createdAt: '', fromEmail: true, html: '', ...over });

test('new tickets and customer replies notify; responders\' notes, internal and system notes do not', () => {
  assert.equal(noticeFor({ type: 'ticket.created', ticket: ticket(null) }, 'all', 1, 'App')?.title, 'New ticket in App');
  assert.equal(noticeFor({ type: 'note.created', ticket: ticket(null), note: note({}) }, 'all', 1, 'App')?.title, 'c@x.test replied');
  assert.equal(noticeFor({ type: 'note.created', ticket: ticket(null), note: note({ externalAuthor: null }) }, 'all', 1, 'App'), null);
  assert.equal(noticeFor({ type: 'note.created', ticket: ticket(null), note: note({ system: true }) }, 'all', 1, 'App'), null);
  assert.equal(noticeFor({ type: 'ticket.updated', ticket: ticket(null), changes: ['state'] }, 'all', 1, 'App'), null);
});

test('"assigned to me" only hears about my tickets; "off" hears nothing', () => {
  assert.equal(noticeFor({ type: 'note.created', ticket: ticket(2), note: note({}) }, 'assigned', 1, 'App'), null);
  assert.ok(noticeFor({ type: 'note.created', ticket: ticket(1), note: note({}) }, 'assigned', 1, 'App'));
  assert.equal(noticeFor({ type: 'ticket.created', ticket: ticket(null) }, 'off', 1, 'App'), null);
});

test('a snooze that runs out tells its assignee; unassigned, everyone listening to all', () => {
  const ended = (assigneeId: number | null) => ({ type: 'ticket.updated' as const, ticket: { ...ticket(assigneeId), state: 'opened' as const }, changes: ['state' as const], cause: 'snooze_ended' as const });
  assert.equal(noticeFor(ended(5), 'assigned', 5, 'App')?.title, 'Snooze ended');
  assert.equal(noticeFor(ended(6), 'all', 5, 'App'), null, 'someone else\'s ticket');
  assert.equal(noticeFor(ended(null), 'all', 5, 'App')?.title, 'Snooze ended');
  assert.equal(noticeFor(ended(null), 'assigned', 5, 'App'), null);
  assert.equal(noticeFor(ended(5), 'off', 5, 'App'), null);
});

test('a mention in an internal note notifies the member mentioned, even in "assigned to me" mode', () => {
  const mention = { type: 'note.created' as const, ticket: ticket(null), note: note({ externalAuthor: null, internal: true, author: { id: 2, name: 'Bob' }, body: 'Can you check, @alice?' }) };
  assert.equal(noticeFor(mention, 'assigned', 5, 'App', 'alice')?.title, 'Bob mentioned you');
  assert.equal(noticeFor(mention, 'all', 5, 'App', 'carol'), null);
  assert.equal(noticeFor(mention, 'off', 5, 'App', 'alice'), null);
  assert.equal(noticeFor({ ...mention, note: { ...mention.note, author: { id: 5, name: 'Alice' } } }, 'all', 5, 'App', 'alice'), null, 'not for mentioning yourself');
});
