/**
 * One HTTP server: the client, `/healthz`, tRPC over HTTP at `/trpc`, WebSocket at `/trpc`,
 * attachment downloads at `/attachments`, composer uploads at `/uploads`, the original email's
 * framed document at `/original-email`, the customer view at `/c/`, code hosts' webhooks at
 * `/hooks/` and Microsoft Graph change notifications at `/graph/notifications/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { resolveSession, SESSION_COOKIE } from './domain/accounts/sessions';
import { readCookie } from './http/cookies';
import { isForeignOrigin } from './http/origin';
import { serveClient } from './http/static';
import { createPagePreloader } from './http/preload';
import { serveAttachment } from './http/attachments';
import { serveOriginalEmail } from './http/original-email';
import { handleUnsubscribe } from './http/unsubscribe';
import { CUSTOMER_VIEW_SCRIPT_PATH, handleCustomerView, serveCustomerViewScript } from './http/customer-view';
import { handleUpload } from './http/uploads';
import { handleWebhook } from './http/webhooks';
import { clientAddressResolver, httpsResolver } from './http/client-address';
import { isFaviconUrl, serveFavicon } from './http/favicon';
import { GRAPH_NOTIFICATIONS_PATH, handleGraphNotification } from './http/graph-notifications';
import { createOidcRoutes } from './http/oidc';
import type { AttachmentStore } from './files/attachment-store';
import { log } from './log';
import type { StorageHealth, StorageState } from './storage-health';
import { createContextFactory, type AppDeps } from './trpc/context';
import { appRouter } from './trpc/router';
import { wsEncoder } from './trpc/ws-encoder';

export const VERSION = '0.1.0';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/** Browsers keep to HTTPS for a year once they saw this over HTTPS (never sent over plain HTTP). */
const HSTS = 'max-age=31536000';

const HOST = /^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/**
 * The page may connect to itself only: HTTP to 'self', the WebSocket to the public URL's origin or
 * the host the page was loaded from (the two origins the upgrade accepts, see origin.ts). 'self'
 * covers same-origin ws/wss in current browsers; they are named for those that predate CSP 3.
 * Each with both schemes: behind a proxy that ends TLS, with TRUST_PROXY off, this server cannot
 * tell that the page was loaded over https and connects with wss:// (review round 7, finding 11);
 * the host is the same either way, so nothing is opened to anyone else.
 * (`npm run dev`: Vite serves the page and proxies `/trpc` on its own origin, which is 'self' there.)
 */
