/**
 * "View original email" (SPEC §8): the message as the customer sent it, sanitised — no script,
 * no styles, no forms, no active content — with remote images blocked until the responder allows
 * them (they leak that, when and where the mail was read). The domain finds the stored message
 * and checks who may see it; reading it is mail parsing, so it happens here.
 */
import type { ProjectAccess } from '../../domain/accounts/access';
import type { DomainCtx } from '../../domain/core/context';
import { originalEmailSource } from '../../domain/customer-email/original-email';
import type { RawBlobs } from '../../domain/mail-log/inbound-log';
import { originalEmailHtml, parseForView } from '../../render';
import { MAX_MARKDOWN_CHARS } from '../../render/limits';
import { htmlToPlainText } from '../../render/plain-html';

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
  blobs: RawBlobs,
): Promise<OriginalEmail> {
  const raw = await originalEmailSource(dc, pa, input, blobs);
  // parsed in a render worker: a message of many megabytes must not hold up the server while it is read
  const m = await parseForView(raw);
  const sanitized = m.html ? await originalEmailHtml(m.html, input.allowRemoteImages) : null;
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
