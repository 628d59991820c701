import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export const DB_FILE_NAME = 'threadline.db';

/**
 * Opens (creating if needed) `<dataDir>/threadline.db` with WAL, foreign keys and a busy
 * timeout, and applies pending migrations. Several processes (server, CLI) may open it at once.
 */
export function openDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(path.join(dataDir, DB_FILE_NAME));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // FULL: a commit we acknowledge (an SMTP 250, an IMAP \Seen) must survive a power cut.
  sqlite.pragma('synchronous = FULL');
  cacheStatements(sqlite);
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  return db;
}

/**
 * drizzle prepares every query anew and better-sqlite3 keeps no cache, so compiling SQL was a
 * large share of ingest time. Statements are cached by SQL text; sharing one is safe because
 * every call runs to completion synchronously (we never hold an iterator open).
 */
function cacheStatements(sqlite: Database.Database, max = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      // drizzle switches some statements to raw (array) mode; start every use in the default mode
      if (stmt.reader) stmt.raw(false);
      return stmt;
    }
    stmt = prepare(source);
    cache.set(source, stmt);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
    return stmt;
  }) as typeof sqlite.prepare;
}

export { schema };
