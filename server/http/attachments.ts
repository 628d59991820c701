/**
 * GET /attachments/<token>/<name>: only for users who may see the ticket. Customer files are
 * never rendered by the browser as active content: only plain image types are shown inline,
 * everything else is a download, with nosniff and a sandboxing CSP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  const m = /^\/attachments\/([0-9a-f]{32})(?:\/[^?]*)?(?:\?.*)?$/.exec(req.url ?? '');
  if (!m?.[1]) return deny(res, 404, 'Not found');
  const user = await resolveSession(dc, readCookie(req, SESSION_COOKIE));
  if (!user) return deny(res, 401, 'Sign in to download attachments.');
  const row = await dc.db
    .select({ a: attachments, t: tickets, p: projects, internal: notes.internal })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .innerJoin(projects, eq(projects.id, attachments.projectId))
    .leftJoin(notes, eq(notes.id, attachments.noteId))
    .where(eq(attachments.token, m[1]))
    .get();
  // Not found, not allowed and confidential all look the same: nothing leaks.
  // A file of an internal note is as private as the note: responders only.
  const needs = Math.max(ticketMinAccess(row?.t ?? { confidential: true }), row?.internal ? CAN.respond : 0);
  if (!row || (await currentAccess(dc.db, row.p, user)) < needs) return deny(res, 404, 'Not found');
  const body = await store.open(row.a.sha256);
  if (!body) return deny(res, 410, 'The file is missing from storage.');
  const inline = INLINE_SAFE.has(row.a.contentType);
  res.writeHead(200, {
    'Content-Type': inline ? row.a.contentType : 'application/octet-stream',
    'Content-Length': String(row.a.size),
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', row.a.filename),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=3600',
  });
  if (req.method === 'HEAD') {
    body.destroy();
    return void res.end();
  }
  body.pipe(res);
}
