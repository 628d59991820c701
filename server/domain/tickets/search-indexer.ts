/**
 * PostgreSQL only: fills `search_doc` of tickets and notes written since the last pass (see
 * db/migrations-pg/0009_search_indexed_apart.sql). Computing the tsvector of a 25 KB email took
 * ~5 ms inside the ingest transaction, under the cluster-wide write lock; here it runs after the
 * commit, in short transactions of its own that take no cluster lock (`{ lock: false }`: they
 * change only `search_doc`, emit no events, and lock their rows with SKIP LOCKED, so several
 * nodes share the work without waiting on each other). Search never waits for it: a row whose
 * document is not stored yet is matched through the same expression (`ticketMatches`).
 */
import { sql } from 'drizzle-orm';
import type { DomainCtx } from '../core/context';
import { log } from '../../log';
import { pgDocument } from './search';

const BATCH = 50;
/** a pass also runs this often without a wake-up (rows of a node that died mid-way) */
const IDLE_PASS_MS = 5_000;
/** wake-ups within this time share one pass */
const DEBOUNCE_MS = 30;

/**
 * One batch of each table; how many rows it indexed. One statement (both UPDATEs in a CTE), so a
 * pass costs three round trips (BEGIN, this, COMMIT) however many rows it indexes.
 */
export async function indexSearchDocuments(dc: DomainCtx, limit = BATCH): Promise<number> {
  return dc.db.write(async (tx) => {
    const [row] = await dc.db.rows<{ n: number }>(
      sql`with t as (
             update tickets set search_doc = ${pgDocument(sql`title || ' ' || description`)}
             where id in (select id from tickets where search_doc is null order by id limit ${limit} for update skip locked)
             returning 1),
           n as (
             update notes set search_doc = ${pgDocument(sql`body`)}
             where id in (select id from notes where search_doc is null and system = false order by id limit ${limit} for update skip locked)
             returning 1)
           select (select count(*) from t) + (select count(*) from n) as n`,
      tx,
    );
    return Number(row?.n ?? 0);
  }, { lock: false });
}

/** Starts the indexer (PostgreSQL; a no-op on SQLite, whose FTS5 triggers index in the write). */
export function startSearchIndexer(dc: DomainCtx): () => Promise<void> {
  if (dc.db.engine !== 'pg') return async () => undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  const pass = async () => {
    do {
      again = false;
      try {
        // fewer than a batch of each table: nothing was left (rows written meanwhile kick again)
        while (!stopped && (await indexSearchDocuments(dc)) >= BATCH);
      } catch (err) {
        if (!stopped) log.warn('search indexing failed; retrying later', { err });
      }
    } while (again && !stopped);
  };
  const kick = (delay = DEBOUNCE_MS) => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = pass().finally(() => {
        running = null;
        kick(IDLE_PASS_MS);
      });
    }, delay);
    timer.unref();
  };
  const unsubscribe = dc.bus.subscribeAll(() => kick());
  kick();
  return async () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    await running;
  };
}
