/**
 * Migration rerender_climbing_images (review 10) on a database from before it: stored HTML whose
 * image climbs out of /attachments/ (`/attachments/<token>/../../x`, or percent-encoded dots) is set
 * to be rendered again; other HTML stays. Then the render backfill renders it with today's rules,
 * which drop such an image. SQLite here; PostgreSQL in the harness's second pass (THREADLINE_TEST_PG).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsBefore } from '../server/testing/migrations';
import { closeRenderPool, markdownToHtml } from '../server/render';

const here = path.dirname(fileURLToPath(import.meta.url));
after(() => closeRenderPool());
const T0 = Date.UTC(2030, 0, 1);
const TOKEN = '0123456789abcdef0123456789abcdef';
const CLIMBING = `![x](/attachments/${TOKEN}/../../trpc/presence.project)`;
const ENCODED = `![x](/attachments/${TOKEN}/%2E%2E/%2e%2e/trpc/auth.me)`;
const FINE = `![logo](/attachments/${TOKEN}/logo.png)`;

/** The HTML an older release stored for each body: the image kept whatever its path. */
const oldHtml = (md: string) => `<p><img src="${/\]\(([^)]+)\)/.exec(md)![1]}" alt="x" /></p>`;

function seed(bool: (b: boolean) => string, q: (s: string) => string): string[] {
  return [
    `insert into users (id, email, name, is_admin, kind, created_at) values (1, 'bot@x', 'Support Bot', ${bool(false)}, 'bot', ${T0})`,
    `insert into projects (id, path, name, visibility, last_iid, created_at) values (1, 'acme/app', 'App', 'private', 2, ${T0})`,
    `insert into tickets (id, project_id, iid, title, description, description_html, customer_description, customer_description_html, state, confidential, author_id, note_count, created_at, updated_at, last_activity_at)
       values (1, 1, 1, 'Climbing', ${q(CLIMBING)}, ${q(oldHtml(CLIMBING))}, ${q(ENCODED)}, ${q(oldHtml(ENCODED))}, 'opened', ${bool(true)}, 1, 2, ${T0}, ${T0}, ${T0}),
              (2, 1, 2, 'Fine', ${q(FINE)}, ${q(oldHtml(FINE))}, ${q(FINE)}, ${q(oldHtml(FINE))}, 'opened', ${bool(true)}, 1, 0, ${T0}, ${T0}, ${T0})`,
    `insert into notes (id, ticket_id, author_id, body, body_html, internal, system, created_at)
       values (1, 1, 1, ${q(ENCODED)}, ${q(oldHtml(ENCODED))}, ${bool(false)}, ${bool(false)}, ${T0}),
              (2, 1, 1, ${q(FINE)}, ${q(oldHtml(FINE))}, ${bool(false)}, ${bool(false)}, ${T0})`,
  ];
}

function check(tickets: { id: number; description_html: string | null; customer_description_html: string | null }[], notes: { id: number; body_html: string | null }[]): void {
  const t = new Map(tickets.map((r) => [Number(r.id), r.description_html]));
  const c = new Map(tickets.map((r) => [Number(r.id), r.customer_description_html]));
  assert.equal(c.get(1), null, "the customer's own text under an issue template is rendered again");
  assert.equal(c.get(2), oldHtml(FINE));
  const n = new Map(notes.map((r) => [Number(r.id), r.body_html]));
  assert.equal(t.get(1), null, 'a climbing image in a description is rendered again');
  assert.equal(n.get(1), null, 'a percent-encoded climbing image in a note is rendered again');
  assert.equal(t.get(2), oldHtml(FINE), 'other HTML stays');
  assert.equal(n.get(2), oldHtml(FINE));
}

test('SQLite: stored HTML with an image that climbs out of /attachments/ is rendered again, without it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-rerender-'));
  const old = migrationsBefore(path.join(here, 'migrations'), 'rerender_climbing_images');
  try {
    const conn = new Database(path.join(dir, 'db.sqlite'));
    migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: old });
    for (const s of seed((b) => (b ? '1' : '0'), (s) => `'${s.replace(/'/g, "''")}'`)) conn.exec(s);
    migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: path.join(here, 'migrations') });
    check(conn.prepare('select id, description_html, customer_description_html from tickets').all() as never, conn.prepare('select id, body_html from notes').all() as never);
    conn.close();
    // what the render backfill then stores: the images that climb out are gone, the other stays
    assert.ok(!/<img/.test(await markdownToHtml(CLIMBING)) && !/<img/.test(await markdownToHtml(ENCODED)));
    assert.match(await markdownToHtml(FINE), new RegExp(`<img src="/attachments/${TOKEN}/logo\\.png"`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
});

test('PostgreSQL: the same, on the PostgreSQL migrations', { skip: !process.env.THREADLINE_TEST_PG && 'runs in the PostgreSQL pass' }, async () => {
  const admin = new pg.Client({ connectionString: process.env.THREADLINE_TEST_PG });
  await admin.connect();
  const name = `rerender_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.THREADLINE_TEST_PG as string);
  url.pathname = `/${name}`;
  const old = migrationsBefore(path.join(here, 'migrations-pg'), 'rerender_climbing_images');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await migratePg(drizzlePg({ client }), { migrationsFolder: old });
    for (const s of seed((b) => String(b), (s) => `'${s.replace(/'/g, "''")}'`)) await client.query(s);
    await migratePg(drizzlePg({ client }), { migrationsFolder: path.join(here, 'migrations-pg') });
    check((await client.query('select id, description_html, customer_description_html from tickets')).rows, (await client.query('select id, body_html from notes')).rows);
  } finally {
    await client.end();
    rmSync(old, { recursive: true, force: true });
  }
});
