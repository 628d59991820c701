-- Full-text search (PostgreSQL; the queries are in server/domain/search.ts, which must use these
-- exact expressions or the indexes are not used). The SQLite engine uses FTS5 instead.
--
-- Documents: a ticket's title and description; a note's body, for non-system notes only. Each is
-- cut to its first 250,000 characters (a tsvector holds at most 1 MB of lexemes: longer text
-- could make an INSERT fail), ASCII punctuation becomes spaces (so `alice@example.com`,
-- `v2.3.1`, `/usr/bin` and `foo_bar` are split into words as SQLite's unicode61 tokenizer does,
-- instead of becoming one email/version/path token), and the words go through the
-- `threadline_search` configuration: `simple` (lowercase, no stemming, no stop words), plus
-- `unaccent` when that extension can be created, so "cafe" finds "café" as in FTS5 with
-- remove_diacritics. Without it (no contrib package, or no privilege) search still works but
-- does not fold diacritics; the migration only warns.
CREATE TEXT SEARCH CONFIGURATION threadline_search (COPY = pg_catalog.simple);
--> statement-breakpoint
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS unaccent;
  ALTER TEXT SEARCH CONFIGURATION threadline_search
    ALTER MAPPING FOR word, numword, hword, hword_part, numhword, hword_numpart WITH unaccent, simple;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'threadline: unaccent is unavailable (%); search will not fold diacritics', SQLERRM;
END
$$;
--> statement-breakpoint
CREATE INDEX tickets_search_idx ON tickets USING gin (
  to_tsvector('threadline_search'::regconfig, translate(left(title || ' ' || description, 250000), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                '))
);
--> statement-breakpoint
CREATE INDEX notes_search_idx ON notes USING gin (
  to_tsvector('threadline_search'::regconfig, translate(left(body, 250000), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                '))
) WHERE system = false;
