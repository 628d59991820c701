/**
 * Customer records (one per external sender, instance-wide): kept up to date by the mail that
 * names them and by responders' notes about them. Rows only: the customer page, which lists
 * tickets, is `customer-page.ts` above the ticket views.
 */
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { later } from '../../../db/later';
import { prepared } from '../../../db/prepared';
import { customers, dialect, inboundMessages, tickets } from '../../../db/schema';
import { domainOf, organizationOf } from '../../../shared/customers';
import { asciiAddress } from '../../../shared/email-address';
import { CAN } from '../../../shared/roles';
import type { CustomerRef, CustomerView } from '../../../shared/views';
import type { Emit } from '../core/context';

export type CustomerRow = typeof customers.$inferSelect;

const iso = (ms: number) => new Date(ms).toISOString();

/** Control, bidi and line-breaking characters never reach a name shown in the queue. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The display name a mail gave, fit to show: one line, at most 100 characters, and never one
 * that looks like an address (`"ceo@bank.com" <x@evil.test>` must not read as the bank's CEO).
 */
export function cleanDisplayName(name: string | null | undefined): string | null {
  const clean = (name ?? '').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, 100).trim();
  return clean && !clean.includes('@') ? clean : null;
}

export function customerRef(row: CustomerRow): CustomerRef {
  return { id: row.id, email: asciiAddress(row.email), name: row.name };
}

