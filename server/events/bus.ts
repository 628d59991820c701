/**
 * Publishes committed events to live subscribers. In-process today; the interface is what a
 * PostgreSQL LISTEN/NOTIFY bus would implement when several app nodes share one database.
 */
import type { StoredEvent } from './store';

export type EventListener = (event: StoredEvent) => void;

export interface EventBus {
  publish(event: StoredEvent): void;
  /** Listen to one project's events; returns the function that stops listening. */
  subscribe(projectId: number, listener: EventListener): () => void;
}

export function createInProcessBus(): EventBus {
  const listeners = new Map<number, Set<EventListener>>();
  return {
    publish(event) {
      const set = listeners.get(event.projectId);
      if (!set) return;
      for (const listener of set) listener(event);
    },
    subscribe(projectId, listener) {
      let set = listeners.get(projectId);
      if (!set) {
        set = new Set();
        listeners.set(projectId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(projectId);
      };
    },
  };
}
