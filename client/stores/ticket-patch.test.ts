import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteView, TicketDetail } from '../../shared/views';
import { mergeTicket, patchTicket } from './ticket-patch';
import { ticketAt } from './test-ticket';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString();

function note(id: number, body = `note ${id}`): NoteView {
  return { id, author: { id: 1, name: 'Ada' }, externalAuthor: null, body, internal: false, system: false, createdAt: at(id), fromEmail: false, html: '' };
}

function detail(over: Partial<TicketDetail> = {}): TicketDetail {
  return {
    ...ticketAt(3, 0, { id: 7, title: 'Login fails' }),
    fromEmail: false,
    customerDetail: null,
    descriptionHtml: '',
    description: 'It fails.',
    notes: [],
    participants: [],
    ...over,
  };
}

test('a note for this ticket is appended once, even when replayed', () => {
  const d = detail();
  const event = { type: 'note.created', ticket: { ...d, noteCount: 1, updatedAt: at(5) }, note: note(11) } as const;
  const first = patchTicket(d, event);
  assert.equal(first.kind, 'changed');
  if (first.kind !== 'changed') return;
  const again = patchTicket(first.ticket, event);
  assert.equal(again.kind, 'changed');
  if (again.kind !== 'changed') return;
  assert.deepEqual(again.ticket.notes.map((n) => n.id), [11]);
  assert.equal(again.ticket.noteCount, 1);
});

test('an update changes the header and keeps the thread', () => {
  const d = detail({ notes: [note(1)] });
  const { notes: _n, description: _d, participants: _p, ...summary } = d;
  const r = patchTicket(d, { type: 'ticket.updated', ticket: { ...summary, state: 'closed' }, changes: ['state'] });
  assert.equal(r.kind === 'changed' && r.ticket.state, 'closed');
  assert.equal(r.kind === 'changed' && r.ticket.notes.length, 1);
});

test('events about other tickets leave the page alone; hidden hides it', () => {
  const d = detail();
  assert.equal(patchTicket(d, { type: 'ticket.hidden', iid: 99 }).kind, 'same');
  assert.equal(patchTicket(d, { type: 'ticket.hidden', iid: 3 }).kind, 'hidden');
});

test('an older mutation answer does not undo a newer live state, but adds its notes', () => {
  const current = detail({ state: 'closed', updatedAt: at(10), notes: [note(1), note(3)] });
  const answer = detail({ state: 'opened', updatedAt: at(5), notes: [note(1), note(2)] });
  const merged = mergeTicket(current, answer);
  assert.equal(merged.state, 'closed');
  assert.deepEqual(merged.notes.map((n) => n.id), [1, 2, 3]);
});
