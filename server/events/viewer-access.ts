/**
 * What a live viewer may still see of a project, re-read at most once a second: a sign-out or a
 * removal takes effect within a second without re-reading on every event. The answer belongs to
 * the session, not the subscription, so every subscription of one session (several tabs, several
 * subscriptions per tab) shares one check instead of each querying on its own.
 */
import { AppError } from '../../shared/errors';
import { ACCESS } from '../../shared/roles';
import { currentAccess, type ProjectRow } from '../domain/accounts/access';
import type { DomainCtx } from '../domain/core/context';
import { resolveSession } from '../domain/accounts/sessions';

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
}

export interface ViewerAccess {
  /** The viewer's access now (at most a second old); rejects with an AppError once it is gone. */
  current(): Promise<number>;
  release(): void;
}

export type ViewerAccessBoard = (project: ProjectRow, sessionToken: string | undefined, userId: number) => ViewerAccess;

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

  const read = async (project: ProjectRow, token: string | undefined, userId: number): Promise<number | AppError> => {
    const user = await resolveSession(dc, token);
    if (!user || user.id !== userId) return new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
    const access = await currentAccess(dc.db, project, user);
    if (access === ACCESS.none) return new AppError('FORBIDDEN', 'You no longer have access to this project.');
    return access;
  };

  /** Re-reads a check (once at a time); the answer counts from when the read started. */
  const refresh = (c: Check): Promise<void> => {
    if (!c.reading) {
      const t = now();
      c.reading = read(c.project, c.token, c.userId)
        .then((result) => {
          c.result = result;
          c.checkedAt = t;
        })
        .finally(() => {
          c.reading = null;
        });
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

  return (project, token, userId) => {
    const key = `${project.id}:${userId}:${token ?? ''}`;
    let check = checks.get(key);
    if (!check) {
      check = { project, token, userId, checkedAt: -Infinity, result: ACCESS.none, holders: 0, reading: null };
      checks.set(key, check);
      startRefreshing();
    }
    const mine = check;
    mine.holders++;
    let released = false;
    return {
      async current() {
        if (now() - mine.checkedAt >= TTL_MS) await refresh(mine);
        if (mine.result instanceof AppError) throw mine.result;
        return mine.result;
      },
      release() {
        if (released) return;
        released = true;
        if (--mine.holders === 0) checks.delete(key);
        stopRefreshingIfIdle();
      },
    };
  };
}
