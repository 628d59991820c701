/**
 * A local stand-in for Microsoft Graph and its sign-in endpoint, for tests: no Microsoft tenant
 * is reachable from these machines. It follows Microsoft's documented request and response
 * shapes for exactly the calls Threadline makes, and checks what the real service checks:
 * - `POST /{tenant}/oauth2/v2.0/token` (client credentials: form body client_id, client_secret,
 *   scope `<graph>/.default`, grant_type) → `{ token_type: "Bearer", expires_in, access_token }`,
 *   or `400 { error: "invalid_client", error_description: "AADSTS7000215: …" }`;
 * - every `/v1.0/…` call needs a live bearer token (401 `InvalidAuthenticationToken` otherwise);
 *   tokens expire after `tokenSeconds` or on `revokeTokens()`;
 * - `GET /v1.0/users/{u}/mailFolders/inbox/messages/delta`: pages of `Prefer: odata.maxpagesize`
 *   (default 10) linked by `@odata.nextLink` (`$skiptoken`), the last one with `@odata.deltaLink`
 *   (`$deltatoken`); later rounds return what changed (created, read, moved out as `@removed`);
 *   `expireDeltaTokens()` makes every old link answer `410 Gone` (`syncStateNotFound`);
 * - `Prefer: IdType="ImmutableId"` gives ids that survive a move (otherwise a move changes it);
 * - `GET …/messages/{id}/$value` (the MIME), `PATCH …/messages/{id}` (`isRead`),
 *   `POST …/messages/{id}/move` (`destinationId`: folder id or well-known name),
 *   `GET …/mailFolders?$filter=displayName eq '…'`, `GET …/mailFolders/inbox` (counts);
 * - `POST /v1.0/subscriptions` validates the notification URL first (`?validationToken=`, 200
 *   text/plain echo within 10 s, else 400), `PATCH` renews, `DELETE` ends; a new inbox message
 *   posts a change notification (with `clientState`) to every live subscription;
 * - `throttle(n, seconds)` answers the next n API calls with 429 (or 503) and `Retry-After`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMessage {
  immutableId: string;
  restId: string;
  mailbox: string;
  folder: string;
  mime: Buffer;
  isRead: boolean;
  /** ISO 8601, as Graph's receivedDateTime */
  receivedDateTime: string;
  /** the change sequence number of its last change */
  seq: number;
}

export interface FakeSubscription {
  id: string;
  mailbox: string;
  resource: string;
  notificationUrl: string;
  clientState: string | undefined;
  expiresAt: number;
  changeType: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  /** which access token was used (its number), when one was */
  token: number | null;
  at: number;
}

interface DeltaState {
  mailbox: string;
  /** changes after this sequence number are what the round reports */
  since: number;
  /** the round's entries, fixed when it started, and how far the pages got */
  entries: { id: string; removed: boolean }[] | null;
  offset: number;
  upto: number;
  immutable: boolean;
}

export interface FakeGraphOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** access token lifetime (Microsoft's is about an hour) */
  tokenSeconds?: number;
  /** cap on a subscription's lifetime, in seconds (Outlook messages: under three days) */
  maxSubscriptionSeconds?: number;
}

const WELL_KNOWN = ['inbox', 'archive', 'deleteditems', 'drafts', 'junkemail', 'sentitems', 'outbox'];

function graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(
    JSON.stringify({ error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } }),
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; odata.metadata=minimal; odata.streaming=true' }).end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function preferences(req: IncomingMessage): { maxPageSize: number | null; immutable: boolean } {
  const prefer = [req.headers.prefer ?? ''].flat().join(',');
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  return { maxPageSize: m ? Number(m[1]) : null, immutable: /IdType\s*=\s*"?ImmutableId"?/i.test(prefer) };
}

export class FakeGraph {
  readonly tenantId: string;
  readonly clientId: string;
  clientSecret: string;
  tokenSeconds: number;
  maxSubscriptionSeconds: number;
  /** every API call answers 401, whatever the token (an app whose access was withdrawn) */
  refuseTokens = false;
  readonly messages: FakeMessage[] = [];
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly requests: LoggedRequest[] = [];
  /** notifications posted: the subscription, and the status the receiver answered */
  readonly notifications: { subscriptionId: string; status: number }[] = [];
  /** removed from the inbox (moved out): the change the next delta round reports as @removed */
  private tombstones: { mailbox: string; immutableId: string; restId: string; seq: number }[] = [];
  private seq = 0;
  private tokens = new Map<string, { n: number; expiresAt: number }>();
  private tokenCount = 0;
  private deltaStates = new Map<string, DeltaState>();
  private throttled: { left: number; seconds: number; status: number } | null = null;
  private folders = new Map<string, string>();
  private server: Server | null = null;
  url = '';

