/**
 * Notices commits made by other processes on the same SQLite file (the CLI's `desk ingest`, an
 * MTA pipe) through `PRAGMA data_version`, and wakes subscribers so their events appear live.
 */
import type { Db } from '../../db/client';
import type { EventBus } from './bus';

export function watchExternalCommits(db: Db, bus: EventBus, intervalMs = 200): () => void {
  const read = () => db.$client.pragma('data_version', { simple: true }) as number;
  let last = read();
  const timer = setInterval(() => {
    const now = read();
    if (now !== last) {
      last = now;
      bus.publishAll();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
