/**
 * Who is viewing and typing, per project. Ephemeral by nature: kept in memory, never stored,
 * one entry per open browser tab (its subscription), removed when the tab goes away. A
 * multi-node deployment would carry these over the same bus as events.
 */
export interface PresenceEntry {
  userId: number;
  name: string;
  /** the ticket being viewed, or null in the queue */
  iid: number | null;
  typingUntil: number;
}

export interface PresenceView {
  clientId: string;
  userId: number;
  name: string;
  iid: number | null;
  typing: boolean;
}

const TYPING_MS = 6000;

export function createPresenceHub(now: () => number = Date.now) {
  const projects = new Map<number, Map<string, PresenceEntry>>();
  const listeners = new Map<number, Set<() => void>>();
  const notify = (projectId: number) => {
    for (const l of listeners.get(projectId) ?? []) l();
  };
  // Typing indicators end by themselves when the keystrokes stop.
  const timer = setInterval(() => {
    const t = now();
    for (const [projectId, entries] of projects) {
      let changed = false;
      for (const e of entries.values()) {
        if (e.typingUntil && e.typingUntil <= t) {
          e.typingUntil = 0;
          changed = true;
        }
      }
      if (changed) notify(projectId);
    }
  }, 1000);
  timer.unref();

  return {
    join(projectId: number, clientId: string, user: { id: number; name: string }, iid: number | null = null): () => void {
      let entries = projects.get(projectId);
      if (!entries) projects.set(projectId, (entries = new Map()));
      entries.set(clientId, { userId: user.id, name: user.name, iid, typingUntil: 0 });
      notify(projectId);
      return () => {
        entries.delete(clientId);
        if (entries.size === 0) projects.delete(projectId);
        notify(projectId);
      };
    },
    update(projectId: number, clientId: string, userId: number, change: { iid: number | null; typing: boolean }): boolean {
      const e = projects.get(projectId)?.get(clientId);
      if (!e || e.userId !== userId) return false;
      const typingUntil = change.typing ? now() + TYPING_MS : 0;
      const visible = e.iid !== change.iid || (e.typingUntil > 0) !== change.typing;
      e.iid = change.iid;
      e.typingUntil = typingUntil;
      if (visible) notify(projectId);
      return true;
    },
    snapshot(projectId: number): PresenceView[] {
      return [...(projects.get(projectId) ?? new Map<string, PresenceEntry>()).entries()].map(([clientId, e]) => ({
        clientId,
        userId: e.userId,
        name: e.name,
        iid: e.iid,
        typing: e.typingUntil > now(),
      }));
    },
    listen(projectId: number, fn: () => void): () => void {
      let set = listeners.get(projectId);
      if (!set) listeners.set(projectId, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
    stop: () => clearInterval(timer),
  };
}

export type PresenceHub = ReturnType<typeof createPresenceHub>;
