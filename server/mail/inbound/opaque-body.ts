/**
 * Mail whose whole content sits in an attachment we cannot show: Outlook's rich text as TNEF
 * (`winmail.dat`, application/ms-tnef), S/MIME in one opaque part (`smime.p7m`: encrypted, or a
 * signature wrapping the text that cannot be read — a readable one is opened by parse.ts, see
 * smime-signed.ts; `multipart/signed` keeps its text and is not this) and
 * PGP/MIME encryption (`multipart/encrypted`).
 * The ticket would have an empty body: the agent gets a short line saying where the content is
 * instead, and the attachment stays. (A TNEF stream that can be read is opened up before this,
 * see tnef/unpack.ts: the line is for one that cannot.)
 */
import type { ParsedAttachment } from './parse';
import { isTnef } from './tnef/unpack';
const SMIME = /^application\/(?:x-)?pkcs7-mime$/i;

/** The message's own type is PGP/MIME encryption (multipart/encrypted of application/pgp-encrypted). */
export function isPgpEncrypted(contentType: string): boolean {
  return /^multipart\/encrypted\s*(?:;|$)/i.test(contentType.trim()) && /protocol\s*=\s*"?application\/pgp-encrypted/i.test(contentType);
}

/** The attachment's name as it may be shown in Markdown: plain characters, else the usual name. */
function shownName(filename: string | undefined, usual: string): string {
  const name = (filename ?? '').replace(/[^\p{L}\p{N} ._()-]/gu, '').trim().slice(0, 80);
  return name || usual;
}

/**
 * The line that takes the place of an empty body, or null when the message is no such mail.
 * `contentType`: the message's own (top-level) Content-Type. S/MIME is the message itself when
 * that is application/pkcs7-mime, or when its only part is `smime.p7m`; a signed document
 * attached to a plain mail (an Italian e-invoice `IT…_FPR17.xml.p7m`) is just an attachment.
 */
export function opaqueBodyNote(attachments: ParsedAttachment[], contentType: string): string | null {
  for (const a of attachments) {
    if (isTnef(a)) {
      return `*[This email's content is in the attached ${shownName(a.filename, 'winmail.dat')} (Outlook rich text), which can't be shown here.]*`;
    }
  }
  // PGP/MIME (RFC 3156): multipart/encrypted, its content one application/octet-stream part
  // (prepare-attachments names it encrypted.asc); the customer's key opens it, not us
  if (isPgpEncrypted(contentType)) {
    return '*[This email is encrypted with OpenPGP: its content is in the attached encrypted.asc, which can\'t be shown here. Ask the customer to write again without encryption.]*';
  }
  const only = attachments.length === 1 ? attachments[0] : undefined;
  const smime = attachments.find((a) => SMIME.test(a.contentType) || /\.p7m$/i.test(a.filename ?? ''));
  if (smime && (SMIME.test(contentType.split(';')[0]?.trim() ?? '') || (only === smime && /^smime\.p7m$/i.test(smime.filename ?? '')))) {
    return `*[This email is encrypted or signed with S/MIME: its content is in the attached ${shownName(smime.filename, 'smime.p7m')}, which can't be shown here.]*`;
  }
  return null;
}
