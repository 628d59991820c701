/**
 * GET /original-email?projectPath=…&iid=…[&noteId=…][&remoteImages=1]: the sanitised original
 * email as a document of its own, for the ticket page's sandboxed frame. A srcdoc frame would
 * inherit the app's CSP, which rightly loads no remote images; this document carries its own,
 * stricter one (no script, no styles, no forms, sandboxed) whose `img-src` admits remote servers
 * only when the responder asked for them.
 */
import type { RawBlobs } from '../domain/mail-log/inbound-log';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, ERRORS } from '../../shared/errors';
import { CAN } from '../../shared/roles';
import { iid, projectPath } from '../../shared/schemas';
import { projectAccess, requireAccess } from '../domain/accounts/access';
import type { DomainCtx } from '../domain/core/context';
import { originalEmail } from '../mail/inbound/original-email';
import { resolveSession, SESSION_COOKIE } from '../domain/accounts/sessions';
import { log } from '../log';
import { readCookie } from './cookies';

const query = z.object({
  projectPath,
  iid: z.coerce.number().pipe(iid),
  noteId: z.coerce.number().int().positive().optional(),
  remoteImages: z.literal('1').optional(),
});

const HTTP_STATUS: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, UNPROCESSABLE_CONTENT: 422 };

/** The frame's policy: inline (data:) images always, remote ones only when allowed; nothing else. */
function frameCsp(allowRemoteImages: boolean): string {
  const img = allowRemoteImages ? 'img-src data: http: https:' : 'img-src data:';
  return `default-src 'none'; ${img}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(message);
}

export function serveOriginalEmail(dc: DomainCtx, blobs: RawBlobs, req: IncomingMessage, res: ServerResponse): void {
  serve(dc, blobs, req, res).catch((err: unknown) => {
    if (err instanceof AppError) return fail(res, HTTP_STATUS[ERRORS[err.code].status] ?? 400, err.message);
    log.error('original email failed', { err });
    fail(res, 500, ERRORS.INTERNAL.message);
  });
}

async function serve(dc: DomainCtx, blobs: RawBlobs, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const user = await resolveSession(dc, readCookie(req, SESSION_COOKIE));
  if (!user) return fail(res, 401, ERRORS.UNAUTHENTICATED.message);
  const params = query.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams));
  if (!params.success) return fail(res, 400, 'Give projectPath, iid and optionally noteId.');
  const pa = await projectAccess(dc.db, user, params.data.projectPath);
  requireAccess(pa, CAN.seeParticipantEmails);
  const allowRemoteImages = params.data.remoteImages === '1';
  const mail = await originalEmail(dc, pa, { iid: params.data.iid, noteId: params.data.noteId, allowRemoteImages }, blobs);
  const body = mail.html ?? `<pre>${escapeHtml(mail.text ?? '')}</pre>`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': frameCsp(allowRemoteImages),
    // Framed by the ticket page only; remote servers learn nothing about where the mail was read.
    'X-Frame-Options': 'SAMEORIGIN',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head><body>${body}</body></html>`);
}
