-- Search documents are stored and indexed apart from the write that changes the text (issue 14).
-- The GIN expression indexes of 0001_search computed to_tsvector of a whole ticket (title and
-- description, up to 250,000 characters) inside every INSERT, under the cluster-wide write lock:
-- ~5 ms of a 25 KB email's ingest. Now `search_doc` holds the same tsvector (same expression,
-- see server/domain/tickets/search.ts), filled after the commit by the search indexer
-- (server/domain/tickets/search-indexer.ts) in its own short transactions that take no cluster
-- lock. Until then a row has `search_doc IS NULL` and search matches it through the expression
-- itself (a partial index finds those rows), so results never miss a fresh ticket or note.
-- A change of the text empties `search_doc` (trigger), and the indexer fills it again.
ALTER TABLE tickets ADD COLUMN search_doc tsvector;
--> statement-breakpoint
ALTER TABLE notes ADD COLUMN search_doc tsvector;
--> statement-breakpoint
UPDATE tickets SET search_doc = to_tsvector('threadline_search'::regconfig, translate(left(title || ' ' || description, 250000), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                '));
--> statement-breakpoint
UPDATE notes SET search_doc = to_tsvector('threadline_search'::regconfig, translate(left(body, 250000), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')) WHERE system = false;
--> statement-breakpoint
DROP INDEX tickets_search_idx;
--> statement-breakpoint
DROP INDEX notes_search_idx;
--> statement-breakpoint
CREATE INDEX tickets_search_idx ON tickets USING gin (search_doc);
--> statement-breakpoint
CREATE INDEX notes_search_idx ON notes USING gin (search_doc) WHERE system = false;
--> statement-breakpoint
CREATE INDEX tickets_search_pending_idx ON tickets (id) WHERE search_doc IS NULL;
--> statement-breakpoint
CREATE INDEX notes_search_pending_idx ON notes (id) WHERE search_doc IS NULL AND system = false;
--> statement-breakpoint
CREATE FUNCTION threadline_ticket_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description THEN
    NEW.search_doc := NULL;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_search_stale BEFORE UPDATE OF title, description ON tickets
  FOR EACH ROW EXECUTE FUNCTION threadline_ticket_search_stale();
--> statement-breakpoint
CREATE FUNCTION threadline_note_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.body IS DISTINCT FROM OLD.body OR NEW.system IS DISTINCT FROM OLD.system THEN
    NEW.search_doc := NULL;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notes_search_stale BEFORE UPDATE OF body, system ON notes
  FOR EACH ROW EXECUTE FUNCTION threadline_note_search_stale();
