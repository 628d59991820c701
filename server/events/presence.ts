/**
 * Who is viewing and typing, per project. Ephemeral by nature: kept in memory, never stored,
 * one entry per open browser tab (its subscription), removed when the tab goes away. With
 * several nodes, each node's entries reach the others through `createPresenceRelay` (below);
 * they are shown there until that node replaces them or stops refreshing them.
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
/** how long another node's entries are shown without a refresh (it refreshes every 2 s) */
const REMOTE_TTL_MS = 7000;

/** One node's entries for one project, as sent between nodes. */
export interface RemotePresence {
  node: string;
  projectId: number;
  entries: PresenceView[];
}

export function createPresenceHub(now: () => number = Date.now) {
  const projects = new Map<number, Map<string, PresenceEntry>>();
  /** client id → its owning session and how many entries it holds (a tab may briefly be in two projects) */
  const owners = new Map<string, { session: string; holds: number }>();
  const listeners = new Map<number, Set<() => void>>();
  /** project → node → its entries and when they stop counting */
  const remote = new Map<number, Map<string, { entries: PresenceView[]; until: number }>>();
  const localChange = new Set<(projectId: number) => void>();
  const notifyWatchers = (projectId: number) => {
    for (const l of listeners.get(projectId) ?? []) l();
  };
  const notify = (projectId: number) => {
    notifyWatchers(projectId);
    for (const l of localChange) l(projectId);
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
    for (const [projectId, nodes] of remote) {
      let changed = false;
      for (const [node, r] of nodes) {
        if (r.until <= t) {
          nodes.delete(node);
          changed = true;
        }
      }
      if (nodes.size === 0) remote.delete(projectId);
      if (changed) notifyWatchers(projectId);
    }
  }, 1000);
  timer.unref();

  function localSnapshot(projectId: number): PresenceView[] {
    return [...(projects.get(projectId) ?? new Map<string, PresenceEntry>()).entries()].map(([clientId, e]) => ({
      clientId,
      userId: e.userId,
      name: e.name,
      iid: e.iid,
      typing: e.typingUntil > now(),
    }));
  }

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
      const local = localSnapshot(projectId);
      const nodes = remote.get(projectId);
      if (!nodes) return local;
      // A tab that moved to this node (its old node shut down) shows once, from here.
      const seen = new Set(local.map((v) => v.clientId));
      const t = now();
      for (const r of nodes.values()) {
        if (r.until <= t) continue;
        for (const v of r.entries) if (!seen.has(v.clientId)) seen.add(v.clientId), local.push(v);
      }
      return local;
    },
    /** This node's own entries. */
    localSnapshot,
    /** Projects with entries on this node. */
    localProjects(): number[] {
      return [...projects.keys()];
    },
    /** Another node's entries for a project (replacing what it sent before). */
    applyRemote(msg: RemotePresence): void {
      let nodes = remote.get(msg.projectId);
      if (!nodes) remote.set(msg.projectId, (nodes = new Map()));
      if (msg.entries.length === 0) nodes.delete(msg.node);
      else nodes.set(msg.node, { entries: msg.entries, until: now() + REMOTE_TTL_MS });
      if (nodes.size === 0) remote.delete(msg.projectId);
      notifyWatchers(msg.projectId);
    },
    /** Called whenever this node's own entries of a project change. */
    onLocalChange(fn: (projectId: number) => void): () => void {
      localChange.add(fn);
      return () => localChange.delete(fn);
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

/** The channel nodes share presence on (ephemeral, never stored). */
export const PRESENCE_CHANNEL = 'threadline_presence';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7500;

interface PresenceBus {
  listen(channel: string, cb: (payload: string) => void): () => void;
  publish(channel: string, payload: string): Promise<void>;
}

/**
 * Carries presence between nodes: a node sends its entries of a project when they change and
 * every 2 s while it has any; the others show them until replaced or for REMOTE_TTL_MS. A node
 * that dies simply stops refreshing, so its tabs disappear within seconds.
 */
export function createPresenceRelay(hub: PresenceHub, bus: PresenceBus, node: string): () => void {
  const dirty = new Set<number>();
  let flushTimer: NodeJS.Timeout | null = null;
  /** projects we told others about: an emptied one is sent once more, empty */
  const announced = new Set<number>();

  function send(projectId: number): void {
    let entries = hub.localSnapshot(projectId);
    if (entries.length === 0 && !announced.has(projectId)) return;
    if (entries.length === 0) announced.delete(projectId);
    else announced.add(projectId);
    let payload = JSON.stringify({ node, projectId, entries } satisfies RemotePresence);
    while (Buffer.byteLength(payload) > MAX_PAYLOAD && entries.length > 0) {
      entries = entries.slice(0, Math.floor(entries.length * 0.8));
      payload = JSON.stringify({ node, projectId, entries } satisfies RemotePresence);
    }
    void bus.publish(PRESENCE_CHANNEL, payload).catch(() => undefined);
  }

  const stopLocal = hub.onLocalChange((projectId) => {
    dirty.add(projectId);
    flushTimer ??= setTimeout(() => {
      flushTimer = null;
      for (const p of dirty) send(p);
      dirty.clear();
    }, 30);
  });
  const heartbeat = setInterval(() => {
    for (const p of new Set([...hub.localProjects(), ...announced])) send(p);
  }, 2000);
  heartbeat.unref();
  const stopListen = bus.listen(PRESENCE_CHANNEL, (payload) => {
    if (!payload) return;
    try {
      const msg = JSON.parse(payload) as RemotePresence;
      if (msg.node === node || typeof msg.projectId !== 'number' || !Array.isArray(msg.entries)) return;
      hub.applyRemote(msg);
    } catch {
      // not ours to read
    }
  });
  return () => {
    clearInterval(heartbeat);
    if (flushTimer) clearTimeout(flushTimer);
    stopLocal();
    stopListen();
    // Leaving: the other nodes drop our entries now instead of after their TTL.
    for (const p of announced) void bus.publish(PRESENCE_CHANNEL, JSON.stringify({ node, projectId: p, entries: [] })).catch(() => undefined);
  };
}
