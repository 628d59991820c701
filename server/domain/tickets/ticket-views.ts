/** Builds API views of tickets from rows, in batches (one query per kind, not per ticket). */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { prepared } from '../../../db/prepared';
import { labels, notes, participants, ticketLabels, tickets, users } from '../../../db/schema';
import { asciiAddress, asciiAddressesIn } from '../../../shared/email-address';
import type { NoteView, ParticipantView, TicketDetail, TicketSummary, UserRef } from '../../../shared/views';
import { toUserRef } from '../accounts/users';
import { customerForProject, customerRef, customerRefs, type CustomerRow } from '../customers/customers';
import { plainTextHtml } from '../../render/plain-html';

export type TicketRow = typeof tickets.$inferSelect;
export type NoteRow = typeof notes.$inferSelect;

const iso = (ms: number) => new Date(ms).toISOString();

async function userRefs(db: Q, ids: (number | null)[]): Promise<Map<number, UserRef>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  // one user (an email's ticket: the Support Bot) is the common case, built once
  const rows = wanted.length === 1 ? await oneUserRef(db, { id: wanted[0]! }) : await db.select(USER_REF).from(users).where(inArray(users.id, wanted)).all();
  return new Map(rows.map((u) => [u.id, toUserRef(u)]));
}
const USER_REF = { id: users.id, name: users.name, kind: users.kind };
const oneUserRef = prepared<{ id: number }, { id: number; name: string; kind: (typeof users.$inferSelect)['kind'] }[]>('all', (q) =>
  q.select(USER_REF).from(users).where(eq(users.id, sql.placeholder('id'))),
);

async function labelNames(db: Q, ticketIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (ticketIds.length === 0) return out;
  const rows = await db
    .select({ ticketId: ticketLabels.ticketId, name: labels.name })
    .from(ticketLabels)
    .innerJoin(labels, eq(labels.id, ticketLabels.labelId))
    .where(inArray(ticketLabels.ticketId, ticketIds))
    .orderBy(asc(labels.name))
    .all();
  for (const r of rows) {
    const list = out.get(r.ticketId) ?? [];
    list.push(r.name);
    out.set(r.ticketId, list);
  }
  return out;
}

/** Ticket ids → their iids (what a merged ticket shows of the one it went into). */
async function iidsOf(db: Q, ids: (number | null)[]): Promise<Map<number, number>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: tickets.id, iid: tickets.iid }).from(tickets).where(inArray(tickets.id, wanted)).all();
  return new Map(rows.map((r) => [r.id, r.iid]));
}

/** What the caller already holds, so that `summarize` need not read it again. */
export interface KnownForSummary {
  /** the rows' customers (read or written in the same transaction) */
  customers?: CustomerRow[] | undefined;
  /** the labels of every row, when they are known (a new ticket's) */
  labels?: string[] | undefined;
  /** users among the rows' authors and assignees (the Support Bot, for an emailed ticket) */
  users?: { id: number; name: string; kind: (typeof users.$inferSelect)['kind'] }[] | undefined;
}

