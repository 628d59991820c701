/**
 * What a live viewer may still see of a project, kept in memory so delivering an event never
 * queries. A change of access (a removed member, a new role, the admin flag, a deactivation, a
 * sign-out) is an `access.changed` event in the project's events order
 * (domain/accounts/access-signal.ts): a stream that reaches one for its viewer marks the check
 * stale and waits for a read that started after it, so nothing committed after the change is
 * delivered on the old answer — on every node, whichever process made the change. The checks are
 * also re-read at most a second apart, as a safety net (a session that merely expires, a
 * project's visibility, rows changed by hand). The answer belongs to the session, not the subscription, so every subscription of one
 * session (several tabs, several subscriptions per tab) shares one check.
 */
import { AppError } from '../../shared/errors';
import { ACCESS } from '../../shared/roles';
import { currentAccess, type ProjectRow } from '../domain/accounts/access';
import type { DomainCtx } from '../domain/core/context';
import { resolveSession } from '../domain/accounts/sessions';
import { ACCESS_CHANGED, type StoredEvent } from './store';

const TTL_MS = 1000;

interface Check {
  project: ProjectRow;
  token: string | undefined;
  userId: number;
  checkedAt: number;
  /** the access level, or why the viewer may no longer see the project */
  result: number | AppError;
  holders: number;
  /** the read in flight: the refresher and every `current()` waiting on this check share it */
  reading: Promise<void> | null;
  /** bumped when access changed: a read started before that must not count as fresh */
  generation: number;
  readingGeneration: number;
  /** the last `access.changed` event (seq) that marked this check stale: each marks it once */
  changedThrough: number;
  /** the holders' wake-ups: a stream waiting for events re-checks at once */
  onStale: Set<() => void>;
}

export interface ViewerAccess {
  /** The viewer's access now (at most a second old); rejects with an AppError once it is gone. */
  current(): Promise<number>;
  /** `cb` runs when this viewer's access may have changed (the stream should re-check now). */
  onStale(cb: () => void): void;
  /**
   * A stream reached this `access.changed` event: true when it names this viewer, whose check is
   * then stale (unless this event or a later one made it so already). `current()` re-reads next.
   */
  changedBy(e: StoredEvent): boolean;
  release(): void;
}

export type ViewerAccessBoard = ((project: ProjectRow, sessionToken: string | undefined, userId: number) => ViewerAccess) & {
  /**
   * An `access.changed` event was read: the named users' checks of its project are stale from
   * now on (once per event and check; a check already marked by a later event stays as it is).
   */
  accessChanged(e: StoredEvent): void;
  /** how many access reads this board has made (tests) */
  readonly reads: number;
};

/**
 * `refreshEveryMs` > 0 re-reads the checks in the background before they expire, each at its own
 * phase, so delivering an event never waits on a query (all subscribers expiring on the same
 * event was the fan-out's p99). `current()` still reads itself when a check is a second old
 * (sharing a read the refresher already has in flight).
 */
