/**
 * "View original email" (SPEC §8): the message as the customer sent it, sanitised — no script,
 * no styles, no forms, no active content — with remote images blocked until the responder allows
 * them (they leak that, when and where the mail was read).
 */
import { eq } from 'drizzle-orm';
import { notes } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { parseEmail } from '../../mail/inbound/parse';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { getInbound, rawOf } from '../mail-log/inbound-log';
import { originalEmailHtml } from '../../render';
import { htmlToPlainText } from '../../render/plain-html';
import { MAX_MARKDOWN_CHARS } from '../../render/limits';
import { visibleTicket } from '../tickets/ticket-lookup';

export interface OriginalEmail {
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  date: string | null;
  html: string | null;
  text: string | null;
  remoteImages: number;
}

export async function originalEmail(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { iid: number; noteId?: number | undefined; allowRemoteImages: boolean },
): Promise<OriginalEmail> {
  const ticket = await visibleTicket(dc, pa, input.iid);
  let emailId: number | null = ticket.emailId;
  if (input.noteId !== undefined) {
    const note = await dc.db.select().from(notes).where(eq(notes.id, input.noteId)).get();
    if (!note || note.ticketId !== ticket.id || note.internal) throw new AppError('EMAIL_NOT_FOUND');
    emailId = note.emailId;
  }
  const row = emailId === null ? undefined : await getInbound(dc.db, emailId);
  const raw = row ? await rawOf(dc.db, row.sha256) : undefined;
  if (!row || !raw) throw new AppError('EMAIL_NOT_FOUND');
  const m = await parseEmail(raw);
  const sanitized = m.html ? await originalEmailHtml(m.html, input.allowRemoteImages) : null;
  // HTML the worker could not sanitise in time is shown as its text instead.
  const text = m.text?.trim() ? m.text : m.html && !sanitized ? htmlToPlainText(m.html.slice(0, MAX_MARKDOWN_CHARS * 4)) : m.text;
  return {
    from: m.from?.address ?? null,
    to: m.to.map((a) => a.address),
    cc: m.cc.map((a) => a.address),
    subject: m.subject,
    date: m.headers.get('date')?.[0] ?? null,
    html: sanitized?.html ?? null,
    text,
    remoteImages: sanitized?.remoteImages ?? 0,
  };
}

