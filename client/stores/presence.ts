/**
 * Presence in the current project: this tab announces what it views and when it types; the
 * store holds everyone else's presence for the queue and the ticket page.
 */
import { createSignal } from 'solid-js';
import { api } from '../lib/trpc';
import { whileConnected } from './live';

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

let current: { projectPath: string; iid: number | null; typing: boolean } | null = null;
let stop: (() => void) | null = null;
let lastTypingSent = 0;

function send(): void {
  if (!current) return;
  void api.presence.update.mutate({ projectPath: current.projectPath, clientId, iid: current.iid, typing: current.typing }).catch(() => undefined);
}

/** Joins a project's presence (the queue or one of its tickets). Returns the function that leaves. */
export function joinPresence(projectPath: string): () => void {
  stop?.();
  current = { projectPath, iid: null, typing: false };
  stop = whileConnected(() => {
    const sub = api.presence.project.subscribe(
      { projectPath, clientId, iid: current?.iid ?? null },
      {
        onData(list) {
          setOthers(list.filter((p) => p.clientId !== clientId));
        },
        onError() {
          setOthers([]);
        },
      },
    );
    return sub;
  });
  return () => {
    stop?.();
    stop = null;
    current = null;
    setOthers([]);
  };
}

export function setViewing(iid: number | null): void {
  if (!current || current.iid === iid) return;
  current.iid = iid;
  current.typing = false;
  send();
}

/** Call on every keystroke; sends at most every 2 s, and the server ends "typing" by itself. */
export function noteTyping(): void {
  if (!current || current.iid === null) return;
  const now = Date.now();
  if (current.typing && now - lastTypingSent < 2000) return;
  current.typing = true;
  lastTypingSent = now;
  send();
}

export function presenceOn(iid: number): Presence[] {
  return others().filter((p) => p.iid === iid);
}
