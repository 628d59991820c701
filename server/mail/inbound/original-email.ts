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

/** A read's result, and whether it is the text-only stand-in for HTML the worker could not sanitise in time. */
interface Read {
  email: OriginalEmail;
  degraded: boolean;
}

/** What a read holds in memory, in bytes: every string of it (UTF-16), whatever the headers hold. */
function weigh({ email: m }: Read): number {
  const strings = [m.from, m.subject, m.date, m.html, m.text, ...m.to, ...m.cc];
  return 2 * strings.reduce((n, s) => n + (s?.length ?? 0), 0);
}

/**
 * A minute, at most 64 MB of strings (a few of the largest mails) in at most 500 entries of at
 * least 4 KB each: enough for the frame that follows the query, and for opening the same original
 * again soon. A degraded read is not kept: the next request tries the sanitiser again.
 */
const recent = createRecentReads<Read>({ ttlMs: 60_000, maxWeight: 64_000_000, minWeight: 4096, maxEntries: 500, weigh, keep: (r) => !r.degraded });

export async function originalEmail(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { iid: number; noteId?: number | undefined; allowRemoteImages: boolean },
  blobs: RawBlobs,
): Promise<OriginalEmail> {
  const sha256 = await originalEmailKey(dc, pa, input);
  // The same message gives the same view to everyone allowed to see it (checked just above).
  const read = await recent.get(`${sha256} ${input.allowRemoteImages ? 'remote' : 'blocked'}`, () => readOriginal(dc, sha256, input.allowRemoteImages, blobs));
  return read.email;
}

async function readOriginal(dc: DomainCtx, sha256: string, allowRemoteImages: boolean, blobs: RawBlobs): Promise<Read> {
  const raw = await originalEmailBytes(dc, sha256, blobs);
  // parsed in a render worker: a message of many megabytes must not hold up the server while it is read
  const m = await parseForView(raw);
  const sanitized = m.html ? await originalEmailHtml(m.html, allowRemoteImages) : null;
  // HTML the worker could not sanitise in time is shown as its text instead.
  const text = m.text?.trim() ? m.text : m.html && !sanitized ? htmlToPlainText(m.html.slice(0, MAX_MARKDOWN_CHARS * 4)) : m.text;
  const email = {
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: m.date,
    html: sanitized?.html ?? null,
    text,
    remoteImages: sanitized?.remoteImages ?? 0,
  };
  return { email, degraded: !!m.html && !sanitized };
}
