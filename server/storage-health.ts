/**
 * Can this node store mail? A load balancer must be able to take out a node whose data disk is
 * full or read-only (SMTP already answers 4xx and loses nothing, but the node keeps its place in
 * rotation otherwise). `/healthz` reads the last answer; it never writes or waits per probe.
 *
 * Checked in the background every few seconds with two reads (statfs, access), no write:
 * - free space on DATA_DIR's disk below 1.5 × MAX_EMAIL_SIZE (Postfix's rule for refusing mail:
 *   the largest message we accept would not fit) → `disk-full`;
 * - DATA_DIR not writable (read-only file system, permissions) → `data-dir-not-writable`.
 * A store that failed for such a reason (SQLite full, ENOSPC, EDQUOT: a quota statfs cannot see; EROFS)
 * is reported here and counts at once; from then on the background check also writes a small
 * probe file, until it succeeds, so the node comes back by itself.
 */
import { constants } from 'node:fs';
import { access, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { log } from './log';

export type StorageProblem = 'disk-full' | 'data-dir-not-writable';

export interface StorageState {
  problem: StorageProblem | null;
  /** the operator's sentence, when there is a problem */
  message?: string;
}

export interface StorageHealth {
  state(): StorageState;
  /** A store failed: when for a storage reason, the node is unhealthy until a check proves otherwise. */
  reportFailure(err: unknown): void;
  /** Checks now (start, tests); the timer does it every `intervalMs`. */
  check(): Promise<StorageState>;
  stop(): void;
}

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
/**
 * The storage problem an error from a failed store shows, if any. Only what the probe file can
 * prove over: no room, or a read-only file system. A database that refuses writes for another
 * reason (SQLITE_READONLY: its own file's permissions, `query_only`) is not the disk's state and
 * would keep a node out of rotation on a guess; DATA_DIR's own write access is checked anyway.
 */
export function storageProblemOf(err: unknown): StorageProblem | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (FULL_CODES.has(code)) return 'disk-full';
    if (code === 'EROFS') return 'data-dir-not-writable';
  }
  return null;
}

/**
 * Whether a store failed for lack of room, here (storageProblemOf) or in PostgreSQL (disk_full,
 * SQLSTATE 53100: its disk, not this node's DATA_DIR, so not this node's health): transient, not
 * the message's fault, so ingest answers 4xx and the sender retries instead of a quarantine.
 */
export function noRoomToStore(err: unknown): boolean {
  if (storageProblemOf(err)) return true;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '53100') return true;
  }
  return false;
}

/**
 * The watcher for PostgreSQL nodes: their mail (raw messages, attachments) is stored in the
 * database, and DATA_DIR holds only the key and the outbox folder (while no SMTP server is set,
 * and a write there that fails is retried), so its disk is not the node's ability to take mail:
 * /healthz and SMTP never turn a node away for it. PostgreSQL's own disk is its health (a failed
 * store answers 4xx, see noRoomToStore).
 */
export function noStorageWatch(): StorageHealth {
  const ok: StorageState = { problem: null };
  return { state: () => ok, reportFailure() {}, check: async () => ok, stop() {} };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function watchStorage(opts: { dataDir: string; maxEmailSize: number; intervalMs?: number }): StorageHealth {
  const minFree = Math.ceil(opts.maxEmailSize * 1.5);
  let current: StorageState = { problem: null };
  /** a store failed for a storage reason: only a write proves it is over */
  let reported: StorageState | null = null;
  let running: Promise<StorageState> | null = null;

  function set(next: StorageState): StorageState {
    if (next.problem !== current.problem) {
      if (next.problem) log.error('this node cannot store mail; /healthz answers 503', { reason: next.problem, message: next.message });
      else log.info('this node can store mail again; /healthz answers 200', { was: current.problem });
    }
    current = next;
    return next;
  }

  async function inspect(): Promise<StorageState> {
    try {
      await access(opts.dataDir, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      return { problem: 'data-dir-not-writable', message: `DATA_DIR (${opts.dataDir}) cannot be written (${code || (err as Error).message}): fix the file system, owner or permissions.` };
    }
    try {
      const fs = await statfs(opts.dataDir);
      const free = fs.bavail * fs.bsize;
      if (free < minFree) {
        return { problem: 'disk-full', message: `The disk holding DATA_DIR (${opts.dataDir}) has ${megabytes(free)} free, less than the ${megabytes(minFree)} needed to store the largest message (1.5 × MAX_EMAIL_SIZE): free some space.` };
      }
    } catch (err) {
      log.warn('could not read the free space of DATA_DIR', { err });
    }
    const failed = reported;
    if (!failed) return { problem: null };
    // A store failed although the disk looks fine (a quota, a file system that refuses): only a
    // write shows that it is over. Only here, while unhealthy, never on a probe.
    const probe = path.join(opts.dataDir, `.storage-check-${process.pid}`);
    try {
      await writeFile(probe, 'threadline\n');
      await unlink(probe);
      if (reported === failed) reported = null;
      return { problem: null };
    } catch (err) {
      await unlink(probe).catch(() => {});
      return { problem: storageProblemOf(err) ?? failed.problem, ...(failed.message ? { message: failed.message } : {}) };
    }
  }

  function check(): Promise<StorageState> {
    running ??= inspect()
      // a failure reported while this check ran (without a probe) stands until the next one
      .then((next) => (reported && !next.problem ? current : set(next)))
      .finally(() => (running = null));
    return running;
  }

  const timer = setInterval(() => void check(), opts.intervalMs ?? 2_000);
  timer.unref();
  void check();

  return {
    state: () => current,
    reportFailure(err) {
      const problem = storageProblemOf(err);
      if (!problem) return;
      reported = {
        problem,
        message:
          problem === 'disk-full'
            ? `Storing a message failed: the disk holding DATA_DIR (${opts.dataDir}) is full (${(err as { code?: string }).code ?? problem}): free some space.`
            : `Storing a message failed: the file system holding DATA_DIR (${opts.dataDir}) is read-only: fix it, then it is used again by itself.`,
      };
      set(reported);
    },
    check,
    stop: () => clearInterval(timer),
  };
}
