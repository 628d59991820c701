/**
 * One open ticket: the event position is read first, then the ticket, then events are followed
 * from that position. Events between the two reads are replayed; applying them is idempotent.
 */
import { createSignal, onCleanup } from 'solid-js';
import type { NoteView, TicketDetail } from '../../shared/views';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { followProject } from './live';
import { noteAuthError } from './session';
import { byTime, mergeTicket, patchTicket } from './ticket-patch';

export function createTicketView(projectPath: string, iid: number) {
  const [ticket, setTicket] = createSignal<TicketDetail | null>(null);
  const [hidden, setHidden] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [savedRepliesVersion, setSavedRepliesVersion] = createSignal(0);
  let stopFollowing: (() => void) | null = null;
  let disposed = false;

  async function load(): Promise<void> {
    try {
      const { lastEventId } = await api.tickets.list.query({ projectPath, state: 'all', limit: 1 });
      const detail = await api.tickets.get.query({ projectPath, iid });
      if (disposed) return;
      setTicket(detail);
      markRead();
      stopFollowing = followProject(
        projectPath,
        Number(lastEventId),
        ({ event }) => {
          if (event.type === 'saved_replies.changed') setSavedRepliesVersion((v) => v + 1);
          const current = ticket();
          if (!current) return;
          const result = patchTicket(current, event);
          if (result.kind === 'hidden') setHidden(true);
          if (result.kind === 'reload') void reload();
          if (result.kind === 'changed') {
            setTicket(result.ticket);
            markRead();
          }
          // Participants are not in events: re-read them when they change.
          if (event.type === 'ticket.updated' && event.changes.includes('participants')) void refreshParticipants();
        },
        setError,
      );
    } catch (err) {
      if (disposed) return;
      noteAuthError(err);
      setError(errorMessage(err));
    }
  }

  // Reading the open ticket keeps it "read" for this user; calls are batched (one per 300 ms).
  let readTimer: ReturnType<typeof setTimeout> | null = null;
  function markRead(): void {
    if (readTimer) return;
    readTimer = setTimeout(() => {
      readTimer = null;
      if (!disposed) void api.tickets.markRead.mutate({ projectPath, iid }).catch(() => undefined);
    }, 300);
  }

  /** Another ticket was merged into this one: read it again (its notes moved in). */
  async function reload(): Promise<void> {
    const fresh = await api.tickets.get.query({ projectPath, iid }).catch(() => null);
    const current = ticket();
    // Events that arrived meanwhile stay: the fresh copy only adds what it has.
    if (fresh && !disposed) setTicket(current ? mergeTicket(current, fresh) : fresh);
  }

  async function refreshParticipants(): Promise<void> {
    const fresh = await api.tickets.get.query({ projectPath, iid }).catch(() => null);
    const current = ticket();
    if (fresh && current && !disposed) setTicket({ ...current, participants: fresh.participants });
  }

  void load();
  onCleanup(() => {
    disposed = true;
    stopFollowing?.();
  });

  /** Shows a mutation's answer at once instead of waiting for its event. */
  function applyAnswer(fresh: TicketDetail): void {
    const current = ticket();
    setTicket(current ? mergeTicket(current, fresh) : fresh);
  }

  function addNote(note: NoteView): void {
    const current = ticket();
    if (!current || current.notes.some((n) => n.id === note.id)) return;
    setTicket({ ...current, notes: [...current.notes, note].sort(byTime) });
  }

  return { ticket, hidden, error, applyAnswer, addNote, savedRepliesVersion };
}
