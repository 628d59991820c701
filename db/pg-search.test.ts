/**
 * Full-text search on a real PostgreSQL: a private cluster (server/testing/postgres.ts), the
 * migrations in db/migrations-pg applied by drizzle's node-postgres migrator, rows written
 * through the pg schema, and `ticketMatches` (server/domain/tickets/search.ts) bound to PostgreSQL.
 *
 *   node --import tsx --test db/pg-search.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { asc, sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { bindDialect } from './schema';
import * as schema from './schema/pg';
import { pgDocument, pgTsQuery, ticketMatches } from '../server/domain/tickets/search';
import { startPostgres, type RunningPostgres } from '../server/testing/postgres';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

let cluster: RunningPostgres | undefined;
let pool: pg.Pool | undefined;
let db: NodePgDatabase;
const iids: Record<string, number> = {};

before(async () => {
  bindDialect('pg'); // this test process talks to PostgreSQL: ticketMatches builds tsquery conditions
  cluster = await startPostgres();
  pool = new pg.Pool({ connectionString: await cluster.createDatabase('search_test'), max: 4 });
  // pool.end() can report done while a client's goodbye is still on its way; PostgreSQL's own
  // stop right after then reaches that client as an error nobody listens to (a crash of the run)
  pool.on('connect', (client) => client.on('error', () => undefined));
  db = drizzle(pool);
  await migrate(db, { migrationsFolder: MIGRATIONS });

  const now = Date.now();
  const [project] = await db.insert(schema.projects).values({ path: 'acme/app', name: 'App', createdAt: now }).returning();
  let iid = 0;
  const ticket = async (key: string, title: string, description: string) => {
    const [t] = await db
      .insert(schema.tickets)
      .values({ projectId: project!.id, iid: ++iid, title, description, createdAt: now, updatedAt: now, lastActivityAt: now })
      .returning();
    iids[key] = t!.iid;
    return t!.id;
  };
  const note = (ticketId: number, body: string, flags: { internal?: boolean; system?: boolean } = {}) =>
    db.insert(schema.notes).values({ ticketId, body, createdAt: now, ...flags });

  await ticket('printer', 'Printer on fire', 'The office printer is burning near the café');
  await ticket('login', 'Login broken', 'Cannot sign in as alice@example.com since v2.3.1 (see /var/log/auth_errors)');
  const quiet = await ticket('quiet', 'Quiet ticket', 'Nothing to see');
  await note(quiet, 'The toner cartridge leaks');
  await note(quiet, 'Secret escalation: pumpkin', { internal: true });
  await note(quiet, 'changed the title to zebra', { system: true });
  await ticket('meta', "Quote's & pipes | (parens) !bang :colon *star", 'x');
});

after(async () => {
  await pool?.end();
  await cluster?.stop();
});

/** The iids (by fixture key) of the tickets matching `q`, as a sorted list of keys. */
async function search(q: string, includeInternal = false): Promise<string[]> {
  const cond = ticketMatches(q, includeInternal);
  assert.ok(cond, `ticketMatches(${JSON.stringify(q)}) gave no condition`);
  const rows = await db.select({ iid: schema.tickets.iid }).from(schema.tickets).where(cond).orderBy(asc(schema.tickets.iid));
  const byIid = Object.fromEntries(Object.entries(iids).map(([k, v]) => [v, k]));
  return rows.map((r) => byIid[r.iid]!).sort();
}

test('user text becomes a quoted prefix tsquery, every word AND-ed', () => {
  assert.equal(pgTsQuery('printer fire'), `'printer':* & 'fire':*`);
  assert.equal(pgTsQuery(`a & | ! ( ) : * ' b`), `'a':* & 'b':*`);
  assert.equal(pgTsQuery(`it's`), `'it':* & 's':*`);
  assert.equal(pgTsQuery('  !!! '), null);
  assert.equal(ticketMatches(`& | ! ( ) : * '`, false), undefined);
});

test('every word must match (AND), in any order, case-insensitively', async () => {
  assert.deepEqual(await search('printer fire'), ['printer']);
  assert.deepEqual(await search('FIRE printer'), ['printer']);
  assert.deepEqual(await search('printer login'), []);
  assert.deepEqual(await search('login broken'), ['login']);
});

test('words match as prefixes, not infixes', async () => {
  assert.deepEqual(await search('prin'), ['printer']);
  assert.deepEqual(await search('burn off'), ['printer']);
  assert.deepEqual(await search('rinter'), []);
});

test('diacritics are folded (unaccent), as FTS5 remove_diacritics does', async () => {
  assert.deepEqual(await search('cafe'), ['printer']);
  assert.deepEqual(await search('CAFÉ'), ['printer']);
});

test('addresses, versions and paths are split into words, as SQLite does', async () => {
  assert.deepEqual(await search('alice@example.com'), ['login']);
  assert.deepEqual(await search('example'), ['login']);
  assert.deepEqual(await search('v2.3.1'), ['login']);
  assert.deepEqual(await search('auth_errors'), ['login']);
  assert.deepEqual(await search('errors'), ['login']);
});

test('notes count; internal notes only with includeInternal; system notes never', async () => {
  assert.deepEqual(await search('toner'), ['quiet']);
  assert.deepEqual(await search('toner', true), ['quiet']);
  assert.deepEqual(await search('pumpkin'), []);
  assert.deepEqual(await search('pumpkin', true), ['quiet']);
  assert.deepEqual(await search('escalation pumpkin', true), ['quiet']);
  assert.deepEqual(await search('zebra', true), []);
  // As on SQLite, all words must be in one document: the ticket's text or a single note.
  assert.deepEqual(await search('toner pumpkin', true), []);
  assert.deepEqual(await search('quiet toner', true), []);
});

