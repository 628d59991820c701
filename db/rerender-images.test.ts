/**
 * Migration rerender_climbing_images (review 10) on a database from before it: stored HTML whose
 * image climbs out of /attachments/ (`/attachments/<token>/../../x`, or percent-encoded dots) is set
 * to be rendered again; other HTML stays. Then the render backfill renders it with today's rules,
 * which drop such an image. SQLite here; PostgreSQL in the harness's second pass (THREADLINE_TEST_PG).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { upgradedPostgres, upgradedSqlite } from '../server/testing/migrations';
import { closeRenderPool, markdownToHtml } from '../server/render';

after(() => closeRenderPool());
const T0 = Date.UTC(2030, 0, 1);
const TOKEN = '0123456789abcdef0123456789abcdef';
const CLIMBING = `![x](/attachments/${TOKEN}/../../trpc/presence.project)`;
const ENCODED = `![x](/attachments/${TOKEN}/%2E%2E/%2e%2e/trpc/auth.me)`;
const FINE = `![logo](/attachments/${TOKEN}/logo.png)`;

/** The HTML an older release stored for each body: the image kept whatever its path. */
const oldHtml = (md: string) => `<p><img src="${/\]\(([^)]+)\)/.exec(md)![1]}" alt="x" /></p>`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

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
  await upgradedSqlite('rerender_climbing_images', seed((b) => (b ? '1' : '0'), quote), (conn) =>
    check(conn.prepare('select id, description_html, customer_description_html from tickets').all() as never, conn.prepare('select id, body_html from notes').all() as never),
  );
  // what the render backfill then stores: the images that climb out are gone, the other stays
  assert.ok(!/<img/.test(await markdownToHtml(CLIMBING)) && !/<img/.test(await markdownToHtml(ENCODED)));
  assert.match(await markdownToHtml(FINE), new RegExp(`<img src="/attachments/${TOKEN}/logo\\.png"`));
});

test('PostgreSQL: the same, on the PostgreSQL migrations', { skip: !process.env.THREADLINE_TEST_PG && 'runs in the PostgreSQL pass' }, async () => {
  await upgradedPostgres(process.env.THREADLINE_TEST_PG as string, 'rerender_climbing_images', seed((b) => String(b), quote), async (client) =>
    check((await client.query('select id, description_html, customer_description_html from tickets')).rows, (await client.query('select id, body_html from notes')).rows),
  );
});