/** `notesShared`: whether the viewer may read the team's notes (`wroteTo`); if not, they are left out. */
export function customerView(row: CustomerRow, notesShared: boolean): CustomerView {
  return {
    ...customerRef(row),
    organization: organizationOf(row.domain),
    notes: notesShared ? row.notes : '',
    notesShared,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * Whether mail from this address — its From, which SPF, DKIM and DMARC vouch for, never a Reply-To
 * naming it — became a ticket or a note in one of these projects (the customer view's replies
 * are such mail). A customer's notes are shared by the projects they wrote to (decision 013): a
 * ticket a responder created or converted for an address does not count, or any reporter could
 * make anyone "write to" their project and read or overwrite the notes of another.
 */
export function wroteTo(email: SQLWrapper | string, projects: 'all' | number[] | SQLWrapper): SQL<boolean> {
  const where =
    projects === 'all' ? undefined : Array.isArray(projects) ? inArray(inboundMessages.projectId, projects.length ? projects : [-1]) : eq(inboundMessages.projectId, projects);
  return sql<boolean>`exists (select 1 from ${inboundMessages} where ${and(eq(inboundMessages.fromAddress, email), inArray(inboundMessages.status, ['ticket', 'note']), where)})`.mapWith(Boolean);
}

/** The customer as seen from one project: its notes only if they wrote to it. */
export async function customerForProject(q: Q, id: number, projectId: number): Promise<CustomerView | null> {
  const row = await q.select({ customer: customers, shared: wroteTo(customers.email, [projectId]) }).from(customers).where(eq(customers.id, id)).get();
  return row ? customerView(row.customer, row.shared) : null;
}

export async function customerById(q: Q, id: number): Promise<CustomerRow | undefined> {
  return q.select().from(customers).where(eq(customers.id, id)).get();
}

export async function customerRefs(q: Q, ids: (number | null)[]): Promise<Map<number, CustomerRef>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await q.select().from(customers).where(inArray(customers.id, wanted)).all();
  return new Map(rows.map((r) => [r.id, customerRef(r)]));
}

/**
 * The customer for an address, created on first sight; a display name from their mail replaces
 * the one kept (people fix their names), and responders of their projects hear of the change.
 */
export async function upsertCustomerTx(tx: Tx, emit: Emit, email: string, displayName: string | null | undefined, at: number): Promise<CustomerRow> {
  return customerOnItsWay(tx, emit, email, displayName, at).row;
}

/**
 * `upsertCustomerTx` for a caller that can refer to the customer by address meanwhile (the
 * customer's lowercased email is unique): the INSERT of a customer not seen before (which does
 * nothing for a known one) and the read of the row are sent at once and not waited for, so the
 * caller's next statements go out behind them (one round trip on PostgreSQL's pipelined
 * connection, db/later.ts); `row` is their answer. A failed INSERT is the transaction's failure.
 */
export function customerOnItsWay(tx: Tx, emit: Emit, email: string, displayName: string | null | undefined, at: number): { address: string; row: Promise<CustomerRow> } {
  const address = email.toLowerCase();
  const name = cleanDisplayName(displayName);
  const inserted = insertCustomerIfNew(tx, { email: address, name, domain: domainOf(address), createdAt: at, updatedAt: at });
  later(tx, inserted);
  // runs after the INSERT (statements run in the order sent): a new customer is found too
  const found = customerByEmail(tx, { email: address });
  const row = Promise.all([inserted, found]).then(async ([created, existing]) => {
    if (created) return created;
    if (!existing) throw new Error(`customer ${address} was neither inserted nor found`);
    return renamed(tx, emit, existing, name, at);
  });
  row.catch(() => undefined);
  return { address, row };
}

/** A known customer whose mail gives another display name: the name is kept, and responders hear of it. */
async function renamed(tx: Tx, emit: Emit, existing: CustomerRow, name: string | null, at: number): Promise<CustomerRow> {
  if (!name || name === existing.name) return existing;
  const updated = await tx.update(customers).set({ name, updatedAt: at }).where(eq(customers.id, existing.id)).returning().get();
  await emitCustomerUpdated(tx, emit, updated);
  return updated;
}

// hot: once per message from a customer
const customerByEmail = prepared<{ email: string }, CustomerRow | undefined>('get', (q) => q.select().from(customers).where(eq(customers.email, sql.placeholder('email'))));
/**
 * A known address inserts nothing (and answers no row). On PostgreSQL the row is made by a
 * SELECT that yields nothing for a known address, so its id is taken from the sequence only for
 * a new customer (an INSERT … VALUES takes one before it meets the conflict: every message from
 * a known customer would use up an id). ON CONFLICT still covers a race with a lock-free writer.
 */
const insertCustomerIfNew = prepared<{ email: string; name: string | null; domain: string; createdAt: number; updatedAt: number }, CustomerRow | undefined>('get', (q) => {
  const ph = sql.placeholder;
  const insert = q.insert(customers);
  const rows =
    dialect() === 'pg'
      ? // the columns in the table's order: id, email, name, domain, notes, created_at, updated_at
        insert.select(
          sql`select nextval('customers_id_seq'), ${ph('email')}::text, ${ph('name')}::text, ${ph('domain')}::text, '', ${ph('createdAt')}::bigint, ${ph('updatedAt')}::bigint
              where not exists (select 1 from ${customers} where ${customers.email} = ${ph('email')}::text)`,
        )
      : insert.values({ email: ph('email'), name: ph('name'), domain: ph('domain'), createdAt: ph('createdAt'), updatedAt: ph('updatedAt') } as unknown as typeof customers.$inferInsert);
  return rows.onConflictDoNothing({ target: customers.email }).returning();
});

/**
 * `customer.updated` to responders of every project that has tickets of this customer; the notes
 * only to those the customer wrote to.
 */
export async function emitCustomerUpdated(tx: Tx, emit: Emit, row: CustomerRow): Promise<void> {
  const projects = await tx
    .select({ projectId: tickets.projectId, shared: wroteTo(row.email, tickets.projectId) })
    .from(tickets)
    .where(eq(tickets.customerId, row.id))
    .groupBy(tickets.projectId)
    .all();
  for (const { projectId, shared } of projects) {
    emit({ projectId, ticketId: null, minAccess: CAN.seeParticipantEmails, event: { type: 'customer.updated', customer: customerView(row, shared) } });
  }
}

/** Sets a customer's notes. */
export async function setCustomerNotesTx(tx: Tx, emit: Emit, id: number, notes: string, at: number): Promise<CustomerRow | undefined> {
  const row = await tx.update(customers).set({ notes, updatedAt: at }).where(eq(customers.id, id)).returning().get();
  if (row) await emitCustomerUpdated(tx, emit, row);
  return row;
}

/** Escapes LIKE wildcards in user text (used with `escape '\'`). */
export function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const likeEscape = sql.raw(`'\\'`);