function contentSecurityPolicy(publicUrl: string, host: string | undefined): string {
  const hosts = [new URL(publicUrl).host.toLowerCase()];
  if (host && HOST.test(host)) hosts.push(host.toLowerCase());
  const sockets = new Set(hosts.flatMap((h) => [`ws://${h}`, `wss://${h}`]));
  return `default-src 'self'; connect-src 'self' ${[...sockets].join(' ')}; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface AppServer {
  server: Server;
  wss: WebSocketServer;
  /**
   * The node is stopping (SIGTERM): `/healthz` answers 503 `draining` from now on, so a load
   * balancer takes it out of rotation while requests already in flight finish.
   */
  drain(): void;
  close(): Promise<void>;
}

/**
 * `/healthz`'s answer: may a load balancer send this node traffic? Not while it stops (SIGTERM),
 * cannot reach its database, or cannot store mail (disk full, DATA_DIR not writable: read from
 * the storage watcher's last background check, never a write per probe). `reason` names the
 * first problem, `message` says what to do about it.
 */
export function healthOf(s: { draining: boolean; databaseUp: boolean; storage: StorageState }) {
  const reason = s.draining ? 'draining' : !s.databaseUp ? 'database-down' : s.storage.problem;
  const message = s.draining
    ? 'This node is stopping (SIGTERM).'
    : !s.databaseUp
      ? 'This node cannot reach its database (no answer within 2 s).'
      : s.storage.message;
  return {
    ok: !reason,
    database: s.databaseUp ? 'up' : 'down',
    storage: s.storage.problem ?? 'ok',
    ...(s.draining ? { draining: true } : {}),
    ...(reason ? { reason, message } : {}),
  };
}

export function createAppServer(deps: AppDeps & { clientDir: string; files: AttachmentStore; storage: StorageHealth }): AppServer {
  const createContext = createContextFactory(deps);
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createContext({ req, res }),
    maxBodySize: 2 * 1024 * 1024,
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error('procedure failed', { path, err: error.cause ?? error });
    },
  });

  const oidcRoutes = createOidcRoutes(deps.dc, deps.config);
  const clientAddressOf = clientAddressResolver(deps.config.trustProxy);
  const isHttps = httpsResolver(deps.config.trustProxy);
  const preloadPage = createPagePreloader(createContext);
  let draining = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const https = isHttps(req);
    if (https) res.setHeader('Strict-Transport-Security', HSTS);
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(deps.config.publicUrl, req.headers.host));
    const url = req.url ?? '/';
    if (url === '/healthz' || url.startsWith('/healthz?')) {
      res.setHeader('Cache-Control', 'no-store');
      void Promise.race([deps.dc.db.ping(), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]).then((up) => {
        const health = healthOf({ draining, databaseUp: up, storage: deps.storage.state() });
        json(res, health.ok ? 200 : 503, { ...health, version: VERSION, engine: deps.dc.db.engine, node: deps.dc.node });
      });
      return;
    }
    if (url.startsWith('/trpc/')) {
      // Every method: tRPC serves subscriptions as server-sent events over GET too (presence joins
      // with the visitor's session), and nothing on another site has a reason to call us.
      if (isForeignOrigin(req, deps.config.publicUrl)) {
        return json(res, 403, { error: { message: 'Request from a foreign origin refused.', data: { appCode: 'FOREIGN_ORIGIN' } } });
      }
      return trpcHandler(req, res);
    }
    // Code hosts post from their servers: no session, no Origin; the signature is the authentication.
    if (url.startsWith('/hooks/')) return handleWebhook(deps.dc, clientAddressOf, req, res);
    if (url.startsWith('/unsubscribe/')) return handleUnsubscribe(deps.dc, req, res);
    if (url.startsWith('/c/')) return handleCustomerView(deps.dc, deps.mail.ingest, deps.config.publicUrl, clientAddressOf, req, res);
    if (url === '/uploads' || url.startsWith('/uploads?')) return handleUpload(deps.dc, deps.files, deps.config.publicUrl, req, res);
    if (url.startsWith(GRAPH_NOTIFICATIONS_PATH)) return void handleGraphNotification(deps.dc, req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'Method not allowed' });
    if (isFaviconUrl(url)) return serveFavicon(req, res);
    if (url.startsWith('/auth/oidc/')) return oidcRoutes(req, res);
    if (url.startsWith('/attachments/')) return serveAttachment(deps.dc, deps.files, req, res);
    if (url.startsWith('/original-email?')) return serveOriginalEmail(deps.dc, deps.files, req, res);
    if (url === CUSTOMER_VIEW_SCRIPT_PATH) return serveCustomerViewScript(res);
    serveClient(deps.clientDir, req, res, preloadPage);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req }) => createContext({ req }),
    // A browser whose connection dropped without a close (network gone, laptop lid) is noticed
    // within about 10 s, and its presence goes with it.
    keepAlive: { enabled: true, pingMs: 5_000, pongWaitMs: 5_000 },
    // One JSON text per event envelope and access level, not one per subscriber.
    experimental_encoder: wsEncoder,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/trpc' && path !== '/trpc/') return rejectUpgrade(socket, 404, 'No WebSocket endpoint here; use /trpc.');
    if (isForeignOrigin(req, deps.config.publicUrl)) return rejectUpgrade(socket, 403, 'WebSocket from a foreign origin refused.');
    resolveSession(deps.dc, readCookie(req, SESSION_COOKIE)).then(
      (user) => {
        if (socket.destroyed) return;
        if (!user) return rejectUpgrade(socket, 401, 'Sign in first: the WebSocket needs a valid session cookie.');
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
      (err: unknown) => {
        log.error('websocket upgrade failed', { err });
        if (!socket.destroyed) rejectUpgrade(socket, 500, 'The server could not check the session.');
      },
    );
  });

  return {
    server,
    wss,
    drain() {
      draining = true;
    },
    async close() {
      wsHandler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
