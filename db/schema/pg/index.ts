/**
 * The PostgreSQL tables: the same tables, columns, indexes and TypeScript row types as
 * `../sqlite` (checked by db/schema-parity.test.ts). Millisecond timestamps, sizes and IMAP UIDs
 * are `bigint` read as JS numbers; booleans are `boolean`; JSON is `jsonb`; bytes are `bytea`.
 * Full-text search indexes live in db/migrations-pg (the `search` migration), not here.
 */
export * from './accounts';
export * from './projects';
export * from './tickets';
export * from './mail';
export * from './mail-settings';
export * from './webhooks';
