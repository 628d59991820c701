/**
 * Posting from the composer (`notes.create`): the note, the quick actions typed into it and the
 * customer email they cause, composed in one write transaction — all of it commits, or none.
 * This module sits above the layers it composes (note rows, ticket changes, participants,
 * notifications); none of them imports it.
 */
import { AppError } from '../../../shared/errors';
import type { NoteView } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx } from '../core/context';
import { settingsFor } from '../customer-email/email-tickets';
import { sendNewNote } from '../customer-email/notifications';
import { findTicket, refuseMerged, ticketMinAccess, visibleTicket } from '../tickets/ticket-lookup';
import { markdownToHtml } from '../../render';
import { applyQuickActionsTx, planQuickActions } from './apply-quick-actions';
import { insertNote, latestNote, latestPublicNoteId } from './notes';
import { extractQuickActions, type QuickAction } from './quick-actions';
import { claimUploads } from './uploads';
import { macroQuickActions } from './saved-replies';

/**
 * The customer's copy of a public reply ends with the responder's signature (My profile), after
 * the usual `-- ` delimiter so mail clients and our own reply trimming know it for one. The note
 * in the thread stays as written.
 */
export function withSignature(body: string, signature: string): string {
  const sig = signature.trim();
  return sig ? `${body}\n\n-- \n${sig}` : body;
}

export async function createNote(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: { iid: number; body: string; internal: boolean; seenNoteId?: number | undefined; macroId?: number | undefined },
): Promise<NoteView> {
  refuseMerged(await visibleTicket(dc, pa, input.iid));
  const { body, actions, errors } = extractQuickActions(input.body);
  if (errors.length) throw new AppError('QUICK_ACTION_FAILED', errors.join(' '));
  // A macro's actions come after those typed, and are checked and applied with them.
  const macro = input.macroId === undefined ? [] : await macroQuickActions(dc.db, pa, actor, input.macroId);
  return postNote(dc, pa, actor, { iid: input.iid, body, internal: input.internal, seenNoteId: input.seenNoteId, actions: [...actions, ...macro] });
}

/**
 * A note and quick actions, in one transaction: the note first (its email goes to the
 * participants it had), then each action in order. With actions and no text there is nothing
 * to post: every effect shows as its own system note, and the newest note is returned.
 */
export async function postNote(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: { iid: number; body: string; internal: boolean; seenNoteId?: number | undefined; actions: QuickAction[] },
): Promise<NoteView> {
  const plan = await planQuickActions(dc, pa, input.iid, input.actions);
  const withNote = !(input.actions.length && !input.body);
  // Rendered before the write, off the main thread; the ticket is read again after the wait.
  const bodyHtml = withNote ? await markdownToHtml(input.body) : '';
  await visibleTicket(dc, pa, input.iid);
  return write(dc, async (tx, emit, at) => {
    // Read again under the write lock: the customer email is built from the ticket as it is now
    // (a ticket made confidential meanwhile must not send its link).
    const ticket = await findTicket(tx, pa.project.id, input.iid);
    if (!ticket || pa.access < ticketMinAccess(ticket)) throw new AppError('TICKET_NOT_FOUND');
    // Merged meanwhile: its conversation goes on in the other ticket.
    refuseMerged(ticket);
    let note: NoteView | null = null;
    if (withNote) {
      // Checked inside the write lock: of two racing replies, the second is always refused.
      if (!input.internal && input.seenNoteId !== undefined && (await latestPublicNoteId(tx, ticket.id)) > input.seenNoteId) {
        throw new AppError('REPLY_COLLISION');
      }
      note = await insertNote(tx, emit, ticket, { authorId: actor.id, body: input.body, bodyHtml, internal: input.internal, system: false }, at);
      const files = await claimUploads(tx, ticket.id, note.id, input.body);
      // Internal notes never leave the building; public replies go to every subscribed participant.
      if (!input.internal) {
        const n = { ticket, project: pa.project, settings: await settingsFor(tx, pa.project.id), body: withSignature(input.body, actor.signature), authorName: actor.name, externalAuthor: null, attachments: files };
        await sendNewNote(tx, dc.mail, n, at);
      }
    }
    await applyQuickActionsTx(tx, emit, dc.mail, pa, actor, plan, at);
    const result = note ?? (await latestNote(tx, ticket.id));
    if (!result) throw new AppError('TICKET_NOT_FOUND');
    return result;
  });
}
