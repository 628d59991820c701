/**
 * GET /attachments/<token>/<name>: for users who may see the ticket, or — with a signed,
 * expiring `?l=&e=&s=` from a customer email or the customer view — for that customer, without
 * an account, while their link is not revoked (rate limited). Access is checked on every request.
 * Signed in, the browser keeps a copy but must revalidate it (`no-cache` with an ETag), so a repeat
 * view costs a 304 and no file read, and someone who lost access gets a 404, not their cached copy.
 * A customer link's download is never stored (`no-store`): such links are often opened on shared
 * computers, where a copy on disk would outlive the link (review round 7, finding 10). Customer files are
 * never rendered by the browser as active content: only plain image types are shown inline,
 * everything else is a download, with nosniff and a sandboxing CSP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { eq } from 'drizzle-orm';
import { attachments, notes, projects, tickets } from '../../db/schema';
import { CAN } from '../../shared/roles';
import type { DomainCtx } from '../domain/core/context';
import { currentAccess } from '../domain/accounts/access';
import { resolveSession, SESSION_COOKIE } from '../domain/accounts/sessions';
import { ticketMinAccess } from '../domain/tickets/ticket-lookup';
import type { AttachmentStore } from '../files/attachment-store';
import { log } from '../log';
import { readCookie } from './cookies';
import { createRateLimiter } from './rate-limit';
import { customerLinkById, readAttachmentQuery } from '../domain/customer-email/customer-links';

const INLINE_SAFE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function deny(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
}

export function serveAttachment(dc: DomainCtx, store: AttachmentStore, req: IncomingMessage, res: ServerResponse): void {
  serve(dc, store, req, res).catch((err: unknown) => {
    log.error('attachment download failed', { err });
    deny(res, 500, 'Something went wrong.');
  });
}

async function serve(dc: DomainCtx, store: AttachmentStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/attachments\/([0-9a-f]{32})(?:\/[^?]*)?(?:\?(.*))?$/.exec(req.url ?? '');
  if (!m?.[1]) return deny(res, 404, 'Not found');
  const token = m[1];
  const params = new URLSearchParams(m[2] ?? '');
  if (params.has('s')) return serveSigned(dc, store, req, res, token, params);
  const user = await resolveSession(dc, readCookie(req, SESSION_COOKIE));
  if (!user) return deny(res, 401, 'Sign in to download attachments.');
  const row = await findAttachment(dc, token);
  // Not found, not allowed and confidential all look the same: nothing leaks.
  // A file of an internal note is as private as the note: responders only.
  const needs = Math.max(ticketMinAccess(row?.t ?? { confidential: true }), row?.internal ? CAN.respond : 0);
  if (!row || (await currentAccess(dc.db, row.p, user)) < needs) return deny(res, 404, 'Not found');
  await send(store, req, res, row.a);
}

async function findAttachment(dc: DomainCtx, token: string) {
  return dc.db
    .select({ a: attachments, t: tickets, p: projects, internal: notes.internal })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .innerJoin(projects, eq(projects.id, attachments.projectId))
    .leftJoin(notes, eq(notes.id, attachments.noteId))
    .where(eq(attachments.token, token))
    .get();
}

/** Customers download at most this many files a minute per link (a leaked link cannot be a free file host). */
const signedDownloads = createRateLimiter({ limit: 120, windowMs: 60_000 });

async function serveSigned(dc: DomainCtx, store: AttachmentStore, req: IncomingMessage, res: ServerResponse, token: string, params: URLSearchParams): Promise<void> {
  const linkId = readAttachmentQuery(dc.secrets, token, params, dc.now());
  if (linkId === null) return deny(res, 404, 'This link is not valid any more. The latest email about your request has a fresh one.');
  if (!signedDownloads.take(`link:${linkId}`)) return deny(res, 429, 'Too many downloads with this link. Wait a minute and try again.');
  const [row, link] = await Promise.all([findAttachment(dc, token), customerLinkById(dc.db, linkId)]);
  // The link must belong to this file's ticket and still stand; files of internal notes never go out.
  if (!row || !link || link.revokedAt !== null || link.ticketId !== row.t.id || row.internal) {
    return deny(res, 404, 'This link is not valid any more. The latest email about your request has a fresh one.');
  }
  await send(store, req, res, row.a, ANONYMOUS);
}

/** A customer link's file: not written to the browser's disk at all (no validator, nothing to revalidate). */
const ANONYMOUS = 'private, no-store';

/** Kept by the browser, asked again every time (access first), answered 304 while the file is the same. */
const CACHE = 'private, no-cache';

/** The file's bytes name it (content-addressed), so its hash is its validator. */
function etagOf(a: typeof attachments.$inferSelect): string {
  return `"${a.sha256.slice(0, 32)}"`;
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((v) => {
    const t = v.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

async function send(store: AttachmentStore, req: IncomingMessage, res: ServerResponse, a: typeof attachments.$inferSelect, cache: string = CACHE): Promise<void> {
  const etag = cache === CACHE ? etagOf(a) : null;
  if (etag && notModified(req, etag)) return void res.writeHead(304, { ETag: etag, 'Cache-Control': CACHE }).end();
  const body = await store.open(a.sha256);
  if (!body) return deny(res, 410, 'The file is missing from storage.');
  const inline = INLINE_SAFE.has(a.contentType);
  res.writeHead(200, {
    'Content-Type': inline ? a.contentType : 'application/octet-stream',
    'Content-Length': String(a.size),
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', a.filename),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': cache,
    ...(etag ? { ETag: etag } : {}),
  });
  if (req.method === 'HEAD') {
    body.destroy();
    return void res.end();
  }
  // Streamed as it is read (on PostgreSQL slice by slice out of file_blobs). A read that fails
  // half-way closes the connection: the client sees a short download, not one that hangs.
  pipeline(body, res, (err) => {
    // (a client that goes away is no failure of ours)
    if (err && (err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') log.warn('attachment download failed', { sha256: a.sha256, err });
  });
}
