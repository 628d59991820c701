/**
 * Microsoft Graph over HTTPS with the OAuth 2.0 client-credentials flow: one app-only token per
 * mailbox, cached and renewed before it runs out; a 401 renews it once, a second 401 is an error
 * the Admin page shows. 429 / 503 / 504 are retried after their Retry-After (bounded); every
 * request has a timeout, and the bearer token is only ever sent to the configured Graph origin.
 */
import type { GraphMailboxConfig } from '../../../config';

export type GraphTarget = Pick<GraphMailboxConfig, 'tenantId' | 'clientId' | 'clientSecret' | 'mailbox' | 'baseUrl' | 'loginUrl'>;

/** What Graph (or its sign-in endpoint) answered, as a clear sentence plus the status and code. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** the server asked us to wait this long (429 / 503 Retry-After) */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

const REQUEST_TIMEOUT_MS = 30_000;
/** a Retry-After longer than this is shortened: the loop comes back and asks again */
export const MAX_RETRY_AFTER_MS = 120_000;
const THROTTLE_RETRIES = 3;
const TOKEN_MARGIN_MS = 5 * 60_000;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

function clip(text: string, n = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}

async function errorOf(res: Response, what: string): Promise<GraphError> {
  let code = `http_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } | string; error_description?: unknown };
    if (typeof body.error === 'string') {
      code = body.error;
      if (typeof body.error_description === 'string') message = body.error_description;
    } else if (body.error) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // not JSON: the status says enough
  }
  const hint =
    res.status === 401
      ? ' Check the tenant id, client id and client secret.'
      : res.status === 403
        ? ' Grant the app the Mail.ReadWrite application permission (admin consent) and check any application access policy for this mailbox.'
        : '';
  return new GraphError(clip(`${what} failed (${res.status} ${code}): ${message}.${hint}`, 500), res.status, code, retryAfterMs(res.headers.get('retry-after')));
}

export interface GraphClientOptions {
  /** ends waits and requests when the worker stops */
  signal: AbortSignal;
  now?: () => number;
  /** told before a throttled request is retried */
  onThrottle?: (waitMs: number, status: number) => void;
}

export interface GraphClient {
  /** the API root: `{base}/v1.0/users/{mailbox}` */
  readonly userRoot: string;
  readonly apiRoot: string;
  /** A JSON request; `undefined` for 202/204. */
  json<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** A message's MIME, read up to `maxBytes` (then `size` is at least maxBytes + 1). */
  mime(id: string, maxBytes: number): Promise<{ bytes: Buffer; size: number }>;
  /** The current access token (fetched or renewed as needed). */
  token(force?: boolean): Promise<string>;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createGraphClient(t: GraphTarget, opts: GraphClientOptions): GraphClient {
  const now = opts.now ?? Date.now;
  const origin = new URL(t.baseUrl).origin;
  const apiRoot = `${t.baseUrl.replace(/\/+$/, '')}/v1.0`;
  const userRoot = `${apiRoot}/users/${encodeURIComponent(t.mailbox)}`;
  // The app-only scope is the Graph resource's `/.default` (https://graph.microsoft.com/.default).
  const scope = `${origin}/.default`;
  let cached: { token: string; renewAt: number } | null = null;
  let inflight: Promise<string> | null = null;

  const signalFor = () => AbortSignal.any([opts.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);

  async function fetchToken(): Promise<string> {
    const url = `${t.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(t.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ client_id: t.clientId, client_secret: t.clientSecret, scope, grant_type: 'client_credentials' });
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body, signal: signalFor() });
    } catch (err) {
      throw new GraphError(`Could not reach the Microsoft sign-in endpoint ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`, 0, 'network');
    }
    if (!res.ok) throw await errorOf(res, 'Signing in to Microsoft (client credentials)');
    const j = (await res.json()) as { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
    const lifetime = Number(j.expires_in) * 1000;
    if (typeof j.access_token !== 'string' || !j.access_token || !Number.isFinite(lifetime) || lifetime <= 0 || String(j.token_type).toLowerCase() !== 'bearer') {
      throw new GraphError('The Microsoft sign-in endpoint answered without a usable bearer token.', res.status, 'bad_token_response');
    }
    // Renewed before it runs out: five minutes early, or halfway through a short-lived token.
    cached = { token: j.access_token, renewAt: now() + lifetime - Math.min(TOKEN_MARGIN_MS, lifetime / 2) };
    return j.access_token;
  }

  async function token(force = false): Promise<string> {
    if (!force && cached && now() < cached.renewAt) return cached.token;
    if (force) cached = null;
    // concurrent callers share one token request
    inflight ??= fetchToken().finally(() => (inflight = null));
    return inflight;
  }

  async function send(method: string, url: string, init: { body?: string; headers?: Record<string, string> }, what: string): Promise<Response> {
    if (new URL(url).origin !== origin) throw new GraphError(`Microsoft Graph pointed at ${new URL(url).origin}, not ${origin}: refused.`, 0, 'foreign_link');
    let renewed = false;
    for (let throttled = 0; ; ) {
      const bearer = await token();
      let res: Response;
      try {
        res = await fetch(url, { method, headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json', ...init.headers }, ...(init.body === undefined ? {} : { body: init.body }), signal: signalFor() });
      } catch (err) {
        if (opts.signal.aborted) throw new GraphError('stopped', 0, 'stopped');
        throw new GraphError(`Could not reach Microsoft Graph at ${origin}: ${err instanceof Error ? err.message : String(err)}`, 0, 'network');
      }
      if (res.status === 401 && !renewed) {
        // The token may have been revoked or expired early: one fresh token, then give up.
        await res.body?.cancel();
        renewed = true;
        await token(true);
        continue;
      }
      if ((res.status === 429 || res.status === 503 || res.status === 504) && throttled < THROTTLE_RETRIES) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? Math.min(MAX_RETRY_AFTER_MS, 2000 * 2 ** throttled);
        await res.body?.cancel();
        throttled++;
        opts.onThrottle?.(wait, res.status);
        await sleep(wait, opts.signal);
        if (opts.signal.aborted) throw new GraphError('stopped', 0, 'stopped');
        continue;
      }
      if (!res.ok) throw await errorOf(res, what);
      return res;
    }
  }

  return {
    apiRoot,
    userRoot,
    token,
    async json<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
      const init = body === undefined ? { headers } : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } };
      const res = await send(method, url, init, `${method} ${new URL(url).pathname.replace(/^\/v1\.0\/users\/[^/]+/, '/users/…')}`);
      if (res.status === 202 || res.status === 204) {
        await res.body?.cancel();
        return undefined as T;
      }
      return (await res.json()) as T;
    },
    async mime(id: string, maxBytes: number) {
      const res = await send('GET', `${userRoot}/messages/${encodeURIComponent(id)}/$value`, { headers: { Accept: 'message/rfc822, text/plain, */*' } }, 'Fetching a message ($value)');
      const declared = Number(res.headers.get('content-length'));
      const chunks: Buffer[] = [];
      let read = 0;
      // Memory stays bounded by one message: an oversized one is cut (its header is what counts).
      for await (const chunk of res.body ?? []) {
        const b = Buffer.from(chunk as Uint8Array);
        chunks.push(b);
        read += b.length;
        if (read > maxBytes) {
          await res.body?.cancel().catch(() => undefined);
          break;
        }
      }
      return { bytes: Buffer.concat(chunks), size: Number.isFinite(declared) && declared > read ? declared : read };
    },
  };
}
