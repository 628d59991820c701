/**
 * The one tRPC client. Queries and mutations go over HTTP; subscriptions (and presence
 * announcements) go over the WebSocket
 * that `stores/live.ts` opens after sign-in (the upgrade needs the session cookie) and closes on
 * sign-out or when the browser goes offline.
 */
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  wsLink,
  type TRPCLink,
  type TRPCWebSocketClient,
} from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '../../server/trpc/router';
import { PRELOAD_ELEMENT_ID, PRELOAD_FRESH_MS, preloadKey, type PreloadEntries } from '../../shared/preload';

let socket: TRPCWebSocketClient | null = null;

/** Hands each subscription to the socket open at the time it is made. */
const socketLink: TRPCLink<AppRouter> = (runtime) => (ctx) => {
  if (!socket) throw new Error('Not connected: subscriptions need the live connection.');
  return wsLink<AppRouter>({ client: socket })(runtime)(ctx);
};

/** The answers the server put into the page (shared/preload.ts), each used once. */
function readPreloaded(): Map<string, unknown> {
  const element = document.getElementById(PRELOAD_ELEMENT_ID);
  if (!element?.textContent) return new Map();
  try {
    return new Map(Object.entries(JSON.parse(element.textContent) as PreloadEntries));
  } catch {
    return new Map();
  } finally {
    element.remove();
  }
}
const preloaded = readPreloaded();

/** A query the page came with an answer to is answered at once, the first time and while fresh. */
const preloadLink: TRPCLink<AppRouter> = () => ({ op, next }) => {
  if (op.type !== 'query' || preloaded.size === 0) return next(op);
  if (performance.now() > PRELOAD_FRESH_MS) {
    preloaded.clear();
    return next(op);
  }
  const key = preloadKey(op.path, op.input);
  if (!preloaded.has(key)) return next(op);
  const data = preloaded.get(key);
  preloaded.delete(key);
  return observable((observer) => {
    observer.next({ result: { type: 'data', data } });
    observer.complete();
  });
};

export const api = createTRPCClient<AppRouter>({
  links: [
    preloadLink,
    splitLink({
      // Presence announcements share the socket of the presence subscription: with several nodes
      // they reach the node that holds this tab's entry (over HTTP they could land on another).
      condition: (op) => op.type === 'subscription' || (op.path === 'presence.update' && socket !== null),
      true: socketLink,
      false: httpBatchLink({ url: '/trpc' }),
    }),
  ],
});

export interface SocketCallbacks {
  onOpen(): void;
  onClose(): void;
}

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s. */
export function retryDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 5000);
}

export function openSocket(callbacks: SocketCallbacks): void {
  closeSocket();
  socket = createWSClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`,
    keepAlive: { enabled: true, intervalMs: 5000, pongTimeoutMs: 3000 },
    retryDelayMs: retryDelay,
    onOpen: callbacks.onOpen,
    onClose: callbacks.onClose,
  });
}

export function closeSocket(): void {
  const current = socket;
  socket = null;
  if (current) void current.close();
}
