/**
 * "View original email" (SPEC §8): the message as the customer sent it, sanitised — no script,
 * no styles, no forms, no active content — with remote images blocked until the responder allows
 * them (they leak that, when and where the mail was read).
 */
import { eq } from 'drizzle-orm';
import sanitizeHtml from 'sanitize-html';
import { notes } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { parseEmail } from '../mail/inbound/parse';
import type { ProjectAccess } from './access';
import type { DomainCtx } from './context';
import { getInbound, rawOf } from './inbound-log';
import { visibleTicket } from './tickets';

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

const BLOCKED_IMAGE = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2224%22 height=%2224%22/%3E';

export function sanitizeEmailHtml(html: string, allowRemoteImages: boolean): { html: string; remoteImages: number } {
  let remoteImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'font', 'center', 'span', 'del', 'ins', 'sub', 'sup']),
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing'],
      font: ['color'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (/^https?:/i.test(src)) {
          remoteImages++;
          if (!allowRemoteImages) return { tagName, attribs: { ...attribs, src: BLOCKED_IMAGE, title: `Blocked remote image: ${src}` } };
        }
        return { tagName, attribs };
      },
    },
  });
  return { html: clean, remoteImages };
}

export async function originalEmail(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { iid: number; noteId?: number | undefined; allowRemoteImages: boolean },
): Promise<OriginalEmail> {
  const ticket = visibleTicket(dc, pa, input.iid);
  let emailId: number | null = ticket.emailId;
  if (input.noteId !== undefined) {
    const note = dc.db.select().from(notes).where(eq(notes.id, input.noteId)).get();
    if (!note || note.ticketId !== ticket.id || note.internal) throw new AppError('EMAIL_NOT_FOUND');
    emailId = note.emailId;
  }
  const row = emailId === null ? undefined : getInbound(dc.db, emailId);
  const raw = row ? rawOf(dc.db, row.sha256) : undefined;
  if (!row || !raw) throw new AppError('EMAIL_NOT_FOUND');
  const m = await parseEmail(raw);
  const sanitized = m.html ? sanitizeEmailHtml(m.html, input.allowRemoteImages) : null;
  return {
    from: m.from?.address ?? null,
    to: m.to.map((a) => a.address),
    cc: m.cc.map((a) => a.address),
    subject: m.subject,
    date: m.headers.get('date')?.[0] ?? null,
    html: sanitized?.html ?? null,
    text: m.text,
    remoteImages: sanitized?.remoteImages ?? 0,
  };
}

