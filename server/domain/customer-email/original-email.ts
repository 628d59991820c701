/**
 * "View original email" (SPEC §8), the domain's part: which stored message a ticket or one of
 * its notes came from, for whom. Parsing and sanitising it is the mail code's
 * (`server/mail/inbound/original-email.ts`).
 */
import { eq } from 'drizzle-orm';
import { notes } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { getInbound, rawOf, type RawBlobs } from '../mail-log/inbound-log';
import { visibleTicket } from '../tickets/ticket-lookup';

/**
 * Which stored email a ticket (or, with `noteId`, one of its non-internal notes) came from: the
 * raw message's sha256, for `originalEmailBytes`. "Email not found" when it did not come from one
 * the caller may see.
 */
export async function originalEmailKey(dc: DomainCtx, pa: ProjectAccess, input: { iid: number; noteId?: number | undefined }): Promise<string> {
  const ticket = await visibleTicket(dc, pa, input.iid);
  let emailId: number | null = ticket.emailId;
  if (input.noteId !== undefined) {
    const note = await dc.db.select().from(notes).where(eq(notes.id, input.noteId)).get();
    if (!note || note.ticketId !== ticket.id || note.internal) throw new AppError('EMAIL_NOT_FOUND');
    emailId = note.emailId;
  }
  const row = emailId === null ? undefined : await getInbound(dc.db, emailId);
  if (!row) throw new AppError('EMAIL_NOT_FOUND');
  return row.sha256;
}

/** The raw bytes of a stored email that `originalEmailKey` found. */
export async function originalEmailBytes(dc: DomainCtx, sha256: string, blobs: RawBlobs): Promise<Buffer> {
  const raw = await rawOf(dc.db, sha256, blobs);
  if (!raw) throw new AppError('EMAIL_NOT_FOUND');
  return raw;
}
