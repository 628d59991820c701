/**
 * The customer view (issue 10): `/c/<signed token>` shows a customer their own thread without an
 * account — public replies only — and lets them reply from the page. A reply is ingested as an
 * email from them to a fresh reply key, so it becomes a note exactly as if they had emailed it
 * (participants, relays, reopening, loop and rate rules alike). The page follows changes live
 * (`/events`, server-sent events). Links expire, can be revoked from the ticket, and are rate
 * limited.
 *
 *   GET  /c/<token>          the page
 *   GET  /c/<token>/thread   the thread alone (what the page swaps in when something changed)
 *   GET  /c/<token>/events   `changed` whenever the ticket's project has new events
 *   POST /c/<token>/reply    form field `body`
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainCtx } from '../domain/core/context';
import { attachmentQuery, readViewToken } from '../domain/customer-email/customer-links';
import { customerThread, replyKeyForCustomerView, threadRootOf, type CustomerThread } from '../domain/customer-email/customer-view';
import type { Ingest } from '../mail/inbound/receive';
import { escapeHtml } from '../render/plain-html';
import { isAttachmentPath } from '../../shared/attachment-markdown';
import { log } from '../log';
import { isForeignOrigin } from './origin';
import type { ClientAddressOf } from './client-address';
import { customerViewStreams } from './customer-view-streams';
import { createRateLimiter } from './rate-limit';
import { FULL_TIME_FORMAT } from '../../shared/local-time-format';
import { FAVICON_LINK } from './favicon';
import { replySubject } from '../domain/customer-email/reply-subject';

export const CUSTOMER_VIEW_SCRIPT_PATH = '/customer-view.js';
const MAX_REPLY_BYTES = 100_000;

/** Page loads and thread refreshes per link per minute; replies per link per ten minutes. */
const views = createRateLimiter({ limit: 120, windowMs: 60_000 });
const replies = createRateLimiter({ limit: 10, windowMs: 10 * 60_000 });

const INVALID = 'This link is not valid any more. It may have expired or been withdrawn. The latest email about your request has a fresh link; you can also simply reply to that email.';

/** The app's palette (client/styles.css), light and dark as the reader's system prefers. */
const STYLE =
  ':root{color-scheme:light dark;--bg:#f5f6f8;--surface:#fff;--border:#dde1e7;--border-strong:#cdd3dc;--text:#1f2933;--muted:#5e6878;' +
  '--accent:#2563eb;--accent-text:#fff;--you:#2563eb;--support:#15803d;--danger:#b42318;--danger-soft:#fef3f2;--ok:#15803d;--ok-soft:#ecfdf3;--focus:#2f5fd0}' +
  '@media (prefers-color-scheme:dark){:root{--bg:#12151b;--surface:#1a1f27;--border:#323a47;--border-strong:#3d4656;--text:#e4e8ef;--muted:#99a3b3;' +
  '--accent:#6d95f2;--accent-text:#0d1320;--you:#6d95f2;--support:#6fd39b;--danger:#ff8a7f;--danger-soft:#3b1f1d;--ok:#6fd39b;--ok-soft:#1c3527;--focus:#8fb0ff}}' +
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.55;color:var(--text);background:var(--bg)}' +
  'a{color:var(--accent)}header{margin-bottom:1.25rem}h1{font-size:1.4rem;margin:.2rem 0}.muted{color:var(--muted);font-size:.9rem}' +
  '.badge{display:inline-block;font-size:.8rem;font-weight:600;padding:.05rem .55rem;border-radius:999px;border:1px solid var(--border-strong);background:var(--surface)}' +
  'ol{list-style:none;padding:0;margin:0;display:flex;flex-direction:column;gap:.8rem}' +
  'li{background:var(--surface);border:1px solid var(--border);border-radius:8px;padding:.8rem 1rem;overflow-wrap:anywhere}li.you{border-left:4px solid var(--you)}li.support{border-left:4px solid var(--support)}' +
  '.who{font-weight:600}.body img{max-width:100%}.body pre{overflow:auto}blockquote{margin:0;padding-left:.8rem;border-left:3px solid var(--border);color:var(--muted)}' +
  'form{margin-top:1.25rem;display:flex;flex-direction:column;gap:.5rem}textarea{font:inherit;min-height:8rem;padding:.6rem;border:1px solid var(--border-strong);border-radius:6px;color:var(--text);background:var(--surface)}' +
  'button{align-self:flex-start;font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-text);cursor:pointer}' +
  ':focus-visible{outline:2px solid var(--focus);outline-offset:2px}' +
  '.error{color:var(--danger);background:var(--danger-soft);padding:.5rem .75rem;border-radius:6px}.ok{color:var(--ok);background:var(--ok-soft);padding:.5rem .75rem;border-radius:6px}';

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res
    .writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><meta name="color-scheme" content="light dark">${FAVICON_LINK}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
    );
}

