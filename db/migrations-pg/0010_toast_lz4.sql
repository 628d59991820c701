-- Large values are compressed with lz4 instead of pglz (issue 14). Every ingested email stores
-- its raw bytes, its text and sanitised HTML, a tsvector, and the thank-you email; pglz
-- compressing them was 11% of PostgreSQL's CPU per message (perf, bench ingest-cpu), lz4 does
-- the same work several times faster (psql: 1,000 inserts of 13 KB text 155 → 40 ms) for a
-- somewhat larger result. Only values written from now on use lz4; older ones stay pglz and
-- are read as before. A server built without lz4 keeps pglz: the migration only warns.
-- PostgreSQL 13 has no per-column compression (SET COMPRESSION is 14+): nothing changes there.
-- The statements run through EXECUTE, so PL/pgSQL does not reject the block's syntax on 13
-- before the version check can skip it.
DO $$
BEGIN
  IF current_setting('server_version_num')::int < 140000 THEN
    RAISE NOTICE 'threadline: PostgreSQL before 14 compresses with pglz only; nothing to change';
    RETURN;
  END IF;
  EXECUTE 'ALTER TABLE raw_messages ALTER COLUMN bytes SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE file_blobs ALTER COLUMN bytes SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE outbox ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN spec SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE tickets ALTER COLUMN description SET COMPRESSION lz4, ALTER COLUMN description_html SET COMPRESSION lz4, '
    'ALTER COLUMN customer_description SET COMPRESSION lz4, ALTER COLUMN customer_description_html SET COMPRESSION lz4, '
    'ALTER COLUMN search_doc SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE notes ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN body_html SET COMPRESSION lz4, '
    'ALTER COLUMN search_doc SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  -- a server built without lz4 ("compression method lz4 not supported")
  RAISE WARNING 'threadline: lz4 compression is unavailable (%); large values stay pglz-compressed', SQLERRM;
END
$$;
