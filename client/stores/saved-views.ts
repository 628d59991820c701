/**
 * The queue's saved views and their live counts: each view's counts are read once, then patched
 * from the project's events by the same rules as the queue's own counts (count-patch.ts); only
 * when an event cannot tell is a view's count read again, debounced. The list itself is read again
 * when the project's saved views change, keeping the counts of views that did not change.
 */
import { createEffect, createSignal, onCleanup } from 'solid-js';
import type { SavedViewView } from '../../shared/views';
import { api } from '../lib/trpc';
import { viewToQueueFilter } from '../lib/view-filters';
import { patchCounts, type QueueCounts } from './count-patch';
import { followProject } from './live';
import { me } from './session';

export function createSavedViews(projectPath: () => string) {
  const [views, setViews] = createSignal<SavedViewView[]>([]);
  const [counts, setCounts] = createSignal<Map<number, QueueCounts>>(new Map());
  let generation = 0;
  let stopFollowing: (() => void) | null = null;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  const input = (v: SavedViewView) => {
    const { state: _state, sort: _sort, ...rest } = v.filters;
    return { projectPath: projectPath(), ...rest };
  };
  function readCount(v: SavedViewView, gen: number): void {
    void api.tickets.counts
      .query(input(v))
      .then((c) => gen === generation && setCounts((m) => new Map(m).set(v.id, c)))
      .catch(() => undefined);
  }
  function readCountSoon(v: SavedViewView, gen: number): void {
    if (timers.has(v.id)) return;
    timers.set(
      v.id,
      setTimeout(() => {
        timers.delete(v.id);
        if (gen === generation) readCount(v, gen);
      }, 1500 + Math.random() * 1000),
    );
  }

  /**
   * The list read again after someone saved or removed a view (anyone's: the event names none).
   * Spread over a second so a team's open queues do not all ask at once; counts are kept for every
   * view whose filters did not change, and read only for new or changed ones.
   */
  /** Reads the list again, keeping the counts of views whose filters did not change. */
  function refreshList(path: string, gen: number): Promise<void> {
    return api.savedViews.list
      .query({ projectPath: path })
      .then((list) => {
        if (gen !== generation) return;
        const before = new Map(views().map((v) => [v.id, JSON.stringify(v.filters)]));
        const kept = new Map<number, QueueCounts>();
        for (const v of list) {
          const c = counts().get(v.id);
          if (c && before.get(v.id) === JSON.stringify(v.filters)) kept.set(v.id, c);
        }
        setViews(list);
        setCounts(kept);
        for (const v of list) if (!kept.has(v.id)) readCount(v, gen);
      })
      .catch(() => undefined);
  }

  /**
   * After someone saved or removed a view (anyone's: the event names none), spread over a second
   * so a team's open queues do not all ask at once.
   */
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  function refreshListSoon(path: string, gen: number): void {
    if (listTimer) return;
    listTimer = setTimeout(() => {
      listTimer = null;
      if (gen === generation) void refreshList(path, gen);
    }, 200 + Math.random() * 800);
  }

  async function load(path: string): Promise<void> {
    const gen = ++generation;
    stopFollowing?.();
    stopFollowing = null;
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    const { lastEventId } = await api.tickets.list.query({ projectPath: path, limit: 1 });
    const list = await api.savedViews.list.query({ projectPath: path });
    if (gen !== generation) return;
    setViews(list);
    setCounts(new Map());
    for (const v of list) readCount(v, gen);
    stopFollowing = followProject(
      path,
      Number(lastEventId),
      ({ event }) => {
        if (event.type === 'saved_views.changed') return refreshListSoon(path, gen);
        const myId = me()?.id ?? 0;
        for (const v of views()) {
          const c = counts().get(v.id);
          if (!c) continue;
          const next = patchCounts(c, event, viewToQueueFilter(v.filters, myId), undefined);
          if (next) {
            if (next !== c) setCounts((m) => new Map(m).set(v.id, next));
          } else readCountSoon(v, gen);
        }
      },
      () => undefined,
    );
  }

  createEffect(() => {
    const path = projectPath();
    void load(path).catch(() => undefined);
  });
  onCleanup(() => {
    generation++;
    if (listTimer) clearTimeout(listTimer);
    stopFollowing?.();
    for (const t of timers.values()) clearTimeout(t);
  });

  return {
    views,
    counts,
    reload: () => load(projectPath()),
    /** This tab saved or removed a view: show it now, not after the event and the spread. */
    changedHere: () => refreshList(projectPath(), generation),
  };
}
