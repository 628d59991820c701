/** Note rows: writing one inside a transaction, and reading the newest. Posting from the composer is `post-note.ts`. */
import { and, desc, eq, sql } from 'drizzle-orm';
import { notes, tickets } from '../../../db/schema';
import { CAN } from '../../../shared/roles';
import type { NoteView } from '../../../shared/views';
import type { Q, Tx } from '../../../db/client';
import type { Emit } from '../core/context';
import { noteViews, summarizeOne, type TicketRow } from '../tickets/ticket-views';
import { ticketMinAccess } from '../tickets/ticket-lookup';
import { plainTextHtml } from '../../render/plain-html';
import { previewText } from './preview';

export interface NewNote {
  authorId: number | null;
  externalAuthor?: string | null;
  /** the sender's display name from their email */
  externalAuthorName?: string | null;
  /** Cc addresses of the email not made participants */
  ccNotAdded?: string[] | null;
  body: string;
  /** `body` rendered (in the render worker) before the transaction; plain text when absent */
  bodyHtml?: string;
  internal: boolean;
  system: boolean;
  /** the inbound message the note came from */
  emailId?: number | null;
  /** arrived from an address that is not a participant, threaded only by a customer's Message-ID */
  fromNewSender?: boolean;
}

/**
 * What a note changes in its ticket's row besides activity: a public message becomes the queue's
 * preview; a customer's starts their wait (SPEC: waiting since the customer's last message
 * without our public reply), ours ends it and the first one is the first response.
 */
function conversationColumns(note: NewNote, at: number) {
  if (note.system || note.internal) return {};
  const preview = previewText(note.body);
  // Mail from someone who is not a participant (threaded only by a Message-ID) waits for a
  // responder to add them; it does not start the customer's wait.
  if (note.externalAuthor) return note.fromNewSender ? { preview } : { preview, waitingSince: at };
  return { preview, waitingSince: null, firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, ${at})` };
}

/** Inserts a note, bumps the ticket's activity and emits `note.created`. Runs inside `write`. */
export async function insertNote(tx: Tx, emit: Emit, ticket: TicketRow, note: NewNote, at: number): Promise<NoteView> {
  // the note and the ticket's counters are independent: sent together (one round trip on PostgreSQL)
  const inserted = tx
    .insert(notes)
    .values({
      ticketId: ticket.id,
      authorId: note.authorId,
      externalAuthor: note.externalAuthor ?? null,
      externalAuthorName: note.externalAuthorName ?? null,
      ccNotAdded: note.ccNotAdded ?? null,
      body: note.body,
      bodyHtml: note.system ? '' : (note.bodyHtml ?? plainTextHtml(note.body)),
      internal: note.internal,
      system: note.system,
      createdAt: at,
      emailId: note.emailId ?? null,
      fromNewSender: note.fromNewSender ?? false,
    })
    .returning()
    .get();
  const counted = !note.system && !note.internal;
  const updating = tx
    .update(tickets)
    .set({
      lastActivityAt: at,
      updatedAt: at,
      noteCount: counted ? sql`${tickets.noteCount} + 1` : tickets.noteCount,
      ...conversationColumns(note, at),
    })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
  const [row, updated] = await Promise.all([inserted, updating]);
  const [views, summary] = await Promise.all([noteViews(tx, [row]), summarizeOne(tx, updated)]);
  const view = views[0] as NoteView;
  emit({
    projectId: ticket.projectId,
    ticketId: ticket.id,
    minAccess: Math.max(ticketMinAccess(updated), note.internal ? CAN.respond : 0),
    event: { type: 'note.created', ticket: summary, note: view },
  });
  return view;
}

/** The newest public conversation note (customer or responder reply) of a ticket, 0 if none. */
export async function latestPublicNoteId(q: Q, ticketId: number): Promise<number> {
  const row = await q
    .select({ id: sql<number | null>`max(${notes.id})` })
    .from(notes)
    .where(and(eq(notes.ticketId, ticketId), eq(notes.internal, false), eq(notes.system, false)))
    .get();
  return row?.id ?? 0;
}

/** The ticket's newest note of any kind, or null when it has none. */
export async function latestNote(q: Q, ticketId: number): Promise<NoteView | null> {
  const last = await q.select().from(notes).where(eq(notes.ticketId, ticketId)).orderBy(desc(notes.id)).limit(1).get();
  return last ? ((await noteViews(q, [last]))[0] ?? null) : null;
}
