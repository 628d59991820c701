/**
 * The customer page (SPEC: "customers with history"): a customer's record and their tickets in
 * the projects where the caller is a responder, newest activity first. A customer is only found
 * by someone who may see a ticket of theirs with its addresses (reporter and up), or an admin:
 * below that, addresses are masked, and so is everything a customer record says. The team's
 * notes are read and written only by responders of a project the customer wrote to (`wroteTo`).
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { customers, memberships, projects, tickets } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, CAN, ROLES } from '../../../shared/roles';
import type { CustomerPage, CustomerView } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx } from '../core/context';
import { after, cursorAfter, orderBy } from '../tickets/queue-order';
import { summarize } from '../tickets/ticket-views';
import { customerById, customerView, likeEscape, likePrefix, setCustomerNotesTx, wroteTo, type CustomerRow } from './customers';

const RESPONDER_ROLES = ROLES.filter((r) => ACCESS[r] >= CAN.seeParticipantEmails);

/** The projects whose customers the caller may see: every one for admins. */
async function responderProjects(q: Q, user: UserRow): Promise<number[] | 'all'> {
  if (user.isAdmin) return 'all';
  const rows = await q
    .select({ projectId: memberships.projectId })
    .from(memberships)
    .where(and(eq(memberships.userId, user.id), inArray(memberships.role, RESPONDER_ROLES)))
    .all();
  return rows.map((r) => r.projectId);
}

function inProjects(list: number[] | 'all'): SQL | undefined {
  return list === 'all' ? undefined : inArray(tickets.projectId, list.length ? list : [-1]);
}

/**
 * The customer, if the caller may see them; otherwise "not found" (nothing leaks). `shared`:
 * the caller may read and write the team's notes about them.
 */
async function visibleCustomer(dc: DomainCtx, user: UserRow, id: number): Promise<{ row: CustomerRow; where: SQL | undefined; shared: boolean }> {
  const row = await customerById(dc.db, id);
  const list = await responderProjects(dc.db, user);
  const where = inProjects(list);
  const one =
    row &&
    (list === 'all'
      ? { shared: true }
      : await dc.db.select({ shared: wroteTo(row.email, list) }).from(tickets).where(and(eq(tickets.customerId, id), where)).limit(1).get());
  if (!row || !one) throw new AppError('CUSTOMER_NOT_FOUND');
  return { row, where, shared: one.shared };
}

export async function customerPage(dc: DomainCtx, user: UserRow, input: { id: number; cursor?: string | undefined; limit?: number | undefined }): Promise<CustomerPage> {
  const { row, where, shared } = await visibleCustomer(dc, user, input.id);
  const limit = input.limit ?? 50;
  const rows = await dc.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.customerId, row.id), where, input.cursor ? after('activity', input.cursor) : undefined))
    .orderBy(...orderBy('activity'))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const projectIds = [...new Set(page.map((t) => t.projectId))];
  const names = new Map(
    (projectIds.length ? await dc.db.select().from(projects).where(inArray(projects.id, projectIds)).all() : []).map((p) => [p.id, p]),
  );
  const summaries = await summarize(dc.db, page);
  const last = page[page.length - 1];
  return {
    customer: customerView(row, shared),
    tickets: page.map((t, i) => ({
      projectPath: names.get(t.projectId)?.path ?? '',
      projectName: names.get(t.projectId)?.name ?? '',
      ticket: summaries[i] as CustomerPage['tickets'][number]['ticket'],
    })),
    nextCursor: rows.length > limit && last ? cursorAfter('activity', last) : null,
  };
}

/** Responders keep notes about a customer; every responder of the projects they wrote to sees them live. */
export async function updateCustomerNotes(dc: DomainCtx, user: UserRow, input: { id: number; notes: string }): Promise<CustomerView> {
  const { shared } = await visibleCustomer(dc, user, input.id);
  if (!shared) throw new AppError('CUSTOMER_NOTES_NOT_SHARED');
  const row = await write(dc, (tx, emit, at) => setCustomerNotesTx(tx, emit, input.id, input.notes, at));
  if (!row) throw new AppError('CUSTOMER_NOT_FOUND');
  return customerView(row, true);
}

/** The customer picker: customers with tickets in this project whose address, name or domain starts with `query`. */
export async function searchCustomers(dc: DomainCtx, pa: ProjectAccess, query: string, limit = 10): Promise<CustomerView[]> {
  const prefix = likePrefix(query.trim().replace(/^@/, ''));
  const rows = await dc.db
    .select({ customer: customers, shared: wroteTo(customers.email, [pa.project.id]) })
    .from(customers)
    .where(
      and(
        sql`(lower(${customers.email}) like ${prefix} escape ${likeEscape} or lower(${customers.name}) like ${prefix} escape ${likeEscape} or ${customers.domain} like ${prefix} escape ${likeEscape})`,
        sql`exists (select 1 from ${tickets} where ${tickets.customerId} = ${customers.id} and ${tickets.projectId} = ${pa.project.id})`,
      ),
    )
    .orderBy(asc(customers.email))
    .limit(limit)
    .all();
  return rows.map((r) => customerView(r.customer, r.shared));
}


