/**
 * The order of "waiting longest": tickets nobody waits on (`waiting_since` null) sort after every
 * waiting one. One expression for the index (db/schema/*) and the queries that must match it
 * exactly, on both engines: a constant, never a bound parameter, or the planners ignore the index;
 * and a CASE rather than coalesce(), whose comma drizzle-kit splits in SQLite index expressions.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** After every real timestamp (ms), still a safe integer on both engines. */
export const NOT_WAITING = 9007199254740991;

export function waitKey(column: AnyColumn | SQL): SQL {
  return sql`(case when ${column} is null then ${sql.raw(String(NOT_WAITING))} else ${column} end)`;
}
