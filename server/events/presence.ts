/**
 * Who is viewing and typing, per project. Ephemeral by nature: kept in memory, never stored,
 * one entry per open browser tab (its subscription), removed when the tab goes away. A
 * multi-node deployment would carry these over the same bus as events.
 *
 * A tab names itself with a client id. The id belongs to the sign-in session that first used it
 * for as long as that session holds an entry under it, so another session cannot take over,
 * move or end someone else's entry by sending the same id.
 */
export interface PresenceEntry {
  /** the session that owns the client id (its stored session id, never the cookie token) */
  session: string;
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
  /** client id → its owning session and how many entries it holds (a tab may briefly be in two projects) */
  const owners = new Map<string, { session: string; holds: number }>();
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
    /**
     * Adds this tab's entry; returns the function that removes it, or null when the client id
     * belongs to another session (nothing changes then). The same session joining again with its
     * own id (a reconnect) replaces its entry, and the older leave no longer removes it.
     */
    join(
      projectId: number,
      clientId: string,
      session: string,
      user: { id: number; name: string },
      iid: number | null = null,
    ): (() => void) | null {
      const owner = owners.get(clientId);
      if (owner && owner.session !== session) return null;
      if (owner) owner.holds += 1;
      else owners.set(clientId, { session, holds: 1 });
      let entries = projects.get(projectId);
      if (!entries) projects.set(projectId, (entries = new Map()));
      const entry: PresenceEntry = { session, userId: user.id, name: user.name, iid, typingUntil: 0 };
      entries.set(clientId, entry);
      notify(projectId);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const o = owners.get(clientId);
        if (o && --o.holds === 0) owners.delete(clientId);
        const current = projects.get(projectId);
        if (current?.get(clientId) !== entry) return;
        current.delete(clientId);
        if (current.size === 0) projects.delete(projectId);
        notify(projectId);
      };
    },
    /** Changes what a tab views or whether it types; false (and no effect) unless `session` owns the entry. */
    update(projectId: number, clientId: string, session: string, change: { iid: number | null; typing: boolean }): boolean {
      const e = projects.get(projectId)?.get(clientId);
      if (!e || e.session !== session) return false;
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
