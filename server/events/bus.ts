/**
 * Tells live subscribers that a project has new committed events. Subscribers then read the
 * events table after their last `seq`, so the table is the single source of order: no gaps and
 * no duplicates, whichever process committed. In-process today; PostgreSQL LISTEN/NOTIFY can
 * implement the same interface when several app nodes share one database.
 */
export type Wake = () => void;

export interface EventBus {
  publish(projectId: number): void;
  /** Wake every subscriber (another process committed something). */
  publishAll(): void;
  subscribe(projectId: number, wake: Wake): () => void;
  /** Woken after any commit that stored events (the outbox worker uses it to send at once). */
  subscribeAll(wake: Wake): () => void;
}

export function createInProcessBus(): EventBus {
  const listeners = new Map<number, Set<Wake>>();
  const everything = new Set<Wake>();
  return {
    publish(projectId) {
      for (const wake of listeners.get(projectId) ?? []) wake();
      for (const wake of everything) wake();
    },
    publishAll() {
      for (const set of listeners.values()) for (const wake of set) wake();
      for (const wake of everything) wake();
    },
    subscribeAll(wake) {
      everything.add(wake);
      return () => everything.delete(wake);
    },
    subscribe(projectId, wake) {
      let set = listeners.get(projectId);
      if (!set) {
        set = new Set();
        listeners.set(projectId, set);
      }
      set.add(wake);
      return () => {
        set.delete(wake);
        if (set.size === 0) listeners.delete(projectId);
      };
    },
  };
}
