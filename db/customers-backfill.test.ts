/**
 * The customers migration on a database from before it (issue 12): every ticket's external
 * author becomes a customer, and rows get their preview, first response and waiting time from the
 * notes they already have. Runs on SQLite, and on PostgreSQL in the harness's second pass
 * (THREADLINE_TEST_PG; like testDatabaseUrl, but the database must start empty).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upgradedPostgres, upgradedSqlite } from '../server/testing/migrations';

const T0 = Date.UTC(2030, 0, 1);
const min = (n: number) => T0 + n * 60_000;

/** The rows of an installation from before customers: a ticket waiting, one answered, one by hand. */
function seed(bool: (b: boolean) => string): string[] {
  return [
    `insert into users (id, email, name, is_admin, kind, created_at) values (1, 'bot@x', 'Support Bot', ${bool(false)}, 'bot', ${T0}), (2, 'rita@x', 'Rita', ${bool(false)}, 'human', ${T0})`,
    `insert into projects (id, path, name, visibility, last_iid, created_at) values (1, 'acme/app', 'App', 'private', 5, ${T0})`,
    `insert into tickets (id, project_id, iid, title, description, state, confidential, author_id, external_author, external_author_name, note_count, created_at, updated_at, last_activity_at, email_id)
       values (1, 1, 1, 'Waiting', 'First line\nsecond line', 'opened', ${bool(true)}, 1, 'Kim@Acme.io', 'Kim', 1, ${min(1)}, ${min(5)}, ${min(5)}, 7),
              (2, 1, 2, 'Answered', 'Help', 'opened', ${bool(true)}, 1, 'kim@acme.io', 'Kim Lee', 1, ${min(2)}, ${min(6)}, ${min(6)}, 8),
              (3, 1, 3, 'By hand', 'Internal work', 'opened', ${bool(false)}, 2, null, null, 0, ${min(3)}, ${min(3)}, ${min(3)}, null),
              (4, 1, 4, 'Spoof', 'x', 'closed', ${bool(true)}, 1, 'x@evil.test', 'ceo@bank.example', 0, ${min(3)}, ${min(3)}, ${min(3)}, null),
              (5, 1, 5, 'Bidi', 'x', 'closed', ${bool(true)}, 1, 'y@evil.test', 'Bob \u202Egnp.exe', 0, ${min(3)}, ${min(3)}, ${min(3)}, null)`,
    `insert into notes (ticket_id, author_id, external_author, body, internal, system, created_at)
       values (1, 2, null, 'We are on it', ${bool(false)}, ${bool(false)}, ${min(4)}),
              (1, 1, 'kim@acme.io', 'Any news?', ${bool(false)}, ${bool(false)}, ${min(5)}),
              (2, 2, null, 'Fixed now', ${bool(false)}, ${bool(false)}, ${min(6)}),
              (2, 2, null, 'internal remark', ${bool(true)}, ${bool(false)}, ${min(7)})`,
  ];
}

type Row = { id: number; customer_id: number | null; preview: string; waiting_since: number | null; first_response_at: number | null };

function check(customers: { email: string; domain: string; name: string | null }[], rows: Row[]): void {
  assert.deepEqual(
    customers,
    [
      { email: 'kim@acme.io', domain: 'acme.io', name: 'Kim Lee' },
      // Names that would mislead (an address, a direction override) are dropped: shown by address.
      { email: 'x@evil.test', domain: 'evil.test', name: null },
      { email: 'y@evil.test', domain: 'evil.test', name: null },
    ],
    'one customer for both spellings of the address, named as their latest mail did',
  );
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  assert.ok(byId.get(1)?.customer_id && byId.get(1)?.customer_id === byId.get(2)?.customer_id);
  assert.equal(byId.get(3)?.customer_id, null);
  assert.equal(byId.get(1)?.preview, 'Any news?');
  assert.equal(byId.get(2)?.preview, 'Fixed now', 'internal notes are no preview');
  assert.equal(byId.get(3)?.preview, 'Internal work', 'the description when there is no note');
  assert.equal(Number(byId.get(1)?.waiting_since), min(5), 'the customer wrote after our reply');
  assert.equal(byId.get(2)?.waiting_since, null, 'answered');
  assert.equal(byId.get(3)?.waiting_since, null, 'nobody waits on a ticket made by hand');
  assert.equal(Number(byId.get(1)?.first_response_at), min(4));
  assert.equal(byId.get(3)?.first_response_at, null);
}

test('SQLite: tickets from before customers get customers, previews, waits and first responses', async () => {
  await upgradedSqlite('triage', seed((b) => (b ? '1' : '0')), (conn) =>
    check(conn.prepare('select email, domain, name from customers order by email').all() as never, conn.prepare('select * from tickets').all() as Row[]),
  );
});

test('PostgreSQL: the same, on the PostgreSQL migrations', { skip: !process.env.THREADLINE_TEST_PG && 'runs in the PostgreSQL pass' }, async () => {
  await upgradedPostgres(process.env.THREADLINE_TEST_PG as string, 'triage', seed((b) => String(b)), async (client) =>
    check((await client.query('select email, domain, name from customers order by email')).rows, (await client.query('select * from tickets')).rows as Row[]),
  );
});
