import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { participants, projects, serviceDeskSettings, ticketReads, tickets } from '../../../db/schema';
import { queueConditions } from './queue-filter';
import { after, cursorAfter, orderBy, type QueueSort } from './queue-order';
import { AppError } from '../../../shared/errors';
import { MAX_LABELS } from '../../../shared/schemas';
import type { TicketChange } from '../../../shared/events';
import { ACCESS, CAN } from '../../../shared/roles';
import type { TicketDetail, TicketPage, TicketState } from '../../../shared/views';
import type { Tx } from '../../../db/client';
import { latestSeq } from '../../events/store';
import { membershipRole, type ProjectAccess } from '../accounts/access';
import { write, type DomainCtx, type Emit } from '../core/context';
import { labelsAfter, setTicketLabels } from '../projects/labels';
import { maskDetail, maskerFor, maskTicket } from './masking';
import { knownAddresses, lazyKnownAddresses } from './ticket-addresses';
import { insertNote } from '../notes/notes';
import { sendNewParticipant } from '../customer-email/notifications';
import { findTicket, refuseMerged, ticketMinAccess, visibleTicket } from './ticket-lookup';
import { detail, summarize, summarizeOne, type TicketRow } from './ticket-views';
import { getUser, type UserRow } from '../accounts/users';
import { markdownToHtml } from '../../render';
import { upsertCustomerTx } from '../customers/customers';
import { previewText } from '../notes/preview';

export async function createTicket(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: {
    title: string;
    description?: string | undefined;
    confidential?: boolean | undefined;
    externalAuthor?: string | undefined;
    labels?: string[] | undefined;
  },
): Promise<TicketDetail> {
  if (input.externalAuthor && dc.mail.book.isOurs(input.externalAuthor)) throw new AppError('OUR_ADDRESS');
  const descriptionHtml = await markdownToHtml(input.description ?? '');
  const row = await write(dc, async (tx, emit, at) => {
    const { lastIid } = await tx
      .update(projects)
      .set({ lastIid: sql`${projects.lastIid} + 1` })
      .where(eq(projects.id, pa.project.id))
      .returning({ lastIid: projects.lastIid })
      .get();
    const settings = await tx.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, pa.project.id)).get();
    const confidential = input.confidential ?? settings?.confidentialByDefault ?? true;
    const customer = input.externalAuthor ? await upsertCustomerTx(tx, emit, input.externalAuthor, null, at) : null;
    const ticket = await tx
      .insert(tickets)
      .values({
        projectId: pa.project.id,
        iid: lastIid,
        title: input.title,
        description: input.description ?? '',
        descriptionHtml,
        confidential: pa.project.visibility === 'public' ? true : confidential,
        authorId: actor.id,
        externalAuthor: input.externalAuthor ?? null,
        customerId: customer?.id ?? null,
        preview: previewText(input.description ?? ''),
        createdAt: at,
        updatedAt: at,
        lastActivityAt: at,
      })
      .returning()
      .get();
    if (input.externalAuthor) {
      await tx.insert(participants).values({ ticketId: ticket.id, email: input.externalAuthor, createdAt: at }).run();
    }
    if (input.labels?.length) await setTicketLabels(tx, pa.project.id, ticket.id, input.labels);
    // A customer added by a responder is told, as any added participant is (no thank-you: not from email).
    if (input.externalAuthor) await sendNewParticipant(tx, dc.mail, ticket, pa.project, settings, [input.externalAuthor], at);
    emit({
      projectId: pa.project.id,
      ticketId: ticket.id,
      minAccess: ticketMinAccess(ticket),
      event: { type: 'ticket.created', ticket: await summarizeOne(tx, ticket) },
    });
    return ticket;
  });
  return await detail(dc.db, row, { includeInternal: true });
}

export async function getTicket(dc: DomainCtx, pa: ProjectAccess, iid: number): Promise<TicketDetail> {
  const row = await visibleTicket(dc, pa, iid);
  const d = await detail(dc.db, row, { includeInternal: pa.access >= CAN.respond });
  return pa.access >= CAN.seeParticipantEmails ? d : maskDetail(d, maskerFor((await knownAddresses(dc.db, [row.id])).get(row.id) ?? []));
}

