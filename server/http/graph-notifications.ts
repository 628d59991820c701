/**
 * Microsoft Graph change notifications for a Graph mailbox (issue 13), at
 * `POST /graph/notifications/<mailbox name>`:
 * - the validation handshake (`?validationToken=…`, sent when a subscription is created) is
 *   answered with the token as text/plain, at once;
 * - a notification only wakes the mailbox's poller, and only when its `clientState` is the
 *   secret we gave Graph for that mailbox (compared in constant time). Nothing in a notification
 *   is trusted as data: the delta query that follows reads the mailbox itself.
 * No session, no cookies: the shared secret is the authentication, as Microsoft documents it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainCtx } from '../domain/core/context';
import { log } from '../log';
import { graphClientStateMatches } from '../mail/sources/graph/client-state';
import { wakeGraphMailbox } from '../mail/sources/graph/wake';

export const GRAPH_NOTIFICATIONS_PATH = '/graph/notifications/';
const MAX_BODY = 256 * 1024;
const MAX_TOKEN = 1024;
const MAX_NOTIFICATIONS = 100;

function answer(res: ServerResponse, status: number, text = ''): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function handleGraphNotification(dc: DomainCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'POST') return answer(res, 405, 'POST only.');
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice(GRAPH_NOTIFICATIONS_PATH.length));
  } catch {
    return answer(res, 404);
  }
  if (!name || name.length > 200) return answer(res, 404);
  const token = url.searchParams.get('validationToken');
  if (token !== null) {
    // Graph expects the token back verbatim, as text/plain, within 10 s.
    if (token.length === 0 || token.length > MAX_TOKEN) return answer(res, 400, 'Bad validation token.');
    req.resume();
    return answer(res, 200, token);
  }
  const body = await readBody(req).catch(() => null);
  if (!body) return answer(res, 413, 'Too large.');
  let items: unknown[];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { value?: unknown };
    items = Array.isArray(parsed.value) ? parsed.value.slice(0, MAX_NOTIFICATIONS) : [];
  } catch {
    return answer(res, 400, 'Not JSON.');
  }
  const genuine = items.some((n) => {
    const state = (n as { clientState?: unknown } | null)?.clientState;
    return typeof state === 'string' && graphClientStateMatches(dc, name, state);
  });
  if (!genuine) {
    log.warn('graph notification refused: wrong or missing clientState', { mailbox: name, items: items.length });
    return answer(res, 403, 'Unknown client state.');
  }
  // Graph wants 202 within 3 s; the round runs on the node holding the mailbox's lease.
  answer(res, 202);
  await wakeGraphMailbox(dc, name).catch((err: unknown) => log.warn('could not wake the graph mailbox', { mailbox: name, err }));
}