export async function summarize(db: Q, rows: TicketRow[], known: KnownForSummary = {}): Promise<TicketSummary[]> {
  const given = new Map((known.users ?? []).map((u) => [u.id, toUserRef(u)]));
  const givenCustomers = new Map((known.customers ?? []).map((c) => [c.id, customerRef(c)]));
  // independent reads, sent together (one round trip in a PostgreSQL write, db/later.ts)
  const [refs, names, customersOf, mergedInto] = await Promise.all([
    userRefs(db, rows.flatMap((r) => [r.authorId, r.assigneeId]).filter((id) => id === null || !given.has(id))),
    known.labels ? new Map(rows.map((r) => [r.id, [...(known.labels ?? [])].sort()])) : labelNames(db, rows.map((r) => r.id)),
    rows.every((r) => r.customerId === null || givenCustomers.has(r.customerId)) ? givenCustomers : customerRefs(db, rows.map((r) => r.customerId)),
    iidsOf(db, rows.map((r) => r.mergedIntoId)),
  ]);
  for (const [id, ref] of given) refs.set(id, ref);
  return rows.map((r) => ({
    id: r.id,
    iid: r.iid,
    title: r.title,
    state: r.state,
    confidential: r.confidential,
    author: r.authorId === null ? null : (refs.get(r.authorId) ?? null),
    externalAuthor: r.externalAuthor === null ? null : asciiAddress(r.externalAuthor),
    externalAuthorName: r.externalAuthorName,
    assignee: r.assigneeId === null ? null : (refs.get(r.assigneeId) ?? null),
    labels: names.get(r.id) ?? [],
    noteCount: r.noteCount,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    lastActivityAt: iso(r.lastActivityAt),
    customer: r.customerId === null ? null : (customersOf.get(r.customerId) ?? null),
    preview: r.preview,
    waitingSince: r.waitingSince === null ? null : iso(r.waitingSince),
    firstResponseAt: r.firstResponseAt === null ? null : iso(r.firstResponseAt),
    closedAt: r.closedAt === null ? null : iso(r.closedAt),
    snoozedUntil: r.snoozedUntil === null ? null : iso(r.snoozedUntil),
    mergedInto: r.mergedIntoId === null ? null : (mergedInto.get(r.mergedIntoId) ?? null),
  }));
}

export async function summarizeOne(db: Q, row: TicketRow, known?: KnownForSummary): Promise<TicketSummary> {
  return (await summarize(db, [row], known))[0] as TicketSummary;
}

export async function noteViews(db: Q, rows: NoteRow[]): Promise<NoteView[]> {
  const refs = await userRefs(db, rows.map((n) => n.authorId));
  return rows.map((n) => ({
    id: n.id,
    author: n.authorId === null ? null : (refs.get(n.authorId) ?? null),
    externalAuthor: n.externalAuthor === null ? null : asciiAddress(n.externalAuthor),
    externalAuthorName: n.externalAuthorName,
    ...(n.ccNotAdded?.length ? { ccNotAdded: n.ccNotAdded.map(asciiAddress) } : {}),
    // System notes name participants ("added e@пример.рф"): in ASCII, like everywhere else.
    body: n.system ? asciiAddressesIn(n.body) : n.body,
    internal: n.internal,
    system: n.system,
    createdAt: iso(n.createdAt),
    fromEmail: n.emailId !== null,
    fromNewSender: n.fromNewSender,
    mergedFrom: n.mergedFromIid,
    // Rendered when written; rows from before that show as text until the backfill reaches them.
    html: n.system ? '' : (n.bodyHtml ?? plainTextHtml(n.body)),
  }));
}

export async function detail(db: Q, row: TicketRow, opts: { includeInternal: boolean }): Promise<TicketDetail> {
  // In time order: notes that came with a merged ticket fall in between this ticket's own.
  const noteRows = await db.select().from(notes).where(eq(notes.ticketId, row.id)).orderBy(asc(notes.createdAt), asc(notes.id)).all();
  const visibleNotes = opts.includeInternal ? noteRows : noteRows.filter((n) => !n.internal);
  return {
    ...(await summarizeOne(db, row)),
    description: row.description,
    descriptionHtml: row.descriptionHtml ?? plainTextHtml(row.description),
    fromEmail: row.emailId !== null,
    ...(row.ccNotAdded?.length ? { ccNotAdded: row.ccNotAdded.map(asciiAddress) } : {}),
    customerDetail: row.customerId === null ? null : await customerForProject(db, row.customerId, row.projectId),
    notes: await noteViews(db, visibleNotes),
    participants: await participantViews(db, row.id),
  };
}

/** A ticket's participants, addresses shown with ASCII domains (IDN look-alikes stay visible). */
export async function participantViews(db: Q, ticketId: number): Promise<ParticipantView[]> {
  const rows = await db.select().from(participants).where(eq(participants.ticketId, ticketId)).orderBy(asc(participants.id)).all();
  return rows.map((p) => ({ email: asciiAddress(p.email), name: p.name, unsubscribed: p.unsubscribedAt !== null, createdAt: iso(p.createdAt) }));
}