  constructor(opts: FakeGraphOptions = {}) {
    this.tenantId = opts.tenantId ?? 'contoso-tenant-id';
    this.clientId = opts.clientId ?? '11111111-2222-3333-4444-555555555555';
    this.clientSecret = opts.clientSecret ?? 'a-client-secret-for-tests-only';
    this.tokenSeconds = opts.tokenSeconds ?? 3599;
    this.maxSubscriptionSeconds = opts.maxSubscriptionSeconds ?? 4230 * 60;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) graphError(res, 500, 'InternalServerError', String(err));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** A top-level mail folder by display name (for moves by name). */
  folder(displayName: string): string {
    let id = this.folders.get(displayName);
    if (!id) this.folders.set(displayName, (id = `AAMkFolder-${randomBytes(6).toString('hex')}`));
    return id;
  }

  /**
   * A new message arrives in `mailbox`'s inbox; subscriptions are notified. `opts` seeds a message
   * that was there before (received earlier, already read in Outlook).
   */
  deliver(mailbox: string, mime: string | Buffer, opts: { isRead?: boolean; receivedAt?: Date } = {}): FakeMessage {
    const m: FakeMessage = {
      immutableId: `AAkALgImm-${randomBytes(12).toString('base64url')}`,
      restId: `AAMkAGRest-${randomBytes(12).toString('base64url')}`,
      mailbox: mailbox.toLowerCase(),
      folder: 'inbox',
      mime: Buffer.isBuffer(mime) ? mime : Buffer.from(mime),
      isRead: opts.isRead ?? false,
      receivedDateTime: (opts.receivedAt ?? new Date()).toISOString(),
      seq: ++this.seq,
    };
    this.messages.push(m);
    for (const s of this.subscriptions.values()) if (s.mailbox === m.mailbox && s.expiresAt > Date.now()) void this.notify(s, m);
    return m;
  }

  /** Someone marks the message read or unread in Outlook: a change the next delta round sees. */
  setRead(m: FakeMessage, isRead: boolean): void {
    if (m.isRead === isRead) return;
    m.isRead = isRead;
    m.seq = ++this.seq;
  }

  inbox(mailbox: string): FakeMessage[] {
    return this.messages.filter((m) => m.mailbox === mailbox.toLowerCase() && m.folder === 'inbox');
  }

  /** The next `count` API calls answer `status` (429 or 503) with `Retry-After: seconds`. */
  throttle(count: number, seconds: number, status = 429): void {
    this.throttled = { left: count, seconds, status };
  }

  /** Every delta and skip token issued so far is gone: the next use answers 410. */
  expireDeltaTokens(): void {
    this.deltaStates.clear();
  }

