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
 * The raw bytes of the email a ticket (or, with `noteId`, one of its non-internal notes) came
 * from; "email not found" when it did not come from one the caller may see.
 */
export async function originalEmailSource(dc: DomainCtx, pa: ProjectAccess, input: { iid: number; noteId?: number | undefined }, blobs: RawBlobs): Promise<Buffer> {
  const ticket = await visibleTicket(dc, pa, input.iid);
  let emailId: number | null = ticket.emailId;
  if (input.noteId !== undefined) {
    const note = await dc.db.select().from(notes).where(eq(notes.id, input.noteId)).get();
    if (!note || note.ticketId !== ticket.id || note.internal) throw new AppError('EMAIL_NOT_FOUND');
    emailId = note.emailId;
  }
  const row = emailId === null ? undefined : await getInbound(dc.db, emailId);
  const raw = row ? await rawOf(dc.db, row.sha256, blobs) : undefined;
  if (!row || !raw) throw new AppError('EMAIL_NOT_FOUND');
  return raw;
}
