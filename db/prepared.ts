/**
 * Hot statements built once. drizzle turns a query builder into SQL text on every call: ~85 µs
 * for the 20-column insert of a new ticket (more than SQLite then takes to run it), and ~0.5 ms
 * of the event loop's ~3 ms per ingested message in all. A statement made with `prepared()` has
 * placeholders (`sql.placeholder(name)`) where its values go, and gets them per call.
 *
 * On SQLite every write transaction runs on the one writer handle (`Tx` is the same object each
 * time) and reads on the one reader, so the statement is built and prepared once per handle and
 * reused. On PostgreSQL a transaction has a handle (a pool connection) of its own: the statement
 * is built once, and each call runs that built query on the caller's connection. (PostgreSQL
 * itself prepares it once per connection: db/client.ts names every statement by its text.)
 */
import { is, Param, Placeholder } from 'drizzle-orm';
import type { Q } from './client';
import { dialect } from './schema';

type Mode = 'get' | 'all' | 'run';
/** drizzle's NodePgPreparedQuery: its SQL text, parameters and result mapping, and the connection */
interface PgPrepared {
  client: unknown;
  execute(values: Values): Promise<unknown>;
}
type Values = Record<string, unknown>;
interface Built {
  prepare(): Record<Mode, (values: Values) => unknown> & { stmt?: { reader: boolean; raw(on: boolean): unknown } };
  execute(values: Values): Promise<unknown>;
}

/**
 * A value filled into a placeholder goes through its column's encoder even when it is null (a
 * builder given null binds NULL): a nullable JSON column would store the text 'null' (SQLite) or
 * JSON null (PostgreSQL) instead of SQL NULL. Each placeholder of `.values()` / `.set()` gets an
 * encoder that passes null through. (drizzle keeps them in `config.values` and `config.set`.)
 */
function passNulls(built: unknown): void {
  const config = (built as { config?: { values?: unknown; set?: unknown } }).config;
  const rows = [...(Array.isArray(config?.values) ? config.values : []), ...(config?.set && typeof config.set === 'object' ? [config.set] : [])] as Record<string, unknown>[];
  for (const row of rows) {
    for (const v of Object.values(row)) {
      if (!is(v, Param) || !is(v.value, Placeholder)) continue;
      const encoder = v.encoder;
      (v as { encoder: typeof encoder }).encoder = { mapToDriverValue: (x: unknown) => (x === null ? null : encoder.mapToDriverValue(x)) };
    }
  }
}

/**
 * `prepared('get', (q) => q.select().from(t).where(eq(t.id, sql.placeholder('id'))))` gives
 * `(q, { id }) => Promise<row | undefined>`. Placeholders in `.values()` / `.set()` are encoded
 * by their column like any value; in a condition they are passed as they are (numbers, strings).
 */
export function prepared<P extends Values, R>(mode: Mode, build: (q: Q) => unknown): (q: Q, values: P) => Promise<R> {
  const perHandle = new WeakMap<object, ReturnType<Built['prepare']>>();
  let pgQuery: PgPrepared | null = null;
  return async (q, values) => {
    // a value left out would be bound as NULL, where a builder would have used the column's default
    for (const k in values) if (values[k] === undefined) throw new Error(`prepared statement: no value for ${k}`);
    if (dialect() === 'pg') {
      const client = (q as unknown as { session?: { client?: unknown } }).session?.client;
      if (!pgQuery) {
        const built = build(q) as Built;
        passNulls(built);
        const query = built.prepare() as unknown as PgPrepared;
        // drizzle's node-postgres query keeps the connection it was built on in `client` and
        // reads it there on every run: a run on another connection needs an object of its own
        if (!client || query.client !== client) throw new Error('prepared statement: unexpected drizzle internals (no session client)');
        pgQuery = query;
      }
      const run = Object.create(pgQuery) as PgPrepared;
      run.client = client;
      const r = await run.execute(values);
      return (mode === 'get' && Array.isArray(r) ? r[0] : r) as R;
    }
    let stmt = perHandle.get(q);
    if (!stmt) {
      const built = build(q) as Built;
      passNulls(built);
      stmt = built.prepare();
      perHandle.set(q, stmt);
    }
    // better-sqlite3 statements are shared by SQL text (db/client.ts): another user may have
    // left this one in raw (array) mode
    if (stmt.stmt?.reader) stmt.stmt.raw(false);
    return (await stmt[mode](values)) as R;
  };
}