export async function listTickets(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: {
    state?: TicketState | 'all' | undefined;
    search?: string | undefined;
    assignee?: 'me' | 'none' | 'any' | undefined;
    label?: string | undefined;
    confidential?: boolean | undefined;
    customer?: string | undefined;
    sort?: QueueSort | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<TicketPage> {
  const limit = input.limit ?? 50;
  const lastEventId = String(await latestSeq(dc.db, pa.project.id));
  const where: (SQL | undefined)[] = await queueConditions(dc, pa, actor, input);
  const state = input.state ?? 'opened';
  if (state !== 'all') where.push(eq(tickets.state, state));
  const sort = input.sort ?? 'activity';
  if (input.cursor) where.push(after(sort, input.cursor));
  const rows = await dc.db
    .select()
    .from(tickets)
    .where(and(...where))
    .orderBy(...orderBy(sort))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const reads = await readTimes(dc, actor.id, page.map((r) => r.id));
  const items = (await summarize(dc.db, page)).map((t) => ({ ...t, readAt: reads.get(t.id) ?? null }));
  const addressesOf = lazyKnownAddresses(dc.db, page.map((r) => r.id));
  return {
    items: pa.access >= CAN.seeParticipantEmails ? items : await Promise.all(items.map(async (t) => maskTicket(t, maskerFor(await addressesOf(t.id))))),
    nextCursor: rows.length > limit && last ? cursorAfter(sort, last) : null,
    lastEventId,
  };
}

async function readTimes(dc: DomainCtx, userId: number, ticketIds: number[]): Promise<Map<number, string>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await dc.db
    .select()
    .from(ticketReads)
    .where(and(eq(ticketReads.userId, userId), inArray(ticketReads.ticketId, ticketIds)))
    .all();
  return new Map(rows.map((r) => [r.ticketId, new Date(r.readAt).toISOString()]));
}

/** Marks a ticket read for this user (the queue's unread marker goes away). */
export async function markRead(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number): Promise<{ readAt: string }> {
  const ticket = await visibleTicket(dc, pa, iid);
  const at = dc.now();
  await dc.db.write((tx) =>
    tx
      .insert(ticketReads)
      .values({ userId: actor.id, ticketId: ticket.id, readAt: at })
      .onConflictDoUpdate({ target: [ticketReads.userId, ticketReads.ticketId], set: { readAt: at } })
      .run(),
  );
  return { readAt: new Date(at).toISOString() };
}

/** Marks a ticket unread for this user, as if nothing in it had been read (the queue shows it so). */
export async function markUnread(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number): Promise<{ readAt: null }> {
  const ticket = await visibleTicket(dc, pa, iid);
  await dc.db.write((tx) => tx.delete(ticketReads).where(and(eq(ticketReads.userId, actor.id), eq(ticketReads.ticketId, ticket.id))).run());
  return { readAt: null };
}

async function systemNote(tx: Tx, emit: Emit, ticket: TicketRow, actor: UserRow, body: string, at: number): Promise<void> {
  await insertNote(tx, emit, ticket, { authorId: actor.id, body, internal: false, system: true }, at);
}

export interface TicketChanges {
  state?: TicketState | undefined;
  /** with state 'snoozed': when it returns to open (ms) */
  snoozedUntil?: number | undefined;
  assigneeId?: number | null | undefined;
  labels?: string[] | undefined;
  /** added to / taken off the labels the ticket has when the change is written */
  addLabels?: string[] | undefined;
  removeLabels?: string[] | undefined;
  title?: string | undefined;
  confidential?: boolean | undefined;
}

/** Changes whose checks passed: `assigneeName` is what `checkAssignee` returned. */
export type CheckedTicketChanges = TicketChanges & { assigneeName: string | null };

/**
 * The new assignee's name for the system note, or null when the change sets none. Refused unless
 * they may respond in the project. Read before the write transaction.
 */
export async function checkAssignee(dc: DomainCtx, pa: ProjectAccess, assigneeId: number | null | undefined): Promise<string | null> {
  if (assigneeId === undefined || assigneeId === null) return null;
  const assignee = await getUser(dc.db, assigneeId);
  const role = assignee ? await membershipRole(dc.db, pa.project.id, assignee.id) : null;
  const ok = assignee && (assignee.isAdmin || (role && ACCESS[role] >= CAN.respond));
  if (!ok || !assignee) throw new AppError('ASSIGNEE_NOT_MEMBER');
  if (assignee.deactivatedAt !== null) throw new AppError('ASSIGNEE_NOT_MEMBER', 'This person’s account is deactivated: assign the ticket to someone else.');
  return assignee.name;
}

/**
 * The columns a change of state sets. Closing records the resolution time; pending and closed
 * tickets keep nobody waiting (the customer's next message starts a new wait); a snoozed one keeps
 * its wait, which goes on when it returns.
 */
export function stateColumns(state: TicketState, snoozedUntil: number | null, at: number): Partial<TicketRow> {
  return {
    state,
    closedAt: state === 'closed' ? at : null,
    snoozedUntil: state === 'snoozed' ? snoozedUntil : null,
    ...(state === 'closed' || state === 'pending' ? { waitingSince: null } : {}),
  };
}

/** `2031-01-02 09:30 UTC`: a moment every reader of a system note can place. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function stateNote(from: TicketState, to: TicketState, until: number | null): string {
  switch (to) {
    case 'closed':
      return 'closed';
    case 'pending':
      return 'marked as pending: waiting on the customer';
    case 'snoozed':
      return `snoozed until ${utcMinute(until ?? 0)}`;
    case 'opened':
      return from === 'closed' ? 'reopened' : 'moved back to open';
  }
}

/** A snooze must end in the future, and within a year (a typo of a year is not a snooze). */
export function checkSnooze(dc: DomainCtx, input: Pick<TicketChanges, 'state' | 'snoozedUntil'>): void {
  if (input.state !== 'snoozed') return;
  const until = input.snoozedUntil ?? 0;
  if (until <= dc.now() || until > dc.now() + 366 * 24 * 3600_000) throw new AppError('SNOOZE_TIME_INVALID');
}

export async function updateTicket(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, input: TicketChanges): Promise<TicketDetail> {
  refuseMerged(await visibleTicket(dc, pa, iid));
  checkSnooze(dc, input);
  const name = await checkAssignee(dc, pa, input.assigneeId);
  const row = await write(dc, (tx, emit, at) => updateTicketTx(tx, emit, pa, actor, iid, { ...input, assigneeName: name }, at));
  return await getTicket(dc, pa, row.iid);
}

/** `updateTicket` inside the caller's transaction: the `ticket.updated` event, then one system note per change. */
export async function updateTicketTx(
  tx: Tx,
  emit: Emit,
  pa: ProjectAccess,
  actor: UserRow,
  iid: number,
  input: CheckedTicketChanges,
  at: number,
): Promise<TicketRow> {
  const before = await findTicket(tx, pa.project.id, iid);
  if (!before) throw new AppError('TICKET_NOT_FOUND');
  refuseMerged(before);
  const changes: TicketChange[] = [];
  const set: Partial<TicketRow> = {};
  const notesToAdd: string[] = [];
  const snoozeMoved = input.state === 'snoozed' && before.state === 'snoozed' && input.snoozedUntil !== before.snoozedUntil;
  if (input.state !== undefined && (input.state !== before.state || snoozeMoved)) {
    changes.push('state');
    Object.assign(set, stateColumns(input.state, input.snoozedUntil ?? null, at));
    notesToAdd.push(stateNote(before.state, input.state, input.snoozedUntil ?? null));
  }
  if (input.assigneeId !== undefined && input.assigneeId !== before.assigneeId) {
    changes.push('assignee');
    set.assigneeId = input.assigneeId;
    notesToAdd.push(input.assigneeName ? `assigned to ${input.assigneeName}` : 'removed the assignee');
  }
  if (input.title !== undefined && input.title !== before.title) {
    changes.push('title');
    set.title = input.title;
    notesToAdd.push(`changed title from **${before.title}** to **${input.title}**`);
  }
  const forcedConfidential = pa.project.visibility === 'public';
  if (input.confidential !== undefined && input.confidential !== before.confidential && !forcedConfidential) {
    changes.push('confidential');
    set.confidential = input.confidential;
    notesToAdd.push(input.confidential ? 'made the ticket confidential' : 'made the ticket visible to everyone in the project');
  }
  const labelsNow =
    input.addLabels !== undefined || input.removeLabels !== undefined
      ? await labelsAfter(tx, before.id, input.addLabels ?? [], input.removeLabels ?? [])
      : input.labels;
  if (labelsNow !== undefined) {
    if (new Set(labelsNow.map((l) => l.toLowerCase())).size > MAX_LABELS) throw new AppError('INVALID_INPUT', `A ticket can have at most ${MAX_LABELS} labels.`);
    const { added, removed } = await setTicketLabels(tx, pa.project.id, before.id, labelsNow);
    if (added.length || removed.length) {
      changes.push('labels');
      const parts = [
        added.length ? `added ${added.map((l) => `~"${l}"`).join(' ')}` : '',
        removed.length ? `removed ${removed.map((l) => `~"${l}"`).join(' ')}` : '',
      ].filter(Boolean);
      notesToAdd.push(`${parts.join(' and ')} ${added.length + removed.length > 1 ? 'labels' : 'label'}`);
    }
  }
  if (changes.length === 0) return before;
  const after = await tx
    .update(tickets)
    .set({ ...set, updatedAt: at, lastActivityAt: at })
    .where(eq(tickets.id, before.id))
    .returning()
    .get();
  // The update event first, so viewers who just gained access know the ticket before its notes.
  emit({
    projectId: pa.project.id,
    ticketId: after.id,
    minAccess: ticketMinAccess(after),
    event: { type: 'ticket.updated', ticket: await summarizeOne(tx, after), changes, ...(changes.includes('state') ? { previousState: before.state } : {}) },
  });
  for (const body of notesToAdd) await systemNote(tx, emit, after, actor, body, at);
  return after;
}
