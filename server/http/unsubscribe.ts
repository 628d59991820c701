/**
 * /unsubscribe/<token>: GET shows a confirmation page (link scanners must not unsubscribe anyone);
 * POST unsubscribes — RFC 8058 one-click (`List-Unsubscribe=One-Click`) or the page's button —
 * without a CSRF token, since the unguessable token is the authority. The token is not the
 * email's reply key: it can unsubscribe, never post. POST /unsubscribe/<token>/resubscribe (the
 * page's "Subscribe again") undoes it, with the same authority; a GET never changes anything.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainCtx } from '../domain/core/context';
import { lookupUnsubscribe, resubscribeByToken, unsubscribeByToken, type UnsubscribeTarget } from '../domain/customer-email/unsubscribe';
import { log } from '../log';
import { FAVICON_LINK } from './favicon';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta name="color-scheme" content="light dark">${FAVICON_LINK}<title>${escapeHtml(title)}</title>` +
      `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}` +
      `button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}` +
      `button.secondary{background:transparent;color:inherit;border-color:#8a94a6}</style>` +
      `</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  );
}

export function handleUnsubscribe(dc: DomainCtx, req: IncomingMessage, res: ServerResponse): void {
  serve(dc, req, res).catch((err: unknown) => {
    log.error('unsubscribe failed', { err });
    if (res.headersSent) return;
    page(res, 500, 'Something went wrong', '<p>Please try the link again in a moment.</p>');
  });
}

/** Resolves once the request body has been read to its end (its content is not kept). */
function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    req.on('end', () => resolve());
    req.on('error', reject);
    req.resume();
  });
}

/** The page after unsubscribing (or opening the link again later): what happened, and the way back. */
function unsubscribedPage(res: ServerResponse, token: string, target: UnsubscribeTarget, thread: string, canUndo = true): void {
  page(
    res,
    200,
    'Unsubscribed',
    `<p>You have been unsubscribed from this thread.</p><p>${escapeHtml(target.email)} will get no more email about “${thread}”.</p>` +
      (canUndo ? `<form method="post" action="/unsubscribe/${token}/resubscribe"><p>Unsubscribed by mistake?</p><button type="submit" class="secondary">Subscribe again</button></form>` : ''),
  );
}

/** A responder removed the address: the link can neither unsubscribe nor bring it back. */
function removedPage(res: ServerResponse, target: UnsubscribeTarget, thread: string): void {
  page(res, 200, 'Not on this thread', `<p>${escapeHtml(target.email)} no longer gets email about “${thread}”: the support team removed it from the thread. To be added again, write to them.</p>`);
}

async function serve(dc: DomainCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/unsubscribe\/([0-9a-f]{32})(\/resubscribe)?\/?(?:\?.*)?$/.exec(req.url ?? '');
  const token = match?.[1];
  const target = token ? await lookupUnsubscribe(dc, token) : null;
  if (!token || !target) {
    page(res, 404, 'Link not valid', '<p>This unsubscribe link is not valid. It may have been mistyped.</p>');
    return;
  }
  const thread = `${escapeHtml(target.ticketTitle)} (#${target.iid})`;
  if (match?.[2]) {
    // Subscribe again: a POST only (a link scanner's GET must not undo what the person chose).
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    await drain(req);
    const after = await resubscribeByToken(dc, token);
    if (!after || after.subscribed === null) return removedPage(res, target, thread);
    page(
      res,
      200,
      'Subscribed again',
      `<p>You are subscribed to this thread again.</p><p>${escapeHtml(target.email)} will get email about “${thread}” again.</p>` +
        `<form method="post" action="/unsubscribe/${token}"><button type="submit" class="secondary">Unsubscribe</button></form>`,
    );
    return;
  }
  if (req.method === 'POST') {
    // Drain the body (RFC 8058 sends "List-Unsubscribe=One-Click"); its content does not matter.
    await drain(req);
    const after = await unsubscribeByToken(dc, token);
    // (an address a responder removed gets no email either way: nothing to undo)
    unsubscribedPage(res, token, target, thread, after?.subscribed === false);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, POST' }).end();
    return;
  }
  // Opened again after unsubscribing (or after the one-click POST of a mail client): the way back.
  if (target.subscribed === false) return unsubscribedPage(res, token, target, thread);
  if (target.subscribed === null) return removedPage(res, target, thread);
  page(
    res,
    200,
    'Unsubscribe from this thread?',
    `<p>${escapeHtml(target.email)} will stop getting email about “${thread}”.</p>` +
      `<form method="post" action="/unsubscribe/${token}"><button type="submit">Unsubscribe</button></form>`,
  );
}
