/**
 * Full-text search over titles, descriptions and notes. The one SQLite-specific module (FTS5
 * tables and triggers in db/migrations/0002_search_fts.sql); a PostgreSQL build would put
 * tsvector queries here behind the same function.
 */
import { sql, type SQL } from 'drizzle-orm';
import { tickets } from '../../db/schema';

/** User text → an FTS5 query: every word must match, as a prefix; no FTS syntax gets through. */
export function ftsQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replace(/"/g, '')}"*`).join(' ');
}

/** A condition on `tickets` matching the search; internal notes only count for responders. */
export function ticketMatches(input: string, includeInternal: boolean): SQL | undefined {
  const q = ftsQuery(input);
  if (!q) return undefined;
  // One IN over a UNION: SQLite builds the matching set once (an OR of two INs was ~25% slower).
  return sql`${tickets.id} in (select rowid from ticket_fts where ticket_fts match ${q}
    union select n.ticket_id from note_fts join notes n on n.id = note_fts.rowid
      where note_fts match ${q} ${includeInternal ? sql`` : sql`and n.internal = 0`})`;
}
