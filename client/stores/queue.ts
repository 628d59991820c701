/**
 * One project's queue for one filter: a snapshot from `tickets.list`, then patched from live
 * events that start right after that snapshot's `lastEventId`. Changing the filter takes a new
 * snapshot and follows again from there.
 */
import { createEffect, createSignal, onCleanup } from 'solid-js';
import type { TicketSummary } from '../../shared/views';
import { isTicketEvent } from '../../shared/events';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { followProject } from './live';
import { patchCounts, type QueueCounts } from './count-patch';
import { orderFor, patchQueue, type QueueFilter } from './queue-patch';
import { queueCountsInput, queueListInput } from '../../shared/queue-filter';
import { noteAuthError } from './session';

/** How many closed tickets with a customer's unanswered message the Open tab looks at ("10+" beyond). */
export const REPLIED_CLOSED_LIMIT = 10;

/**
 * `repliedClosed`: on the Open tab, for responders, the closed tickets (under the same filters)
 * whose customer wrote after the close and has no public reply yet. They stay closed (SPEC:
 * "reopen on external note" is off by default), so the Open tab says they are there. Read with the
 * "waiting longest" order (they come first) and kept live from the same follow.
 */
export function createQueue(projectPath: () => string, filter: () => QueueFilter, watchClosed?: boolean) {
  const [repliedClosed, setRepliedClosed] = createSignal<TicketSummary[]>([]);
  const [items, setItems] = createSignal<TicketSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [nextCursor, setNextCursor] = createSignal<string | null>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [counts, setCounts] = createSignal<QueueCounts | null>(null);
  let stopFollowing: (() => void) | null = null;
  let generation = 0;
  let countsTimer: ReturnType<typeof setTimeout> | undefined;

  function stop(): void {
    generation++;
    clearTimeout(countsTimer);
    countsTimer = undefined;
    stopFollowing?.();
    stopFollowing = null;
  }

  function fetchCounts(path: string, f: QueueFilter, gen: number): void {
    api.tickets.counts
      .query(queueCountsInput(path, f))
      .then((next) => gen === generation && setCounts(next))
      .catch(() => undefined);
  }

  /** At most one counts query per couple of seconds, however many events arrive. */
  function refetchCountsSoon(path: string, f: QueueFilter, gen: number): void {
    if (countsTimer !== undefined) return;
    countsTimer = setTimeout(() => {
      countsTimer = undefined;
      if (gen === generation) fetchCounts(path, f, gen);
    }, 1500 + Math.random() * 1000);
  }

  createEffect(() => {
    const path = projectPath();
    const f = filter();
    stop();
    const gen = generation;
    setError(null);
    fetchCounts(path, f, gen);
    const fc: QueueFilter = { ...f, state: 'closed', sort: 'waiting' };
    const closedOnes = (list: TicketSummary[]) => list.filter((t) => t.waitingSince);
    const watching = watchClosed && f.state === 'opened';
    setRepliedClosed([]);
    api.tickets.list
      .query(queueListInput(path, f))
      .then((page) => {
        if (gen !== generation) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        lastLoaded = page.items.at(-1) ?? null;
        setLoaded(true);
        const from = Number(page.lastEventId);
        // The closed list is read after the first page, in a request of its own (a batch answers
        // with its slowest query): until it is there, events for it wait; then those after its
        // own snapshot are applied.
        let closedFrom: number | null = null;
        const waiting: { seq: number; event: Parameters<typeof patchQueue>[1] }[] = [];
        stopFollowing = followProject(
          path,
          from,
          ({ seq, event }) => {
            if (watching) {
              if (closedFrom === null) waiting.push({ seq, event });
              else if (seq > closedFrom) setRepliedClosed((list) => closedOnes(patchQueue(list, event, fc)));
            }
            const current = items();
            const iid = event.type === 'ticket.hidden' ? event.iid : isTicketEvent(event) ? event.ticket.iid : null;
            const known = iid === null ? undefined : current.find((t) => t.iid === iid);
            const c = counts();
            if (c) {
              const next = patchCounts(c, event, f, known);
              if (next) setCounts(next);
              else refetchCountsSoon(path, f, gen);
            }
            setItems(withinLoaded(patchQueue(current, event, f), f));
          },
          setError,
        );
        if (!watching) return;
        setTimeout(() => {
          if (gen !== generation) return;
          api.tickets.list
            .query({ ...queueListInput(path, fc), limit: REPLIED_CLOSED_LIMIT })
            .then((closed) => {
              if (gen !== generation) return;
              const at = Number(closed.lastEventId);
              let list = closedOnes(closed.items);
              for (const w of waiting.splice(0)) if (w.seq > at) list = closedOnes(patchQueue(list, w.event, fc));
              closedFrom = at;
              setRepliedClosed(list);
            })
            .catch(() => {
              // not shown then; its events are not kept either
              closedFrom = Number.POSITIVE_INFINITY;
              waiting.length = 0;
            });
        }, 0);
      })
      .catch((err: unknown) => {
        if (gen !== generation) return;
        noteAuthError(err);
        setError(errorMessage(err));
        setLoaded(true);
      });
  });
  onCleanup(stop);

  /**
   * With older pages still to load, a row an event moved below the last row loaded from the server
   * is left out: the next page brings it at its place ("waiting longest": an answered ticket goes to
   * the end; it must not stay on page one, nor be skipped by "load more" as already shown).
   */
  let lastLoaded: TicketSummary | null = null;
  function withinLoaded(list: TicketSummary[], f: QueueFilter): TicketSummary[] {
    const bound = lastLoaded;
    if (!nextCursor() || !bound) return list;
    const order = orderFor(f.sort);
    return list.some((t) => order(t, bound) > 0) ? list.filter((t) => order(t, bound) <= 0) : list;
  }

  /** Older tickets: rows the live patches already brought in are not repeated. */
  async function loadMore(): Promise<void> {
    const cursor = nextCursor();
    if (!cursor || loadingMore()) return;
    const gen = generation;
    const f = filter();
    setLoadingMore(true);
    try {
      const page = await api.tickets.list.query({ ...queueListInput(projectPath(), f), cursor });
      if (gen !== generation) return;
      setItems((current) => {
        const known = new Set(current.map((t) => t.iid));
        return [...current, ...page.items.filter((t) => !known.has(t.iid))];
      });
      setNextCursor(page.nextCursor);
      lastLoaded = page.items.at(-1) ?? lastLoaded;
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }

  /** This user marked a row unread (its read time is theirs alone: no event carries it). */
  function markUnreadHere(iid: number): void {
    setItems((list) => list.map((t) => (t.iid === iid ? { ...t, readAt: null } : t)));
  }

  return { items, loaded, error, nextCursor, loadingMore, loadMore, counts, markUnreadHere, repliedClosed };
}