  /** Every access token issued so far stops working (as if revoked or expired). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  count(method: string, pathPattern: RegExp): number {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path)).length;
  }

  tokensIssued(): number {
    return this.tokenCount;
  }

  private log(req: IncomingMessage, status: number, token: number | null): void {
    this.requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', this.url).pathname, status, token, at: Date.now() });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (tokenPath && req.method === 'POST') return this.token(req, res, decodeURIComponent(tokenPath[1] as string));
    if (!url.pathname.startsWith('/v1.0/')) {
      this.log(req, 404, null);
      return graphError(res, 404, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const t = bearer ? this.tokens.get(bearer) : undefined;
    if (!t || t.expiresAt <= Date.now() || this.refuseTokens) {
      if (t) this.tokens.delete(bearer as string);
      this.log(req, 401, t?.n ?? null);
      return graphError(res, 401, 'InvalidAuthenticationToken', bearer ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.', {
        'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
      });
    }
    if (this.throttled && this.throttled.left > 0) {
      this.throttled.left--;
      const { seconds, status } = this.throttled;
      this.log(req, status, t.n);
      return status === 429
        ? graphError(res, 429, 'TooManyRequests', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': String(seconds) })
        : graphError(res, 503, 'ServiceUnavailable', 'Service Unavailable.', { 'Retry-After': String(seconds) });
    }
    const status = await this.api(req, res, url);
    this.log(req, status, t.n);
  }

  private async token(req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> {
    const form = new URLSearchParams(await bodyOf(req));
    const fail = (status: number, error: string, description: string) => {
      this.log(req, status, null);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(
        JSON.stringify({ error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() }),
      );
    };
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return fail(400, 'invalid_request', 'AADSTS900144: The request body must contain the following parameter: \'grant_type\'.');
    if (tenant !== this.tenantId) return fail(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    if (form.get('scope') !== `${this.url}/.default` && form.get('scope') !== 'https://graph.microsoft.com/.default') return fail(400, 'invalid_scope', 'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
    if (form.get('client_id') !== this.clientId) return fail(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`);
    if (form.get('client_secret') !== this.clientSecret) return fail(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    const access = randomBytes(24).toString('base64url');
    this.tokens.set(access, { n: ++this.tokenCount, expiresAt: Date.now() + this.tokenSeconds * 1000 });
    this.log(req, 200, this.tokenCount);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(
      JSON.stringify({ token_type: 'Bearer', expires_in: this.tokenSeconds, ext_expires_in: this.tokenSeconds, access_token: access }),
    );
  }

  private find(mailbox: string, id: string): FakeMessage | undefined {
    return this.messages.find((m) => m.mailbox === mailbox && (m.immutableId === id || m.restId === id));
  }

  private view(m: FakeMessage, immutable: boolean, select: string[] | null): Record<string, unknown> {
    const all: Record<string, unknown> = { id: immutable ? m.immutableId : m.restId, isRead: m.isRead, receivedDateTime: m.receivedDateTime, parentFolderId: m.folder };
    const picked = select ? Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || select.includes(k))) : all;
    return { '@odata.type': '#microsoft.graph.message', '@odata.etag': `W/"CQAAABYAAAD${m.seq}"`, ...picked };
  }

  /** Serves one API call; returns the status for the log. */
  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const p = url.pathname;
    const method = req.method ?? 'GET';
    const pref = preferences(req);
    const userPath = /^\/v1\.0\/users\/([^/]+)(\/.*)$/.exec(p);
    if (userPath) {
      const mailbox = decodeURIComponent(userPath[1] as string).toLowerCase();
      const rest = userPath[2] as string;
      // `mailFolders/inbox/…` as first asked, `mailFolders('…')/…` in the links Graph hands out
      if (method === 'GET' && /^\/mailFolders(\/inbox|\('[^'/]+'\))\/messages\/delta$/i.test(decodeURIComponent(rest))) return this.delta(res, url, mailbox, pref);
      const value = /^\/messages\/([^/]+)\/\$value$/.exec(rest);
      if (value && method === 'GET') {
        const m = this.find(mailbox, decodeURIComponent(value[1] as string));
        if (!m) return (graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.'), 404);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(m.mime.length) }).end(m.mime);
        return 200;
      }
      const move = /^\/messages\/([^/]+)\/move$/.exec(rest);
      if (move && method === 'POST') {
        const m = this.find(mailbox, decodeURIComponent(move[1] as string));
        if (!m || m.folder !== 'inbox') return (graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.'), 404);
        const body = JSON.parse((await bodyOf(req)) || '{}') as { destinationId?: unknown };
        const dest = typeof body.destinationId === 'string' ? body.destinationId : '';
        const known = WELL_KNOWN.includes(dest.toLowerCase()) || [...this.folders.values()].includes(dest);
        if (!known) return (graphError(res, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.'), 400);
        this.tombstones.push({ mailbox, immutableId: m.immutableId, restId: m.restId, seq: ++this.seq });
        m.folder = dest;
        m.seq = this.seq;
        m.restId = `AAMkAGRest-${randomBytes(12).toString('base64url')}`;
        send(res, 201, this.view(m, pref.immutable, null));
        return 201;
      }
      const msg = /^\/messages\/([^/]+)$/.exec(rest);
      if (msg && method === 'PATCH') {
        const m = this.find(mailbox, decodeURIComponent(msg[1] as string));
        if (!m) return (graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.'), 404);
        const body = JSON.parse((await bodyOf(req)) || '{}') as { isRead?: unknown };
        if (typeof body.isRead === 'boolean' && body.isRead !== m.isRead) {
          m.isRead = body.isRead;
          m.seq = ++this.seq;
        }
        send(res, 200, this.view(m, pref.immutable, null));
        return 200;
      }
      if (method === 'GET' && /^\/mailFolders\/inbox$/i.test(rest)) {
        const inbox = this.inbox(mailbox);
        send(res, 200, { id: 'AAMkInbox', displayName: 'Inbox', totalItemCount: inbox.length, unreadItemCount: inbox.filter((m) => !m.isRead).length });
        return 200;
      }
      if (method === 'GET' && rest === '/mailFolders') {
        const name = /^displayName eq '(.*)'$/.exec(url.searchParams.get('$filter') ?? '')?.[1]?.replace(/''/g, "'");
        const value = [...this.folders.entries()].filter(([n]) => name === undefined || n === name).map(([displayName, id]) => ({ id, displayName }));
        send(res, 200, { '@odata.context': `${this.url}/v1.0/$metadata#users('${mailbox}')/mailFolders(id,displayName)`, value });
        return 200;
      }
    }
    if (p === '/v1.0/subscriptions' && method === 'POST') return this.subscribe(req, res);
    const sub = /^\/v1\.0\/subscriptions\/([^/]+)$/.exec(p);
    if (sub) {
      const s = this.subscriptions.get(decodeURIComponent(sub[1] as string));
      if (!s || s.expiresAt <= Date.now()) return (graphError(res, 404, 'ResourceNotFound', 'The object was not found.'), 404);
      if (method === 'DELETE') {
        this.subscriptions.delete(s.id);
        res.writeHead(204).end();
        return 204;
      }
      if (method === 'PATCH') {
        const body = JSON.parse((await bodyOf(req)) || '{}') as { expirationDateTime?: unknown };
        const want = Date.parse(String(body.expirationDateTime));
        if (Number.isNaN(want) || want <= Date.now()) return (graphError(res, 400, 'ExtensionError', 'Subscription expiration can only be in the future.'), 400);
        s.expiresAt = Math.min(want, Date.now() + this.maxSubscriptionSeconds * 1000);
        send(res, 200, this.subscriptionView(s));
        return 200;
      }
    }
    graphError(res, 400, 'BadRequest', `Unsupported request: ${method} ${p}`);
    return 400;
  }

  private delta(res: ServerResponse, url: URL, mailbox: string, pref: { maxPageSize: number | null; immutable: boolean }): number {
    const skip = url.searchParams.get('$skiptoken');
    const deltaToken = url.searchParams.get('$deltatoken');
    const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()) ?? null;
    let state: DeltaState;
    if (skip || deltaToken) {
      const found = this.deltaStates.get((skip ?? deltaToken) as string);
      if (!found || found.mailbox !== mailbox) {
        graphError(res, 410, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.');
        return 410;
      }
      state = skip ? found : { mailbox, since: found.since, entries: null, offset: 0, upto: 0, immutable: pref.immutable };
    } else state = { mailbox, since: 0, entries: null, offset: 0, upto: 0, immutable: pref.immutable };
    if (!state.entries) {
      // The round's changes are fixed when it starts; changes during it come in the next round.
      state.upto = this.seq;
      const changed = this.messages.filter((m) => m.mailbox === mailbox && m.folder === 'inbox' && m.seq > state.since && m.seq <= state.upto);
      const removed = state.since === 0 ? [] : this.tombstones.filter((t) => t.mailbox === mailbox && t.seq > state.since && t.seq <= state.upto);
      const ids = new Set(changed.map((m) => m.immutableId));
      state.entries = [
        ...changed.map((m) => ({ id: m.immutableId, removed: false })),
        ...removed.filter((t) => !ids.has(t.immutableId)).map((t) => ({ id: t.immutableId, removed: true })),
      ];
    }
    const size = Math.max(1, Math.min(pref.maxPageSize ?? 10, 1000));
    const slice = state.entries.slice(state.offset, state.offset + size);
    const value = slice.map((e) => {
      const m = this.messages.find((x) => x.immutableId === e.id);
      if (e.removed || !m) return { '@odata.type': '#microsoft.graph.message', id: state.immutable ? e.id : (m?.restId ?? e.id), '@removed': { reason: 'deleted' } };
      return this.view(m, state.immutable, select);
    });
    const base = `${this.url}/v1.0/users/${encodeURIComponent(mailbox)}/mailFolders('inbox')/messages/delta`;
    const body: Record<string, unknown> = { '@odata.context': `${this.url}/v1.0/$metadata#Collection(message)`, value };
    const nextOffset = state.offset + slice.length;
    const token = randomBytes(18).toString('base64url');
    if (nextOffset < state.entries.length) {
      this.deltaStates.set(token, { ...state, offset: nextOffset });
      body['@odata.nextLink'] = `${base}?$skiptoken=${token}`;
    } else {
      this.deltaStates.set(token, { mailbox, since: state.upto, entries: null, offset: 0, upto: 0, immutable: state.immutable });
      body['@odata.deltaLink'] = `${base}?$deltatoken=${token}`;
    }
    send(res, 200, body);
    return 200;
  }

  private subscriptionView(s: FakeSubscription): Record<string, unknown> {
    return {
      '@odata.context': `${this.url}/v1.0/$metadata#subscriptions/$entity`,
      id: s.id,
      resource: s.resource,
      applicationId: this.clientId,
      changeType: s.changeType,
      clientState: s.clientState ?? null,
      notificationUrl: s.notificationUrl,
      expirationDateTime: new Date(s.expiresAt).toISOString(),
      latestSupportedTlsVersion: 'v1_2',
    };
  }

  private async subscribe(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const body = JSON.parse((await bodyOf(req)) || '{}') as Record<string, unknown>;
    const resource = String(body.resource ?? '');
    const m = /^\/?users\/([^/]+)\/mailFolders\('inbox'\)\/messages$/i.exec(resource);
    if (!m || typeof body.notificationUrl !== 'string' || typeof body.changeType !== 'string') return (graphError(res, 400, 'InvalidRequest', 'Invalid subscription request.'), 400);
    const expires = Date.parse(String(body.expirationDateTime));
    if (Number.isNaN(expires) || expires <= Date.now()) return (graphError(res, 400, 'InvalidRequest', 'expirationDateTime must be in the future.'), 400);
    if (typeof body.clientState === 'string' && body.clientState.length > 128) return (graphError(res, 400, 'InvalidRequest', 'clientState is longer than 128 characters.'), 400);
    // Microsoft validates the endpoint before it creates anything.
    const validationToken = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    let ok = false;
    try {
      const answer = await fetch(`${body.notificationUrl}${body.notificationUrl.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(validationToken)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(10_000),
      });
      ok = answer.status === 200 && /^text\/plain/.test(answer.headers.get('content-type') ?? '') && (await answer.text()) === validationToken;
    } catch {
      ok = false;
    }
    if (!ok) return (graphError(res, 400, 'ValidationError', 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.'), 400);
    const s: FakeSubscription = {
      id: randomUUID(),
      mailbox: decodeURIComponent(m[1] as string).toLowerCase(),
      resource,
      notificationUrl: body.notificationUrl,
      clientState: typeof body.clientState === 'string' ? body.clientState : undefined,
      changeType: body.changeType,
      expiresAt: Math.min(expires, Date.now() + this.maxSubscriptionSeconds * 1000),
    };
    this.subscriptions.set(s.id, s);
    send(res, 201, this.subscriptionView(s));
    return 201;
  }

  /** Posts a change notification for `m`, shaped like Microsoft's changeNotificationCollection. */
  async notify(s: FakeSubscription, m: FakeMessage, clientState = s.clientState): Promise<number> {
    const payload = {
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: new Date(s.expiresAt).toISOString(),
          changeType: 'created',
          resource: `Users/${m.mailbox}/Messages/${m.restId}`,
          resourceData: { '@odata.type': '#Microsoft.Graph.Message', '@odata.id': `Users/${m.mailbox}/Messages/${m.restId}`, '@odata.etag': `W/"${m.seq}"`, id: m.restId },
          clientState: clientState ?? null,
          tenantId: this.tenantId,
        },
      ],
    };
    let status = 0;
    try {
      const r = await fetch(s.notificationUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(3000) });
      status = r.status;
      await r.body?.cancel();
    } catch {
      status = 0;
    }
    this.notifications.push({ subscriptionId: s.id, status });
    return status;
  }
}

export async function startFakeGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  return new FakeGraph(opts).start();
}
