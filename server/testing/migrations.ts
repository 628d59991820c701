/** Databases as an older release left them: the migrations folders cut before a given migration. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** A copy of a migrations folder holding only the migrations before the one whose tag ends in `tag`. */
export function migrationsBefore(folder: string, tag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-mig-'));
  cpSync(folder, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(tag));
  assert.ok(cut > 0, `no migration ${tag} in ${folder}`);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

const DB_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '../../db');

/**
 * A SQLite database as the release before migration `tag` left it, with `seed` run on it, then
 * migrated to today: `read` looks at the result.
 */
export async function upgradedSqlite<T>(tag: string, seed: string[], read: (conn: Database.Database) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-upgrade-'));
  const old = migrationsBefore(path.join(DB_DIR, 'migrations'), tag);
  try {
    const conn = new Database(path.join(dir, 'db.sqlite'));
    try {
      migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: old });
      for (const s of seed) conn.exec(s);
      migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: path.join(DB_DIR, 'migrations') });
      return await read(conn);
    } finally {
      conn.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** The same on a fresh database of the PostgreSQL pass's cluster (`adminUrl`: THREADLINE_TEST_PG). */
export async function upgradedPostgres<T>(adminUrl: string, tag: string, seed: string[], read: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `upgrade_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const old = migrationsBefore(path.join(DB_DIR, 'migrations-pg'), tag);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await migratePg(drizzlePg({ client }), { migrationsFolder: old });
    for (const s of seed) await client.query(s);
    await migratePg(drizzlePg({ client }), { migrationsFolder: path.join(DB_DIR, 'migrations-pg') });
    return await read(client);
  } finally {
    await client.end();
    rmSync(old, { recursive: true, force: true });
  }
}
