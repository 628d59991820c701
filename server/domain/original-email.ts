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
import { safeUrl, urlScheme, withUrl } from './safe-url';
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

/** A transparent GIF in place of a blocked remote image, so no SVG data URL has to be allowed. */
const BLOCKED_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** Raster types only: an SVG image can carry script and links of its own. */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp)(?:;[a-z0-9=._+-]*)*,/i;

type ImageSource = { kind: 'remote' | 'inline'; url: string } | null;

/** Where an image of the email comes from: a remote server, the message itself, or nowhere we allow. */
function imageSource(src: string): ImageSource {
  const url = safeUrl(src, ['http', 'https', 'data', 'cid'], { relative: false });
  if (url === null) return null;
  const scheme = urlScheme(url);
  if (scheme === 'http' || scheme === 'https') return { kind: 'remote', url };
  if (scheme === 'data') return DATA_IMAGE.test(url) ? { kind: 'inline', url } : null;
  return { kind: 'inline', url };
}

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
      a: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'href', safeUrl(attribs.href ?? '', ['http', 'https', 'mailto'], { relative: true })) }),
      img: (tagName, attribs) => {
        const source = imageSource(attribs.src ?? '');
        if (source?.kind === 'remote') {
          remoteImages++;
          if (!allowRemoteImages) return { tagName, attribs: { ...attribs, src: BLOCKED_IMAGE, title: `Blocked remote image: ${source.url}` } };
        }
        return { tagName, attribs: withUrl(attribs, 'src', source?.url ?? null) };
      },
    },
    // An image whose address was refused is dropped, not shown broken.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
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