test('tsquery syntax in user input is harmless', async () => {
  for (const q of ['&', '|', '!', '(', ')', ':', '*', "'", "''", "\\'", ':*', `& | ! ( ) : * '`]) {
    assert.equal(ticketMatches(q, true), undefined, `${JSON.stringify(q)} alone is no search`);
  }
  assert.deepEqual(await search('!printer'), ['printer'], '! is not negation');
  assert.deepEqual(await search('printer | login'), [], '| is not OR');
  assert.deepEqual(await search("printer' | 'login"), [], 'quotes cannot close the lexeme');
  assert.deepEqual(await search('(printer & fire)'), ['printer']);
  assert.deepEqual(await search('printer:*A'), [], ':* and weights are just text ("A" must match too)');
  assert.deepEqual(await search("quote's pipes parens bang colon star"), ['meta']);
  assert.deepEqual(await search(`quote & | ! ( ) : * ' pipes`), ['meta']);
  assert.deepEqual(await search('printer\\'), ['printer']);
  assert.deepEqual(await search('x'.repeat(3000)), [], 'an over-long word is no error');
});

test('a very long text can still be written (the indexed text is capped)', async () => {
  // 2-letter CJK words: the densest text for a tsvector (1 MB of lexemes is its limit).
  let text = '';
  for (let i = 0; text.length < 1_000_000; i++) text += `${String.fromCodePoint(0x4e00 + (i % 20000))}${String.fromCodePoint(0x4e00 + Math.floor(i / 20000))} `;
  const [t] = await db
    .insert(schema.tickets)
    .values({ projectId: 1, iid: 1000, title: 'Huge', description: text, createdAt: 1, updatedAt: 1, lastActivityAt: 1 })
    .returning();
  await db.insert(schema.notes).values({ ticketId: t!.id, body: text, createdAt: 1 });
  iids.huge = 1000;
  assert.deepEqual(await search('huge'), ['huge']);
});

test('the search uses the GIN expression indexes', async () => {
  const cond = ticketMatches('printer', false)!;
  const query = db.select({ id: schema.tickets.id }).from(schema.tickets).where(cond).toSQL();
  const client = await pool!.connect();
  try {
    await client.query('set enable_seqscan = off');
    const plan = (await client.query(`explain ${query.sql}`, query.params)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /tickets_search_idx/, `tickets_search_idx unused:\n${plan}`);
    assert.match(plan, /notes_search_idx/, `notes_search_idx unused (the partial index needs n.system = false):\n${plan}`);
  } finally {
    await client.query('reset enable_seqscan');
    client.release();
  }
});

test('the document expression gives the same tsvector as the translate() form of 0001/0009 (stored documents stay valid)', async () => {
  const texts = [
    'The office printer is burning near the café',
    `every ASCII punctuation: !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ between words a!b"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^A_B\`C{D|E}F~G`,
    'alice@example.com v2.3.1 /var/log/auth_errors https://example.com/a?b=c#d foo-bar-baz don\'t 3.14e-5 -7',
    'Zoë à Zürich, naïve façade Straße œuvre ½ © «Guillemets» “quotes” — dash … 日本語のテキスト 😀 emoji',
    'x'.repeat(3000) + ' ' + 'ab '.repeat(1000),
    '',
  ];
  for (const text of texts) {
    const { rows } = await db.execute<{ same: boolean }>(
      sql`select ${pgDocument(sql`${text}::text`)} = to_tsvector('threadline_search'::regconfig, translate(left(${text}::text, 250000), '!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~', '                                ')) as same`,
    );
    assert.equal(rows[0]!.same, true, `same document for ${JSON.stringify(text.slice(0, 60))}`);
  }
});

test('stored documents (filled after the write, issue 14) find the same rows; a changed text is indexed again', async () => {
  const unindexed = async () =>
    Number((await pool!.query('select (select count(*) from tickets where search_doc is null) + (select count(*) from notes where search_doc is null and system = false) n')).rows[0].n);
  const queries: [string, boolean][] = [['printer', false], ['toner', false], ['pumpkin', true], ['pumpkin', false], ['zebra', true], ['cafe', false], ['alice example', false]];
  const before = await Promise.all(queries.map(([q, i]) => search(q, i)));
  assert.ok((await unindexed()) > 0, 'rows written without the indexer have no stored document yet');
  // what the search indexer does (server/domain/tickets/search-indexer.ts), for every row
  const pending = await pool!.query(
    `update tickets set search_doc = to_tsvector('threadline_search'::regconfig, translate(left(title || ' ' || description, 250000), '!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~', '                                ')) where search_doc is null`,
  );
  await pool!.query(
    `update notes set search_doc = to_tsvector('threadline_search'::regconfig, translate(left(body, 250000), '!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~', '                                ')) where search_doc is null and system = false`,
  );
  assert.ok(pending.rowCount! > 0);
  assert.equal(await unindexed(), 0);
  assert.deepEqual(await Promise.all(queries.map(([q, i]) => search(q, i))), before, 'the same results from the stored documents');
  // an edit empties the document (trigger); search finds the new text at once, through the expression
  await pool!.query(`update tickets set description = 'The office printer is now a giraffe' where iid = $1`, [iids.printer]);
  assert.equal(await unindexed(), 1);
  assert.deepEqual(await search('giraffe'), ['printer']);
  assert.deepEqual(await search('burning'), [], 'the old text no longer matches');
  // a change of anything else keeps it
  await pool!.query(`update tickets set state = 'closed' where iid = $1`, [iids.login]);
  assert.equal(await unindexed(), 1);
});
