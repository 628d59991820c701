/**
 * POST /hooks/<token>: a code host tells us a change was merged (issue 13). One URL per project
 * for GitLab, GitHub, Gitea and Forgejo alike; the host is told by its event header. Order:
 * size cap (413), the project by token (404), the signature on the raw body with the project's
 * secret (401, logged without secrets and recorded), then the payload. Pings and events that are
 * not a merge answer 200 and change nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainCtx } from '../domain/core/context';
import { SecretUnreadableError } from '../domain/core/secret-box';
import { closeByMergedChange } from '../domain/merged-changes/close-by-change';
import { detectHost, readChangeEvent, verifyDelivery, type Delivery } from '../domain/merged-changes/code-hosts';
import { recordDelivery } from '../domain/merged-changes/deliveries';
import { findWebhook, type WebhookTarget } from '../domain/merged-changes/webhooks';
import { log } from '../log';
import type { ClientAddressOf } from './client-address';
import { createRateLimiter } from './rate-limit';
import { readBody } from './read-body';

/** GitHub caps payloads at 25 MB, but a merge's title and description are far below this. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Refused calls are recorded up to this many per project and minute (each is a write); beyond, only logged. */
const refusedRecords = createRateLimiter({ limit: 30, windowMs: 60_000 });

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

export function handleWebhook(dc: DomainCtx, clientAddressOf: ClientAddressOf, req: IncomingMessage, res: ServerResponse): void {
  receive(dc, clientAddressOf, req, res).catch((err: unknown) => {
    log.error('webhook delivery failed', { err });
    answer(res, 500, { error: 'The delivery could not be processed; the host may send it again.' });
  });
}

async function refuse(dc: DomainCtx, res: ServerResponse, target: WebhookTarget, d: Delivery | null, status: number, reason: string, client: string): Promise<void> {
  log.warn('webhook refused', { project: target.projectPath, host: d?.host ?? 'unknown', event: d?.event ?? null, deliveryId: d?.deliveryId ?? null, reason, client });
  if (refusedRecords.take(String(target.projectId))) {
    await recordDelivery(dc, target.projectId, { host: d?.host ?? 'unknown', event: d?.event ?? '', deliveryId: d?.deliveryId ?? null, outcome: 'refused', detail: reason });
  }
  answer(res, status, { error: reason });
}

async function receive(dc: DomainCtx, clientAddressOf: ClientAddressOf, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return answer(res, 405, { error: 'Webhooks are delivered with POST.' });
  }
  const token = (req.url ?? '').split('?')[0]?.slice('/hooks/'.length) ?? '';
  const target = await findWebhook(dc, token);
  if (!target) {
    req.resume();
    return answer(res, 404, { error: 'No webhook has this address. Copy it again from the project’s Service Desk settings.' });
  }
  const client = clientAddressOf(req);
  const delivery = detectHost(req.headers);
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = declared > WEBHOOK_BODY_LIMIT ? null : await readBody(req, WEBHOOK_BODY_LIMIT);
  if (!body) {
    res.setHeader('Connection', 'close');
    res.on('finish', () => req.destroy());
    return refuse(dc, res, target, delivery, 413, `payload larger than ${WEBHOOK_BODY_LIMIT} bytes`, client);
  }
  if (!delivery) return refuse(dc, res, target, null, 401, 'not signed by GitLab, GitHub, Gitea or Forgejo (no event header of theirs)', client);

  let secret: string;
  try {
    secret = dc.secrets.open(target.sealedSecret);
  } catch (err) {
    if (!(err instanceof SecretUnreadableError)) throw err;
    return refuse(dc, res, target, delivery, 401, 'the stored secret cannot be read with this SECRET_KEY: regenerate the webhook', client);
  }
  const verdict = verifyDelivery(delivery.host, req.headers, body, secret);
  if (!verdict.ok) return refuse(dc, res, target, delivery, 401, verdict.reason, client);

  const payload = parsePayload(req.headers['content-type'], body);
  const event = payload === undefined ? { kind: 'ignored' as const, reason: 'the payload is not JSON' } : readChangeEvent(delivery, payload);
  const base = { host: delivery.host, event: delivery.event, deliveryId: delivery.deliveryId };
  if (event.kind === 'ping') {
    const recorded = await recordDelivery(dc, target.projectId, { ...base, outcome: 'ignored', detail: 'ping: the webhook is set up right' });
    return answer(res, 200, { outcome: recorded.outcome, detail: recorded.detail });
  }
  if (event.kind === 'ignored') {
    const recorded = await recordDelivery(dc, target.projectId, { ...base, outcome: 'ignored', detail: event.reason });
    return answer(res, 200, { outcome: recorded.outcome, detail: recorded.detail });
  }
  const recorded = await closeByMergedChange(dc, target, delivery, event.change);
  log.info('webhook delivery', { project: target.projectPath, host: delivery.host, deliveryId: delivery.deliveryId, outcome: recorded.outcome, detail: recorded.detail });
  answer(res, 200, { outcome: recorded.outcome, detail: recorded.detail });
}

/** JSON, or GitHub's and Gitea's form encoding (`payload=<JSON>`); undefined when it is neither. */
function parsePayload(contentType: string | undefined, body: Buffer): unknown {
  try {
    const text = body.toString('utf8');
    if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(text).get('payload');
      return form === null ? undefined : JSON.parse(form);
    }
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