/** In UTC, which anyone can place, until the page's script rewrites it in the reader's zone. */
const when = (ms: number) => new Date(ms).toUTCString().replace(/:\d\d GMT$/, ' UTC');

function timeHtml(ms: number): string {
  const utc = escapeHtml(when(ms));
  return `<time datetime="${new Date(ms).toISOString()}" title="${utc}">${utc}</time>`;
}

/**
 * Attachment links in the thread, signed for this link so they work without an account; only
 * exact attachment paths (`/attachments/<token>/../other` would carry the signature elsewhere).
 */
function signFiles(html: string, dc: DomainCtx, linkId: number, expires: number): string {
  return html.replace(/(href|src)="(\/attachments\/([0-9a-f]{32})[^"?#]*)"/g, (whole, attr: string, path: string, token: string) =>
    isAttachmentPath(unescapeAttribute(path)) ? `${attr}="${path}${escapeHtml(attachmentQuery(dc.secrets, token, linkId, expires))}"` : whole,
  );
}

/** An attribute value as sanitize-html wrote it, back to the URL (it escapes `&`, `<`, `>` and `"`). */
function unescapeAttribute(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
}

function threadHtml(dc: DomainCtx, t: CustomerThread, expires: number): string {
  const items = t.items
    .map(
      (i) =>
        `<li class="${i.who}" data-testid="customer-item" data-who="${i.who}"><div class="muted"><span class="who">${escapeHtml(i.name)}</span>` +
        `${i.who === 'support' ? ' <span class="badge">Support</span>' : ''} · ${timeHtml(i.at)}</div>` +
        `<div class="body">${signFiles(i.html, dc, t.link.id, expires)}</div></li>`,
    )
    .join('');
  return `<p class="muted" data-testid="customer-state">${t.state === 'opened' ? '<span class="badge">Open</span>' : '<span class="badge">Closed</span> Replying reopens the conversation when the team allows it.'}</p><ol>${items}</ol>`;
}

function viewPage(dc: DomainCtx, res: ServerResponse, token: string, t: CustomerThread, expires: number, notice = ''): void {
  page(
    res,
    200,
    `${t.title} (#${t.iid})`,
    `<header><div class="muted">${escapeHtml(t.projectName)} · request #${t.iid}</div><h1>${escapeHtml(t.title)}</h1>` +
      `<div class="muted">This page is for ${escapeHtml(t.link.email)}. It shows the public conversation only, and updates by itself.</div></header>` +
      `<main><div data-thread data-testid="customer-thread">${threadHtml(dc, t, expires)}</div>${notice}` +
      `<form method="post" action="/c/${token}/reply"><label for="reply" class="who">Your reply</label>` +
      `<textarea id="reply" name="body" required maxlength="50000" data-testid="customer-reply"></textarea>` +
      `<button type="submit" data-testid="customer-send">Send reply</button><span class="muted">The team gets it as if you had replied by email.</span></form></main>` +
      `<script src="${CUSTOMER_VIEW_SCRIPT_PATH}" defer></script>`,
  );
}

/**
 * The page's only script: writes each moment in the reader's own zone, as the app does, and swaps
 * in the thread when the server says it changed.
 */
const SCRIPT = `(() => {
  const root = document.querySelector('[data-thread]');
  if (!root) return;
  let format = null;
  try { format = new Intl.DateTimeFormat(undefined, ${JSON.stringify(FULL_TIME_FORMAT)}); } catch {}
  function localTimes() {
    if (!format) return;
    for (const t of root.querySelectorAll('time[datetime]')) {
      const at = new Date(t.getAttribute('datetime'));
      if (!Number.isNaN(at.getTime())) t.textContent = format.format(at);
    }
  }
  localTimes();
  if (!window.EventSource) return;
  const base = location.pathname.replace(/\\/+$/, '');
  let busy = false, again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        const r = await fetch(base + '/thread', { cache: 'no-store' });
        if (r.ok) {
          root.innerHTML = await r.text();
          localTimes();
        }
      } while (again);
    } finally { busy = false; }
  }
  const events = new EventSource(base + '/events');
  events.addEventListener('changed', () => void refresh());
  // A newer tab of this link took over the live updates: this one stays as it is.
  events.addEventListener('superseded', () => events.close());
  events.addEventListener('open', () => void refresh());
})();
`;

export function serveCustomerViewScript(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }).end(SCRIPT);
}

export function handleCustomerView(dc: DomainCtx, ingest: Ingest, publicUrl: string, clientAddressOf: ClientAddressOf, req: IncomingMessage, res: ServerResponse): void {
  serve(dc, ingest, publicUrl, clientAddressOf, req, res).catch((err: unknown) => {
    log.error('customer view failed', { err });
    if (!res.headersSent) page(res, 500, 'Something went wrong', '<p>Please try again in a moment.</p>');
  });
}

