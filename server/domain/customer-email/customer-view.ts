/**
 * What a customer sees through their link (issue 10): their own thread — the request and the
 * public replies — without internal or system notes, without mail from unconfirmed senders,
 * and without anyone else's address. Confidential tickets have no customer view.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { customerLinks, events, messageIds, notes, participants, projects, tickets, users } from '../../../db/schema';
import { CAN } from '../../../shared/roles';
import type { DomainCtx } from '../core/context';
import { plainTextHtml } from '../../render/plain-html';
import { customerLinkById, type CustomerLinkRow } from './customer-links';
import { newReplyKey } from './email-tickets';

export interface CustomerThreadItem {
  id: string;
  /** you: the link's owner; support: a responder; participant: another customer */
  who: 'you' | 'support' | 'participant';
  name: string;
  /** sanitised when written (server/domain/notes/markdown.ts) */
  html: string;
  at: number;
}

export interface CustomerThread {
  link: CustomerLinkRow;
  projectId: number;
  projectName: string;
  ticketId: number;
  iid: number;
  title: string;
  /** as the customer sees it: pending and snoozed are the team's business, open to them */
  state: 'opened' | 'closed';
  /** the display name mail gave for the link's owner, if any */
  yourName: string | null;
  items: CustomerThreadItem[];
}

/** The thread behind a link, or null when the link is revoked, its owner no longer a participant, or the ticket gone or confidential. */
export async function customerThread(q: Q, linkId: number): Promise<CustomerThread | null> {
  const link = await customerLinkById(q, linkId);
  if (!link || link.revokedAt !== null) return null;
  const row = await q.select({ t: tickets, projectName: projects.name }).from(tickets).innerJoin(projects, eq(projects.id, tickets.projectId)).where(eq(tickets.id, link.ticketId)).get();
  if (!row || row.t.confidential) return null;
  const t = row.t;
  const me = link.email.toLowerCase();
  const you = await q.select({ name: participants.name }).from(participants).where(and(eq(participants.ticketId, t.id), eq(participants.email, me))).get();
  // A link works only while its owner takes part in the ticket (removed, or dropped by a merge: gone).
  if (!you) return null;
  const list = await q
    .select({ n: notes, authorName: users.name })
    .from(notes)
    .leftJoin(users, eq(users.id, notes.authorId))
    .where(and(eq(notes.ticketId, t.id), eq(notes.internal, false), eq(notes.system, false), eq(notes.fromNewSender, false)))
    // In time order: a merged ticket's notes keep their own times but came later (new ids).
    .orderBy(asc(notes.createdAt), asc(notes.id))
    .limit(1000)
    .all();
  const label = (external: string | null, externalName: string | null, staff: string | null): Pick<CustomerThreadItem, 'who' | 'name'> => {
    if (external === null) return { who: 'support', name: staff ?? 'Support' };
    if (external.toLowerCase() === me) return { who: 'you', name: 'You' };
    // Another customer: their name when mail gave one, never their address.
    return { who: 'participant', name: externalName?.trim() || 'Another participant' };
  };
  const items: CustomerThreadItem[] = [
    {
      id: 'request',
      ...label(t.externalAuthor, t.externalAuthorName, null),
      html: t.customerDescriptionHtml ?? t.descriptionHtml ?? plainTextHtml(t.customerDescription ?? t.description),
      at: t.createdAt,
    },
    ...list.map(({ n, authorName }) => ({
      id: `note-${n.id}`,
      ...label(n.externalAuthor, n.externalAuthorName, authorName),
      html: n.bodyHtml ?? plainTextHtml(n.body),
      at: n.createdAt,
    })),
  ];
  return { link, projectId: t.projectId, projectName: row.projectName, ticketId: t.id, iid: t.iid, title: t.title, state: t.state === 'closed' ? 'closed' : 'opened', yourName: you?.name ?? null, items };
}

/**
 * A reply key for a reply written on the customer view: the reply is then ingested as an email
 * to it, so it becomes a note exactly as if the customer had emailed it.
 */
export async function replyKeyForCustomerView(dc: DomainCtx, thread: CustomerThread): Promise<string> {
  const at = dc.now();
  return dc.db.write(async (tx) => (await newReplyKey(tx, { id: thread.ticketId, projectId: thread.projectId }, thread.link.email, at)).key);
}

/** The ticket's thread root (the Message-ID of our first email), for the reply's References. */
export async function threadRootOf(q: Q, ticketId: number): Promise<string | null> {
  const row = await q
    .select({ id: messageIds.messageId })
    .from(messageIds)
    // not one that came with a ticket merged into this one: the thread keeps its own root
    .where(and(eq(messageIds.ticketId, ticketId), eq(messageIds.direction, 'out'), eq(messageIds.merged, false)))
    .orderBy(asc(messageIds.createdAt))
    .limit(1)
    .get();
  return row?.id ?? null;
}

/**
 * What the customer view's live streams of a project learn after a commit, read once for all of
 * them: the project's newest event, and the tickets with an event after `afterSeq` that a
 * customer's thread may show (visible to the lowest level that reads tickets). Internal notes and
 * everything on other tickets stay silent: a stream must not tell a customer when the team is
 * busy elsewhere, or writing about them internally.
 */
export async function customerVisibleChanges(q: Q, projectId: number, afterSeq: number): Promise<{ last: number; tickets: Set<number> }> {
  const rows = await q
    .select({
      ticketId: events.ticketId,
      last: sql<number | null>`max(${events.seq})`,
      visible: sql<number | null>`max(case when ${events.minAccess} <= ${CAN.readTickets} then 1 else 0 end)`,
    })
    .from(events)
    .where(and(eq(events.projectId, projectId), gt(events.seq, afterSeq)))
    .groupBy(events.ticketId)
    .all();
  let last = afterSeq;
  const changed = new Set<number>();
  for (const r of rows) {
    last = Math.max(last, Number(r.last ?? afterSeq));
    if (r.ticketId !== null && Number(r.visible ?? 0) === 1) changed.add(r.ticketId);
  }
  return { last, tickets: changed };
}

/**
 * Which of these customer links still show their thread: not revoked, their owner still a
 * participant, the ticket not confidential. Revoking writes no event, so streams ask at every
 * commit of their project.
 */
export async function workingCustomerLinks(q: Q, linkIds: readonly number[]): Promise<Set<number>> {
  const working = new Set<number>();
  for (let i = 0; i < linkIds.length; i += 500) {
    const rows = await q
      .select({ id: customerLinks.id, confidential: tickets.confidential, revokedAt: customerLinks.revokedAt, participant: participants.email })
      .from(customerLinks)
      .innerJoin(tickets, eq(tickets.id, customerLinks.ticketId))
      .leftJoin(participants, and(eq(participants.ticketId, customerLinks.ticketId), eq(participants.email, customerLinks.email)))
      .where(inArray(customerLinks.id, linkIds.slice(i, i + 500)))
      .all();
    for (const r of rows) if (r.revokedAt === null && !r.confidential && r.participant !== null) working.add(r.id);
  }
  return working;
}
