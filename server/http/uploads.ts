/**
 * POST /uploads?projectPath=…&iid=…&filename=… with the raw file as the body: a responder
 * attaches a file to a ticket from the composer. Errors answer in the shape tRPC uses,
 * `{ error: { message, data: { appCode } } }`, so the client shows them the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ERRORS, AppError, type ErrorCode } from '../../shared/errors';
import { iid, projectPath } from '../../shared/schemas';
import { projectAccess } from '../domain/accounts/access';
import type { DomainCtx } from '../domain/core/context';
import { resolveSession, SESSION_COOKIE } from '../domain/accounts/sessions';
import { storeUpload, tooLargeMessage, UPLOAD_LIMIT_BYTES, uploadTarget } from '../domain/notes/uploads';
import type { AttachmentStore } from '../files/attachment-store';
import { log } from '../log';
import { readCookie } from './cookies';
import { isForeignOrigin } from './origin';
import { readBody } from './read-body';

const query = z.object({
  projectPath,
  iid: z.coerce.number({ error: 'iid must be a number.' }).pipe(iid),
  filename: z.string({ error: 'filename is required.' }).trim().min(1, 'filename is required.').max(1000, 'filename is too long.'),
});

const HTTP_STATUS: Record<string, number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, PAYLOAD_TOO_LARGE: 413 };

function fail(res: ServerResponse, status: number, appCode: ErrorCode, message: string = ERRORS[appCode].message): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message, data: { appCode } } }));
}

/** Answers 413 and closes the connection, so a sender that did not declare its size stops. */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  res.on('finish', () => req.destroy());
  fail(res, 413, 'FILE_TOO_LARGE', tooLargeMessage());
}

export function handleUpload(dc: DomainCtx, store: AttachmentStore, publicUrl: string, req: IncomingMessage, res: ServerResponse): void {
  upload(dc, store, publicUrl, req, res).catch((err: unknown) => {
    if (err instanceof AppError) return fail(res, HTTP_STATUS[ERRORS[err.code].status] ?? 400, err.code, err.message);
    log.error('upload failed', { err });
    fail(res, 500, 'INTERNAL');
  });
}

async function upload(dc: DomainCtx, store: AttachmentStore, publicUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return fail(res, 405, 'INVALID_INPUT', 'Upload files with POST.');
  }
  // Like /trpc mutations: a page on another site must not upload with the visitor's cookie.
  if (isForeignOrigin(req, publicUrl)) return fail(res, 403, 'FOREIGN_ORIGIN');
  const user = await resolveSession(dc, readCookie(req, SESSION_COOKIE));
  if (!user) return fail(res, 401, 'UNAUTHENTICATED');
  const params = query.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams));
  if (!params.success) {
    const issue = params.error.issues[0];
    return fail(res, 400, 'INVALID_INPUT', issue ? `${issue.path.join('.')}: ${issue.message}` : undefined);
  }
  const declared = Number(req.headers['content-length']);
  // Refused before reading when the size is declared; otherwise counted while reading.
  if (declared > UPLOAD_LIMIT_BYTES) return tooLarge(req, res);
  const ticket = await uploadTarget(dc, await projectAccess(dc.db, user, params.data.projectPath), params.data.iid);
  const content = await readBody(req, UPLOAD_LIMIT_BYTES);
  if (!content) return tooLarge(req, res);
  const reply = await storeUpload(dc, store, ticket, { filename: params.data.filename, contentType: req.headers['content-type'], content });
  res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
}
