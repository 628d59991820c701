import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import { notes, tickets } from '../../../db/schema';
import { CAN } from '../../../shared/roles';
import type { NoteView } from '../../../shared/views';
import type { Q, Tx } from '../../../db/client';
import type { ProjectAccess } from '../accounts/access';
import { write, type DomainCtx, type Emit } from '../core/context';
import { noteViews, summarizeOne, type TicketRow } from '../tickets/ticket-views';
import { ticketMinAccess, visibleTicket } from '../tickets/tickets';
import type { UserRow } from '../accounts/users';
import { sendNewNote } from '../customer-email/notifications';
import { settingsFor } from '../customer-email/email-tickets';
import { extractQuickActions } from './quick-actions';
import { applyQuickActions } from './apply-quick-actions';
import { claimUploads } from './uploads';
import { markdownToHtml } from '../../render';
import { plainTextHtml } from '../../render/plain-html';

export interface NewNote {
  authorId: number | null;
  externalAuthor?: string | null;
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

/** Inserts a note, bumps the ticket's activity and emits `note.created`. Runs inside `write`. */
export async function insertNote(tx: Tx, emit: Emit, ticket: TicketRow, note: NewNote, at: number): Promise<NoteView> {
  const row = await tx
    .insert(notes)
    .values({
      ticketId: ticket.id,
      authorId: note.authorId,
      externalAuthor: note.externalAuthor ?? null,
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
  const updated = await tx
    .update(tickets)
    .set({
      lastActivityAt: at,
      updatedAt: at,
      noteCount: counted ? sql`${tickets.noteCount} + 1` : tickets.noteCount,
    })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
  const view = (await noteViews(tx, [row]))[0] as NoteView;
  emit({
    projectId: ticket.projectId,
    ticketId: ticket.id,
    minAccess: Math.max(ticketMinAccess(updated), note.internal ? CAN.respond : 0),
    event: { type: 'note.created', ticket: await summarizeOne(tx, updated), note: view },
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

export async function createNote(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: { iid: number; body: string; internal: boolean; seenNoteId?: number | undefined },
): Promise<NoteView> {
  await visibleTicket(dc, pa, input.iid);
  const { body, actions, errors } = extractQuickActions(input.body);
  if (errors.length) throw new AppError('QUICK_ACTION_FAILED', errors.join(' '));
  if (actions.length && !body) {
    // Only commands: nothing to post, every effect shows as its own system note.
    const last = await applyQuickActions(dc, pa, actor, input.iid, actions);
    if (!last) throw new AppError('TICKET_NOT_FOUND');
    return last;
  }
  // Rendered before the write, off the main thread; the ticket is read again after the wait.
  const bodyHtml = await markdownToHtml(body);
  const note = await postNote(dc, pa, actor, await visibleTicket(dc, pa, input.iid), { ...input, body, bodyHtml });
  if (actions.length) await applyQuickActions(dc, pa, actor, input.iid, actions);
  return note;
}

async function postNote(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  ticket: TicketRow,
  input: { body: string; bodyHtml: string; internal: boolean; seenNoteId?: number | undefined },
): Promise<NoteView> {
  return write(dc, async (tx, emit, at) => {
    // Checked inside the write lock: of two racing replies, the second is always refused.
    if (!input.internal && input.seenNoteId !== undefined && (await latestPublicNoteId(tx, ticket.id)) > input.seenNoteId) {
      throw new AppError('REPLY_COLLISION');
    }
    const note = await insertNote(tx, emit, ticket, { authorId: actor.id, body: input.body, bodyHtml: input.bodyHtml, internal: input.internal, system: false }, at);
    const files = await claimUploads(tx, ticket.id, note.id, input.body);
    // Internal notes never leave the building; public replies go to every subscribed participant.
    if (!input.internal) {
      const n = { ticket, project: pa.project, settings: await settingsFor(tx, pa.project.id), body: input.body, authorName: actor.name, externalAuthor: null, attachments: files };
      await sendNewNote(tx, dc.mail, n, at);
    }
    return note;
  });
}
