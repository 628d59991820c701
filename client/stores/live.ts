/**
 * The live connection: owns the WebSocket's lifecycle and the subscriptions to project events.
 * Each subscription remembers the last `seq` it applied, so after the browser was offline it
 * resumes from there: the server replays what was missed, and duplicates are dropped here.
 */
import { createSignal } from 'solid-js';
import type { ProjectEventEnvelope } from '../../shared/events';
import { errorCode, errorMessage } from '../lib/errors';
import { closeSocket, openSocket, api } from '../lib/trpc';

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'reconnecting';

const [connection, setConnection] = createSignal<ConnectionState>('connecting');
export { connection };

interface Follow {
  projectPath: string;
  lastSeq: number;
  onEvent(envelope: ProjectEventEnvelope): void;
  onError(message: string): void;
  sub: { unsubscribe(): void } | null;
}

const follows = new Set<Follow>();

/**
 * Bumped (with the project's path) when the server ended a project's events because this user's
 * access to it changed or ended: the project page then reloads what they may see now.
 */
const [accessChanged, setAccessChanged] = createSignal<{ projectPath: string; n: number } | null>(null);
export { accessChanged };
const ACCESS_ENDED = new Set(['ACCESS_CHANGED', 'FORBIDDEN', 'PROJECT_NOT_FOUND']);
let started = false;
let socketOpen = false;
/** Bumped whenever a socket is replaced, so callbacks from an old socket are ignored. */
let generation = 0;
let everLive = false;
/** Failed attempts since the socket was last open: the upgrade is refused once the session ends. */
let failedAttempts = 0;
let onSessionEnded: () => void = () => undefined;

function checkSession(): void {
  api.auth.status.query().then(
    (status) => {
      if (!status.signedIn) onSessionEnded();
    },
    // The server is unreachable: the socket keeps retrying.
    () => undefined,
  );
}

function attach(f: Follow): void {
  f.sub = api.events.project.subscribe(
    { projectPath: f.projectPath, lastEventId: String(f.lastSeq) },
    {
      onData({ data }) {
        if (data.seq <= f.lastSeq) return;
        f.lastSeq = data.seq;
        f.onEvent(data);
      },
      onError(err) {
        f.sub = null;
        f.onError(errorMessage(err));
        if (ACCESS_ENDED.has(errorCode(err) ?? '')) setAccessChanged((prev) => ({ projectPath: f.projectPath, n: (prev?.n ?? 0) + 1 }));
        // The server ends subscriptions whose session has ended; find out if that is why.
        checkSession();
      },
    },
  );
}

interface Hook {
  attach(): { unsubscribe(): void };
  sub: { unsubscribe(): void } | null;
}
const hooks = new Set<Hook>();

/** Runs `attach` every time the live connection opens (and stops it when it drops). */
export function whileConnected(attach: () => { unsubscribe(): void }): () => void {
  const h: Hook = { attach, sub: null };
  hooks.add(h);
  if (socketOpen) h.sub = attach();
  return () => {
    hooks.delete(h);
    h.sub?.unsubscribe();
    h.sub = null;
  };
}

function detachAll(): void {
  for (const f of follows) {
    f.sub?.unsubscribe();
    f.sub = null;
  }
  for (const h of hooks) {
    h.sub?.unsubscribe();
    h.sub = null;
  }
}

function connect(): void {
  const gen = ++generation;
  setConnection(everLive ? 'reconnecting' : 'connecting');
  openSocket({
    onOpen() {
      if (gen !== generation) return;
      everLive = true;
      failedAttempts = 0;
      setConnection('live');
    },
    onClose() {
      if (gen !== generation) return;
      setConnection('reconnecting');
      if (++failedAttempts % 5 === 2) checkSession();
    },
  });
  socketOpen = true;
  for (const f of follows) attach(f);
  for (const h of hooks) h.sub = h.attach();
}

function disconnect(): void {
  generation++;
  detachAll();
  socketOpen = false;
  closeSocket();
}

function goOffline(): void {
  disconnect();
  setConnection('offline');
}

function goOnline(): void {
  if (started && !socketOpen) connect();
}

/**
 * After sign-in: the WebSocket upgrade is refused without a session cookie. `sessionEnded` is
 * called when reconnecting fails because the session is gone (expired, or signed out elsewhere).
 */
export function startLive(sessionEnded: () => void): void {
  if (started) return;
  started = true;
  onSessionEnded = sessionEnded;
  failedAttempts = 0;
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  // Not gated on navigator.onLine: it can read false on a LAN-only machine that still reaches us.
  connect();
}

export function stopLive(): void {
  if (!started) return;
  started = false;
  everLive = false;
  window.removeEventListener('offline', goOffline);
  window.removeEventListener('online', goOnline);
  disconnect();
  setConnection('connecting');
}

/**
 * Follows a project's events from `fromSeq` (the `lastEventId` of the snapshot the caller
 * rendered). Returns the function that stops following.
 */
export function followProject(
  projectPath: string,
  fromSeq: number,
  onEvent: (envelope: ProjectEventEnvelope) => void,
  onError: (message: string) => void,
): () => void {
  const f: Follow = { projectPath, lastSeq: fromSeq, onEvent, onError, sub: null };
  follows.add(f);
  if (socketOpen) attach(f);
  return () => {
    follows.delete(f);
    f.sub?.unsubscribe();
    f.sub = null;
  };
}
