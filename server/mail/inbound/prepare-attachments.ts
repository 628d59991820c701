/**
 * Stores a message's attachments (files are content-addressed, so a retry writes nothing new)
 * and works out how each is linked: images as `![name](url)`, others as `[name](url)`, inline
 * `cid:` images rewritten in the HTML. Signatures of multipart/signed are dropped.
 */
import { createHash, randomBytes } from 'node:crypto';
import { attachmentMarkdown, attachmentUrl } from '../../../shared/attachment-markdown';
import type { AttachmentStore } from '../../files/attachment-store';
import { truncate } from '../../render/bound-text';
import { MAX_MARKDOWN_CHARS, TRUNCATED_EMAIL_MARKER } from '../../render/limits';
import { findForwarded, subjectOf } from './forwarded';
import { isPgpEncrypted } from './opaque-body';
import type { ParsedEmail } from './parse';

export interface PreparedAttachment {
  token: string;
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  cid: string | null;
  url: string;
}

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);

function safeFilename(name: string | undefined, fallback: string): string {
  const cleaned = (name ?? '').replace(/[\\/\x00-\x1f\x7f]/g, '_').replace(/^\.+/, '').trim().slice(0, 200);
  return cleaned || fallback;
}

/** Extensions for unnamed parts whose subtype is not one (text/calendar → .ics, not .calendar). */
const EXTENSIONS: Record<string, string> = {
  'text/calendar': 'ics',
  'application/ics': 'ics',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/rfc822-headers': 'txt',
  'message/delivery-status': 'txt',
  'application/ms-tnef': 'dat',
  'application/vnd.ms-tnef': 'dat',
  'application/octet-stream': 'bin',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/pkcs7-mime': 'p7m',
  'application/x-pkcs7-mime': 'p7m',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

function extensionFor(contentType: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (EXTENSIONS[type]) return EXTENSIONS[type];
  const sub = type.split('/')[1]?.split(/[;+]/)[0] ?? 'bin';
  return sub === 'jpeg' ? 'jpg' : sub.replace(/[^a-z0-9]/gi, '') || 'bin';
}

/** The "Version: 1" control part of PGP/MIME encryption (RFC 3156): not a file anyone wants. */
function isPgpControlPart(a: { contentType: string; content: Buffer }): boolean {
  return a.contentType.toLowerCase() === 'application/pgp-encrypted' && a.content.length <= 64 && /^\s*Version:\s*1\s*$/i.test(a.content.toString('latin1'));
}

export async function prepareAttachments(m: ParsedEmail, raw: Buffer, store: AttachmentStore): Promise<PreparedAttachment[]> {
  const out: PreparedAttachment[] = [];
  const add = async (content: Buffer, filename: string, contentType: string, cid: string | null) => {
    const token = randomBytes(16).toString('hex');
    out.push({
      token,
      sha256: await store.put(content),
      filename,
      contentType,
      size: content.length,
      cid,
      url: attachmentUrl(token, filename),
    });
  };
  let n = 0;
  const pgp = isPgpEncrypted(m.contentType);
  for (const a of m.attachments) {
    if (SIGNATURE_TYPES.has(a.contentType.toLowerCase()) || isPgpControlPart(a)) continue;
    n++;
    // A message attached without a name (SpamAssassin's report, Outlook's "attach item") is
    // named after its subject, as an .eml any mail client opens; a meeting request's unnamed
    // text/calendar part is the invitation calendars import.
    const type = a.contentType.toLowerCase();
    const fallback =
      type === 'message/rfc822'
        ? forwardedName(subjectOf(a.content))
        : type === 'text/calendar'
          ? 'invite.ics'
          : // PGP/MIME's encrypted content: ASCII armour, which a customer's or a responder's OpenPGP tool opens
            pgp && type === 'application/octet-stream'
            ? 'encrypted.asc'
            : `attachment-${n}.${extensionFor(a.contentType)}`;
    await add(a.content, safeFilename(a.filename, fallback), a.contentType.toLowerCase(), a.cid ? a.cid.replace(/^<|>$/g, '') : null);
  }
  // mailparser keeps rfc822 parts sent as attachments; ones it dissolved are added here.
  const kept = new Set(out.map((a) => a.sha256));
  for (const f of findForwarded(raw)) {
    if (kept.has(createHash('sha256').update(f.raw).digest('hex'))) continue;
    await add(f.raw, forwardedName(f.subject), 'message/rfc822', null);
  }
  return out;
}

function forwardedName(subject: string): string {
  return safeFilename(`${subject.replace(/[^\p{L}\p{N} ._-]/gu, '').trim().slice(0, 80) || 'forwarded'}.eml`, 'forwarded.eml');
}

export function isImage(a: PreparedAttachment): boolean {
  return a.contentType.startsWith('image/');
}

export function markdownLink(a: PreparedAttachment): string {
  return attachmentMarkdown(a.filename, a.url, isImage(a));
}

/**
 * At most this many `cid:` references are pointed at files (one per inline image is what mail
 * has): a body of 15,000 placeholders cannot grow into 15,000 links.
 */
export const MAX_CID_REWRITES = 1000;

/** The attachments by lowercased cid (the first of a repeated cid wins), built once per message. */
function byCid(list: PreparedAttachment[]): Map<string, PreparedAttachment> {
  const map = new Map<string, PreparedAttachment>();
  for (const a of list) if (a.cid && !map.has(a.cid.toLowerCase())) map.set(a.cid.toLowerCase(), a);
  return map;
}

/** Points `cid:` references in HTML at the stored files; returns the HTML and the cids used. */
export function rewriteCids(html: string, list: PreparedAttachment[]): { html: string; used: Set<string> } {
  const used = new Set<string>();
  const cids = byCid(list);
  if (cids.size === 0) return { html, used };
  let rewrites = 0;
  const rewritten = html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, q: string, cid: string) => {
    const a = rewrites < MAX_CID_REWRITES ? cids.get(cid.toLowerCase()) : undefined;
    if (!a) return match;
    rewrites++;
    used.add(a.token);
    return `${q}${a.url}`;
  });
  return { html: rewritten, used };
}

/**
 * Outlook's text/plain part marks an inline image as `[cid:image001.png@01D…]` where the HTML part
 * shows it: the placeholder becomes the image itself (as the HTML would have), and the image is
 * not linked a second time below the text. Placeholders naming no attachment (or past
 * MAX_CID_REWRITES) stay as they are, and the result is cut to MAX_MARKDOWN_CHARS again.
 */
export function rewriteTextCids(markdown: string, list: PreparedAttachment[]): { markdown: string; used: Set<string> } {
  const used = new Set<string>();
  if (!markdown.includes('[cid:')) return { markdown, used };
  const cids = byCid(list);
  if (cids.size === 0) return { markdown, used };
  let rewrites = 0;
  let growth = 0;
  // no "[" inside a cid: a run of "[cid:[cid:…" is scanned once, not 998 characters per "["
  const rewritten = markdown.replace(/\[cid:([^[\]\s]{1,998})\]/gi, (match, cid: string, at: number) => {
    const a = rewrites < MAX_CID_REWRITES ? cids.get(cid.toLowerCase()) : undefined;
    if (!a) return match;
    const link = markdownLink(a);
    // an image whose link the cut below would drop stays a placeholder, and is linked below the text
    if (at + growth + link.length > MAX_MARKDOWN_CHARS) return match;
    rewrites++;
    growth += link.length - match.length;
    used.add(a.token);
    return link;
  });
  return { markdown: rewrites ? truncate(rewritten, MAX_MARKDOWN_CHARS, TRUNCATED_EMAIL_MARKER).text : rewritten, used };
}
