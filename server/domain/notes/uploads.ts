/**
 * Files a responder attaches in the composer. An upload is stored (content-addressed) and gets
 * an `attachments` row on its ticket with no note; the note whose body links it claims it when
 * posted, and a public reply sends it to the customer (SPEC §4).
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { attachments } from '../../../db/schema';
import { attachmentMarkdown, attachmentUrl } from '../../../shared/attachment-markdown';
import { AppError } from '../../../shared/errors';
import { CAN } from '../../../shared/roles';
import type { Tx } from '../../../db/client';
import type { AttachmentStore } from '../../files/attachment-store';
import { requireAccess, type ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { UPLOAD_LIMIT_BYTES } from '../../../shared/limits';
import type { MailAttachment } from '../customer-email/notifications';
import type { TicketRow } from '../tickets/ticket-views';
import { visibleTicket } from '../tickets/ticket-lookup';

export { UPLOAD_LIMIT_BYTES };

export interface UploadReply {
  token: string;
  filename: string;
  url: string;
  contentType: string;
  size: number;
  /** what the composer inserts: `![name](url)` for images shown inline, `[name](url)` otherwise */
  markdown: string;
}

/** Image types the thread shows inline (the download route serves only these as images). */
const IMAGE_MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** A name safe on any file system and in a Content-Disposition: no path, no control characters. */
export function safeUploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\x00-\x1f\x7f]/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 200);
  return cleaned || 'file';
}

/**
 * The browser's claimed type, normalised. A claimed inline image whose bytes say otherwise is
 * stored as a plain download, so the thread never shows a broken image.
 */
export function uploadContentType(claimed: string | undefined, content: Buffer): string {
  const type = (claimed ?? '').split(';')[0]!.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/.test(type)) return 'application/octet-stream';
  const magic = IMAGE_MAGIC[type];
  if (magic && !magic(content)) return 'application/octet-stream';
  return type;
}

/**
 * The ticket a caller may attach files to: one they can see (else "not found", so a guest
 * cannot probe for confidential tickets) and respond on. Checked before the body is read.
 */
export async function uploadTarget(dc: DomainCtx, pa: ProjectAccess, iid: number): Promise<TicketRow> {
  const ticket = await visibleTicket(dc, pa, iid);
  requireAccess(pa, CAN.respond);
  return ticket;
}

/** Stores the file and records it on the ticket, not yet claimed by a note. */
export async function storeUpload(
  dc: DomainCtx,
  store: AttachmentStore,
  ticket: TicketRow,
  input: { filename: string; contentType: string | undefined; content: Buffer },
): Promise<UploadReply> {
  if (input.content.length === 0) throw new AppError('INVALID_INPUT', 'The file is empty.');
  if (input.content.length > UPLOAD_LIMIT_BYTES) throw new AppError('FILE_TOO_LARGE', tooLargeMessage());
  const filename = safeUploadName(input.filename);
  const contentType = uploadContentType(input.contentType, input.content);
  const token = randomBytes(16).toString('hex');
  // Stored before the transaction: storing the file never holds the write lock.
  const sha256 = await store.put(input.content);
  const at = dc.now();
  await dc.db.write((tx) =>
    tx
      .insert(attachments)
      .values({ projectId: ticket.projectId, ticketId: ticket.id, noteId: null, token, sha256, filename, contentType, size: input.content.length, createdAt: at })
      .run(),
  );
  const url = attachmentUrl(token, filename);
  return { token, filename, url, contentType, size: input.content.length, markdown: attachmentMarkdown(filename, url, contentType in IMAGE_MAGIC) };
}

export function tooLargeMessage(): string {
  return `The file is too large: uploads are limited to ${UPLOAD_LIMIT_BYTES / (1024 * 1024)} MB each.`;
}

/**
 * Gives a new note the uploads of its ticket that its body links and no note has claimed yet.
 * Runs in the note's transaction; returns them for the customer email.
 */
export async function claimUploads(tx: Tx, ticketId: number, noteId: number, body: string): Promise<MailAttachment[]> {
  const tokens = [...new Set(Array.from(body.matchAll(/\/attachments\/([0-9a-f]{32})\b/g), (m) => m[1]!))].slice(0, 100);
  if (!tokens.length) return [];
  const claimed = await tx
    .update(attachments)
    .set({ noteId })
    .where(and(eq(attachments.ticketId, ticketId), isNull(attachments.noteId), inArray(attachments.token, tokens)))
    .returning()
    .all();
  // Mail attaches them in the order the note mentions them.
  claimed.sort((a, b) => tokens.indexOf(a.token) - tokens.indexOf(b.token));
  return claimed.map((a) => ({ filename: a.filename, sha256: a.sha256, contentType: a.contentType, size: a.size }));
}
