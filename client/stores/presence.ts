/**
 * Presence in the current project: this tab announces what it views and when it types; the
 * store holds everyone else's presence for the queue and the ticket page.
 *
 * What this tab views is kept apart from the subscription, so it holds however the page was
 * reached: a ticket opened by URL or after a reload joins already on that ticket, and every
 * snapshot is checked against it — an announcement lost on the way (sent before the join was
 * processed, or a subscription the socket re-made with its first input after a reconnect) is
 * sent again. Announcements travel on the WebSocket (see lib/trpc.ts), so they reach the node
 * that holds this tab's entry.
 */
import { createEffect, createRoot, createSignal } from 'solid-js';
import { api } from '../lib/trpc';
import { connection, whileConnected } from './live';

export interface Presence {
  clientId: string;
  userId: number;
  name: string;
  iid: number | null;
  typing: boolean;
}

const clientId = (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40);
const [others, setOthers] = createSignal<Presence[]>([]);
export { others };
// Without the connection nobody's presence is known: "Rita is viewing" would read as current. It
// is forgotten, and the next snapshot after the reconnect says who is there now.
createRoot(() => createEffect(() => connection() !== 'live' && setOthers([])));

/** The ticket this tab shows (null in the queue), whether or not a project is joined yet. */
let viewing: number | null = null;
let typing = false;
let lastTypingSent = 0;
let joined: { projectPath: string } | null = null;
let stop: (() => void) | null = null;
/** An announcement is on its way: a snapshot taken before it lands must not trigger another. */
let inFlight = 0;

function send(): void {
  const at = joined;
  if (!at) return;
  inFlight++;
  void api.presence.update
    .mutate({ projectPath: at.projectPath, clientId, iid: viewing, typing })
    .catch(() => undefined)
    .finally(() => inFlight--);
}

/** Our own entry in a snapshot disagrees with what this tab shows: announce again. */
function heal(list: Presence[]): void {
  if (inFlight > 0) return;
  const mine = list.find((p) => p.clientId === clientId);
  if (mine && mine.iid !== viewing) send();
}

/** Joins a project's presence (the queue or one of its tickets). Returns the function that leaves. */
export function joinPresence(projectPath: string): () => void {
  stop?.();
  joined = { projectPath };
  typing = false;
  const mine = joined;
  const leaveHook = whileConnected(() =>
    // The input is read at every (re)subscription: a new socket joins on the ticket shown now.
    api.presence.project.subscribe(
      { projectPath, clientId, iid: viewing },
      {
        onData(list) {
          if (joined !== mine) return;
          setOthers(list.filter((p) => p.clientId !== clientId));
          heal(list);
        },
        onError() {
          setOthers([]);
        },
      },
    ),
  );
  const leave = () => {
    leaveHook();
    if (joined === mine) {
      joined = null;
      stop = null;
      setOthers([]);
    }
  };
  stop = leave;
  return leave;
}

/** What this tab shows now (a ticket's iid, or null for the queue); kept across joins. */
export function setViewing(iid: number | null): void {
  if (viewing === iid) return;
  viewing = iid;
  typing = false;
  send();
}

/** Call on every keystroke; sends at most every 2 s, and the server ends "typing" by itself. */
export function noteTyping(): void {
  if (!joined || viewing === null) return;
  const now = Date.now();
  if (typing && now - lastTypingSent < 2000) return;
  typing = true;
  lastTypingSent = now;
  send();
}

/**
 * The draft was sent or emptied: colleagues stop seeing "is typing…" now, not when the server's
 * timer runs out — a reply already on their screen beside "is typing…" reads as a second one coming.
 */
export function stopTyping(): void {
  if (!typing) return;
  typing = false;
  lastTypingSent = 0;
  send();
}

export function presenceOn(iid: number): Presence[] {
  return others().filter((p) => p.iid === iid);
}