export function createViewerAccessBoard(dc: DomainCtx, now: () => number = Date.now, opts: { refreshEveryMs?: number } = {}): ViewerAccessBoard {
  const checks = new Map<string, Check>();
  const refreshEveryMs = opts.refreshEveryMs ?? 100;
  let timer: ReturnType<typeof setInterval> | null = null;

  let reads = 0;
  const read = async (project: ProjectRow, token: string | undefined, userId: number): Promise<number | AppError> => {
    reads++;
    const user = await resolveSession(dc, token);
    if (!user || user.id !== userId) return new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
    const access = await currentAccess(dc.db, project, user);
    if (access === ACCESS.none) return new AppError('FORBIDDEN', 'You no longer have access to this project.');
    return access;
  };

  /**
   * Re-reads a check (once at a time); the answer counts from when the read started, and not at
   * all when access changed meanwhile (the read may have seen the rows before the change).
   */
  const refresh = (c: Check): Promise<void> => {
    if (!c.reading || c.readingGeneration !== c.generation) {
      const t = now();
      const generation = c.generation;
      const reading: Promise<void> = read(c.project, c.token, c.userId)
        .then((result) => {
          if (c.generation !== generation) return;
          c.result = result;
          c.checkedAt = t;
        })
        .finally(() => {
          if (c.reading === reading) c.reading = null;
        });
      c.reading = reading;
      c.readingGeneration = generation;
    }
    return c.reading;
  };

  const refreshDue = () => {
    const t = now();
    for (const c of checks.values()) {
      // A failed background read leaves the check to expire: `current()` then reads and reports the failure.
      if (c.holders > 0 && t - c.checkedAt >= TTL_MS - 2 * refreshEveryMs) refresh(c).catch(() => undefined);
    }
  };
  const startRefreshing = () => {
    if (timer || refreshEveryMs <= 0) return;
    timer = setInterval(refreshDue, refreshEveryMs);
    timer.unref();
  };
  const stopRefreshingIfIdle = () => {
    if (timer && checks.size === 0) {
      clearInterval(timer);
      timer = null;
    }
  };

  const board = ((project, token, userId) => {
    const key = `${project.id}:${userId}:${token ?? ''}`;
    let check = checks.get(key);
    if (!check) {
      check = { project, token, userId, checkedAt: -Infinity, result: ACCESS.none, holders: 0, reading: null, generation: 0, readingGeneration: -1, changedThrough: 0, onStale: new Set() };
      checks.set(key, check);
      startRefreshing();
    }
    const mine = check;
    mine.holders++;
    let released = false;
    let wake: (() => void) | null = null;
    return {
      async current() {
        while (now() - mine.checkedAt >= TTL_MS) {
          const generation = mine.generation;
          await refresh(mine);
          // A read of the current generation is the answer for this call, however long it took
          // (a slow read would otherwise be stale on return and read again, forever). Only a
          // change of access during the read (it may predate the change) makes it read again.
          if (mine.generation === generation) break;
        }
        if (mine.result instanceof AppError) throw mine.result;
        return mine.result;
      },
      changedBy(e) {
        if (e.event.type !== ACCESS_CHANGED || e.projectId !== mine.project.id || !e.event.users.includes(mine.userId)) return false;
        board.accessChanged(e);
        return true;
      },
      onStale(cb) {
        if (wake) mine.onStale.delete(wake);
        mine.onStale.add((wake = cb));
      },
      release() {
        if (released) return;
        released = true;
        if (wake) mine.onStale.delete(wake);
        if (--mine.holders === 0) checks.delete(key);
        stopRefreshingIfIdle();
      },
    };
  }) as ViewerAccessBoard;
  Object.defineProperty(board, 'reads', { get: () => reads });
  board.accessChanged = (e) => {
    if (e.event.type !== ACCESS_CHANGED) return;
    const users = new Set(e.event.users);
    for (const c of checks.values()) {
      if (c.project.id !== e.projectId || !users.has(c.userId) || c.changedThrough >= e.seq) continue;
      // A read started from here on sees the change (it was committed before it was read), and
      // every change with a lower seq: a later event's mark covers the earlier ones.
      c.changedThrough = e.seq;
      c.generation++;
      c.checkedAt = -Infinity;
      // read now, so the stream's next delivery most likely finds the answer ready
      refresh(c).catch(() => undefined);
      for (const cb of c.onStale) cb();
    }
  };
  return board;
}

// One board per running app (tests start several in one process).
const boards = new WeakMap<DomainCtx, ViewerAccessBoard>();

/** The app's board (the event feed tells it of the `access.changed` events it reads: app.ts). */
export function viewerAccessBoard(dc: DomainCtx): ViewerAccessBoard {
  let board = boards.get(dc);
  if (!board) boards.set(dc, (board = createViewerAccessBoard(dc)));
  return board;
}
