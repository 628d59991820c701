/**
 * "View original email" (SPEC §8): the message as the customer sent it, sanitised — no script,
 * no styles, no forms, no active content — with remote images blocked until the responder allows
 * them (they leak that, when and where the mail was read). The domain finds the stored message
 * and checks who may see it, on every request; reading it is mail parsing, so it happens here,
 * once for the query and the framed document that follows it (recent-reads.ts).
 */
import type { ProjectAccess } from '../../domain/accounts/access';
import type { DomainCtx } from '../../domain/core/context';
import { originalEmailBytes, originalEmailKey } from '../../domain/customer-email/original-email';
import type { RawBlobs } from '../../domain/mail-log/inbound-log';
import { originalEmailHtml, parseForView } from '../../render';
import { MAX_MARKDOWN_CHARS } from '../../render/limits';
import { htmlToPlainText } from '../../render/plain-html';
import { createRecentReads } from './recent-reads';

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

/**
 * A minute, and at most ~32 M characters of text (a few of the largest mails): enough for the frame
 * that follows the query, and for opening the same original again soon.
 */
const recent = createRecentReads<OriginalEmail>({ ttlMs: 60_000, maxWeight: 32_000_000, weigh: (m) => (m.html?.length ?? 0) + (m.text?.length ?? 0) });

export async function originalEmail(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { iid: number; noteId?: number | undefined; allowRemoteImages: boolean },
  blobs: RawBlobs,
): Promise<OriginalEmail> {
  const sha256 = await originalEmailKey(dc, pa, input);
  // The same message gives the same view to everyone allowed to see it (checked just above).
  return recent.get(`${sha256} ${input.allowRemoteImages ? 'remote' : 'blocked'}`, () => readOriginal(dc, sha256, input.allowRemoteImages, blobs));
}

async function readOriginal(dc: DomainCtx, sha256: string, allowRemoteImages: boolean, blobs: RawBlobs): Promise<OriginalEmail> {
  const raw = await originalEmailBytes(dc, sha256, blobs);
  // parsed in a render worker: a message of many megabytes must not hold up the server while it is read
  const m = await parseForView(raw);
  const sanitized = m.html ? await originalEmailHtml(m.html, allowRemoteImages) : null;
  // HTML the worker could not sanitise in time is shown as its text instead.
  const text = m.text?.trim() ? m.text : m.html && !sanitized ? htmlToPlainText(m.html.slice(0, MAX_MARKDOWN_CHARS * 4)) : m.text;
  return {
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: m.date,
    html: sanitized?.html ?? null,
    text,
    remoteImages: sanitized?.remoteImages ?? 0,
  };
}
