/**
 * Full-text search over titles, descriptions and notes, on either engine:
 * - SQLite: FTS5 indexes kept by triggers (db/migrations/0002_search_fts.sql); since 0022 they hold
 *   no copy of the text (external content: the tickets and notes tables).
 * - PostgreSQL: a stored tsvector per ticket and note (`search_doc`, GIN-indexed), filled after
 *   the write by the search indexer (db/migrations-pg/0009_search_indexed_apart.sql); rows not
 *   indexed yet are matched through the same expression (`pgDocument`), so both must agree.
 *
 * Both take the same words from the user's text (`searchWords`): every word must match, as a
 * prefix, in the ticket's title + description or in a single note; no query syntax gets through.
 *
 * Differences on PostgreSQL, by design or by necessity:
 * - Diacritics are folded by the `unaccent` extension ("cafe" finds "café", as FTS5's
 *   remove_diacritics 2 does), and unaccent also expands ligatures ("strasse" finds "straße",
 *   which FTS5 does not). Where the extension could not be created the migration warns and
 *   search does not fold diacritics at all.
 * - Only the first 250,000 characters of a ticket's text or a note are indexed (a tsvector holds
 *   at most 1 MB of lexemes); words longer than 2,047 bytes are neither indexed nor required.
 * - Words are split like FTS5 for ASCII punctuation (replaced by spaces before parsing); other
 *   punctuation is split by PostgreSQL's parser, which needs a UTF-8 database locale (in the C
 *   locale every non-ASCII character counts as a letter, so `«word»` stays one token).
 */
import { sql, type SQL } from 'drizzle-orm';
import { dialect, tickets } from '../../../db/schema';

/** The words searched for: letters, digits and `_` runs of the NFKC-normalised input, at most 12. */
export function searchWords(input: string): string[] {
  return input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
    .slice(0, 12);
}

/** User text → an FTS5 query: every word must match, as a prefix; no FTS syntax gets through. */
export function ftsQuery(input: string): string | null {
  const words = searchWords(input);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replace(/"/g, '')}"*`).join(' ');
}

/**
 * User text → a PostgreSQL `to_tsquery` string: every word a quoted prefix lexeme
 * (`'w1':* & 'w2':*`). Words hold only letters, digits and `_`; quotes and backslashes are
 * escaped anyway, so no tsquery operator (`& | ! ( ) : * '`) in user text reaches the parser.
 */
export function pgTsQuery(input: string): string | null {
  const words = searchWords(input);
  if (words.length === 0) return null;
  return words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}

/** The text search configuration the `search` migration creates (simple + unaccent). */
const PG_CONFIG = sql.raw(`'threadline_search'::regconfig`);

/** The 32 ASCII punctuation characters, which become spaces before parsing (see `pgDocument`). */
const PG_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * The stored tsvector of a text expression (db/migrations-pg/0009_search_indexed_apart.sql, where
 * it is written with translate()): cut to 250,000 characters, the 32 ASCII punctuation
 * characters turned into spaces, parsed with `threadline_search`. No index holds this
 * expression: it fills `search_doc` and matches rows not indexed yet.
 *
 * The punctuation goes through 32 nested `replace()` calls rather than one `translate()`: the
 * text is the same byte for byte (each replace swaps one ASCII byte for a space, and ASCII bytes
 * never occur inside a UTF-8 sequence), so documents stored by the older form stay valid, but
 * translate() compares every character with each of the 32 candidates (a memcmp and a multibyte
 * length each), 1.8 ms of a 13 KB email, while 32 byte scans take 0.2 ms: with it, the document
 * was ~40% of PostgreSQL's CPU per ingested message (issue 14).
 */
export function pgDocument(text: SQL): SQL {
  const replaces = [...PG_PUNCTUATION].map((ch) => `, '${ch === "'" ? "''" : ch}', ' ')`).join('');
  return sql`to_tsvector(${PG_CONFIG}, ${sql.raw('replace('.repeat(PG_PUNCTUATION.length))}left(${text}, 250000)${sql.raw(replaces)})`;
}

/** A condition on `tickets` matching the search; internal notes only count for responders. */
export function ticketMatches(input: string, includeInternal: boolean): SQL | undefined {
  if (dialect() === 'pg') {
    const q = pgTsQuery(input);
    if (!q) return undefined;
    const query = sql`to_tsquery(${PG_CONFIG}, ${q})`;
    // The stored documents (GIN indexes), and rows the search indexer has not reached yet through
    // the same expression (partial indexes on `search_doc is null`): nothing fresh is missed.
    // `n.system = false` is the notes indexes' predicate: without it they are not used.
    const internal = includeInternal ? sql`` : sql` and n.internal = false`;
    return sql`${tickets.id} in (select t.id from tickets t where t.search_doc @@ ${query}
      union select t.id from tickets t where t.search_doc is null and ${pgDocument(sql`t.title || ' ' || t.description`)} @@ ${query}
      union select n.ticket_id from notes n where n.search_doc @@ ${query} and n.system = false${internal}
      union select n.ticket_id from notes n
        where n.search_doc is null and n.system = false and ${pgDocument(sql`n.body`)} @@ ${query}${internal})`;
  }
  const q = ftsQuery(input);
  if (!q) return undefined;
  // One IN over a UNION: SQLite builds the matching set once (an OR of two INs was ~25% slower).
  return sql`${tickets.id} in (select rowid from ticket_fts where ticket_fts match ${q}
    union select n.ticket_id from note_fts join notes n on n.id = note_fts.rowid
      where note_fts match ${q} ${includeInternal ? sql`` : sql`and n.internal = 0`})`;
}