async function serve(dc: DomainCtx, ingest: Ingest, publicUrl: string, clientAddressOf: ClientAddressOf, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/c\/([0-9]+\.[0-9]+\.[A-Za-z0-9_-]+)(\/thread|\/events|\/reply)?\/?(?:\?.*)?$/.exec(req.url ?? '');
  const token = m?.[1] ?? '';
  const part = m?.[2] ?? '';
  const signed = m ? readViewToken(dc.secrets, token, dc.now()) : null;
  const thread = signed ? await customerThread(dc.db, signed.linkId) : null;
  if (!signed || !thread) return page(res, 404, 'Link not valid', `<h1>Link not valid</h1><p>${escapeHtml(INVALID)}</p>`);
  if (part === '/events') return streamChanges(dc, req, res, thread, signed.linkId, signed.expires, clientAddressOf(req));
  if (part === '/reply') {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    return reply(dc, ingest, publicUrl, req, res, token, thread, signed.expires);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET' }).end();
  if (!views.take(`view:${signed.linkId}`)) return page(res, 429, 'Too many requests', '<h1>Too many requests</h1><p>Please wait a minute and reload the page.</p>');
  if (part === '/thread') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(threadHtml(dc, thread, signed.expires));
    return;
  }
  viewPage(dc, res, token, thread, signed.expires);
}

/** Reads a urlencoded form body of at most `max` bytes. */
async function formBody(req: IncomingMessage, max: number): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function reply(dc: DomainCtx, ingest: Ingest, publicUrl: string, req: IncomingMessage, res: ServerResponse, token: string, t: CustomerThread, expires: number): Promise<void> {
  // The signed link is the authority, as for unsubscribing; a page on another site must not post with it.
  if (isForeignOrigin(req, publicUrl)) return page(res, 403, 'Refused', '<h1>Refused</h1><p>Replies can only be sent from this page.</p>');
  const form = await formBody(req, MAX_REPLY_BYTES);
  const text = form?.get('body')?.replace(/\r\n?/g, '\n').trim() ?? '';
  const error = (message: string) => viewPage(dc, res, token, t, expires, `<p class="error" role="alert" data-testid="customer-error">${escapeHtml(message)}</p>`);
  if (!form) return error('Your reply is too long. Please shorten it, or send it by email.');
  if (!text) return error('Write something before sending.');
  if (!replies.take(`reply:${t.link.id}`)) return error('You have sent many replies in a short time. Please wait a few minutes.');
  const raw = await replyEmail(dc, t, text);
  const outcome = await ingest.receive(raw, { source: 'customer-view' });
  if (outcome.status !== 'note') {
    log.warn('a reply from the customer view did not become a note', { outcome: outcome.status, ticketId: t.ticketId });
    return error('Your reply could not be added right now. Please reply to the latest email about your request instead.');
  }
  res.writeHead(303, { Location: `/c/${token}#latest`, 'Cache-Control': 'no-store' }).end();
}

/** The reply as the email the customer would have sent: from them, to a fresh reply key, threaded. */
async function replyEmail(dc: DomainCtx, t: CustomerThread, text: string): Promise<Buffer> {
  const key = await replyKeyForCustomerView(dc, t);
  const book = dc.mail.book;
  const root = await threadRootOf(dc.db, t.ticketId);
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mail = new MailComposer({
    from: t.yourName ? { name: t.yourName, address: t.link.email } : t.link.email,
    to: book.incomingFor(key),
    subject: replySubject(t.title, t.iid),
    text: `${text}\n`,
    messageId: `<web-${randomBytes(12).toString('hex')}@${book.host()}>`,
    ...(root ? { inReplyTo: root, references: [root] } : {}),
    headers: { 'X-Threadline-Source': 'customer-view' },
    date: new Date(dc.now()),
  });
  return new Promise((resolve, reject) => mail.compile().build((err, message) => (err ? reject(err) : resolve(message))));
}

/**
 * Server-sent events: `changed` when the customer's thread may have changed (the page refetches),
 * never for other tickets or internal notes. The stream ends when the link stops working (revoked,
 * expired, its owner removed from the ticket, or the ticket made confidential), after at most
 * half an hour, or when the link opens too many (customer-view-streams.ts).
 */
function streamChanges(dc: DomainCtx, req: IncomingMessage, res: ServerResponse, t: CustomerThread, linkId: number, expires: number, address: string): void {
  if (!views.take(`view:${linkId}`)) return void res.writeHead(429).end();
  customerViewStreams(dc).open(res, { linkId, ticketId: t.ticketId, projectId: t.projectId, address, expires, onClose: (listener) => req.on('close', listener) });
}
