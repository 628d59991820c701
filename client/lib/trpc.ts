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
import type { AppRouter } from '../../server/trpc/router';

let socket: TRPCWebSocketClient | null = null;

/** Hands each subscription to the socket open at the time it is made. */
const socketLink: TRPCLink<AppRouter> = (runtime) => (ctx) => {
  if (!socket) throw new Error('Not connected: subscriptions need the live connection.');
  return wsLink<AppRouter>({ client: socket })(runtime)(ctx);
};

export const api = createTRPCClient<AppRouter>({
  links: [
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
