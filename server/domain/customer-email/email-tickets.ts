/**
 * The domain side of email: tickets and notes authored by the Support Bot, participants,
 * Message-IDs, reply keys, unsubscribes. Every function runs inside the caller's `write()`
 * transaction, so a message's ticket, its event and the emails it causes commit together.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { attachments, customers, emailTemplates, messageIds, participants, projects, removedParticipants, replyKeys, serviceDeskSettings, tickets } from '../../../db/schema';
import type { Emit } from '../core/context';
import type { Q, Tx } from '../../../db/client';
import { later } from '../../../db/later';
import { prepared } from '../../../db/prepared';
import { insertNote } from '../notes/notes';
import { ticketMinAccess } from '../tickets/ticket-lookup';
import { summarizeOne, type TicketRow } from '../tickets/ticket-views';
import type { ProjectRow } from '../accounts/access';
import { setTicketLabels } from '../projects/labels';
import { asciiAddress } from '../../../shared/email-address';
import { customerOnItsWay } from '../customers/customers';
import { previewText } from '../notes/preview';

export const MAX_PARTICIPANTS = 10;

export type ServiceDeskSettings = typeof serviceDeskSettings.$inferSelect;

const settingsStmt = prepared<{ projectId: number }, ServiceDeskSettings | undefined>('get', (q) =>
  q.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, sql.placeholder('projectId'))),
);
export async function settingsFor(q: Q, projectId: number): Promise<ServiceDeskSettings | undefined> {
  return settingsStmt(q, { projectId });
}

const projectStmt = prepared<{ id: number }, ProjectRow | undefined>('get', (q) => q.select().from(projects).where(eq(projects.id, sql.placeholder('id'))));
export async function findProjectById(q: Q, id: number): Promise<ProjectRow | undefined> {
  return projectStmt(q, { id });
}

const projectWithSettingsStmt = prepared<{ id: number }, { project: ProjectRow; settings: ServiceDeskSettings | null; thankYou: string | null } | undefined>('get', (q) =>
  q
    .select({ project: projects, settings: serviceDeskSettings, thankYou: emailTemplates.body })
    .from(projects)
    .leftJoin(serviceDeskSettings, eq(serviceDeskSettings.projectId, projects.id))
    .leftJoin(emailTemplates, and(eq(emailTemplates.projectId, projects.id), eq(emailTemplates.kind, 'thank_you')))
    .where(eq(projects.id, sql.placeholder('id'))),
);
/**
 * A project, its Service Desk settings (undefined when it has none) and its own thank-you
 * template (null: the default), in one statement: what a new ticket by email needs of them.
 */
export async function findProjectWithSettings(q: Q, id: number): Promise<{ project: ProjectRow; settings: ServiceDeskSettings | undefined; thankYou: string | null } | undefined> {
  const row = await projectWithSettingsStmt(q, { id });
  return row ? { project: row.project, settings: row.settings ?? undefined, thankYou: row.thankYou } : undefined;
}

export async function findProjectByKeySuffix(q: Q, suffix: string): Promise<ProjectRow | undefined> {
  const row = await q
    .select({ project: projects })
    .from(serviceDeskSettings)
    .innerJoin(projects, eq(projects.id, serviceDeskSettings.projectId))
    .where(eq(serviceDeskSettings.projectKey, suffix))
    .get();
  return row?.project;
}

/**
 * Message-IDs are stored with the case they came with (our emails answer a customer's id byte
 * for byte) and matched ignoring case, since mail software changes it (the message_ids indexes
 * are on lower(message_id)).
 */
const lowerId = () => sql<string>`lower(${messageIds.messageId})`;
const lowered = (id: string) => id.toLowerCase();

/**
 * Which ticket of the project, if any, a Message-ID belongs to, with the ticket's row (one
 * statement). No `ticket`: deleted (a tombstone's ticket id is null). An id we sent wins over a
 * customer's: `ours` says whether the match is one of our own emails (whoever quotes a
 * customer's Message-ID may only have seen their email).
 */
export async function ticketForMessageIds(q: Q, projectId: number, ids: string[]): Promise<{ ticket: TicketRow | undefined; ours: boolean } | undefined> {
  if (ids.length === 0) return undefined;
  const row = await q
    .select({ direction: messageIds.direction, ticket: tickets })
    .from(messageIds)
    .leftJoin(tickets, eq(tickets.id, messageIds.ticketId))
    .where(and(eq(messageIds.projectId, projectId), inArray(lowerId(), ids.map(lowered))))
    .orderBy(sql`${messageIds.direction} = 'out' desc`)
    .get();
  return row && { ticket: row.ticket ?? undefined, ours: row.direction === 'out' };
}

/** The ticket's external author or one of its participants (unsubscribed ones included). */
export function isTicketParticipant(ticket: Pick<TicketRow, 'externalAuthor'>, participants: readonly string[], email: string): boolean {
  const same = (a: string) => asciiAddress(a).toLowerCase();
  const wanted = same(email);
  if (ticket.externalAuthor && same(ticket.externalAuthor) === wanted) return true;
  return participants.some((p) => same(p) === wanted);
}

/**
 * A responder removed this address from the ticket and nobody has added it back. Their mail still
 * threads (an old reply key, our Message-ID), but as a new sender's: kept for responders, relayed
 * to nobody, and they do not join again by replying.
 */
export async function wasRemovedFrom(q: Q, ticketId: number, email: string): Promise<boolean> {
  if (!email) return false;
  const same = (a: string) => asciiAddress(a).toLowerCase();
  const wanted = same(email);
  const removed = await q.select({ email: removedParticipants.email }).from(removedParticipants).where(eq(removedParticipants.ticketId, ticketId)).limit(1000).all();
  if (!removed.some((r) => same(r.email) === wanted)) return false;
  return !(await participantEmails(q, ticketId)).some((p) => same(p) === wanted);
}

export async function isKnownMessageId(q: Q, projectId: number, id: string): Promise<boolean> {
  return !!(await q.select({ one: sql`1` }).from(messageIds).where(and(eq(messageIds.projectId, projectId), eq(lowerId(), lowered(id)))).get());
}

/**
 * Where a Message-ID is known: each project that recorded it and in which direction. One read
 * answers both `isOwnMessageId` and `isKnownMessageId` for a message being ingested.
 */
const ph = sql.placeholder;
const messageIdUsesStmt = prepared<{ id: string }, { projectId: number; direction: 'in' | 'out' }[]>('all', (q) =>
  q.select({ projectId: messageIds.projectId, direction: messageIds.direction }).from(messageIds).where(eq(lowerId(), ph('id'))),
);
export async function messageIdUses(q: Q, id: string): Promise<{ projectId: number; direction: 'in' | 'out' }[]> {
  return messageIdUsesStmt(q, { id: lowered(id) });
}

export async function isOwnMessageId(q: Q, id: string): Promise<boolean> {
  return !!(await q.select({ one: sql`1` }).from(messageIds).where(and(eq(lowerId(), lowered(id)), eq(messageIds.direction, 'out'))).get());
}

/** Records a Message-ID of the ticket's thread; false when the project already had it. */
const recordMessageIdStmt = prepared<{ projectId: number; messageId: string; ticketId: number; direction: 'in' | 'out'; createdAt: number }, unknown[]>('all', (q) =>
  q
    .insert(messageIds)
    .values({ projectId: ph('projectId'), messageId: ph('messageId'), ticketId: ph('ticketId'), direction: ph('direction'), createdAt: ph('createdAt') } as unknown as typeof messageIds.$inferInsert)
    .onConflictDoNothing()
    .returning({ ticketId: messageIds.ticketId }),
);
export async function recordMessageId(tx: Tx, projectId: number, id: string, ticketId: number, direction: 'in' | 'out', at: number): Promise<boolean> {
  const rows = await recordMessageIdStmt(tx, { projectId, messageId: id, ticketId, direction, createdAt: at });
  return rows.length > 0;
}

/**
 * A reply key for one email to one recipient, and that email's unsubscribe token. They differ
 * so an unsubscribe link (forwarded, scanned, logged) never lets anyone post into the ticket.
 */
export async function newReplyKey(tx: Tx, ticket: Pick<TicketRow, 'id' | 'projectId'>, email: string, at: number): Promise<{ key: string; unsubscribeToken: string }> {
  const key = randomBytes(16).toString('hex');
  const unsubscribeToken = randomBytes(16).toString('hex');
  later(tx, insertReplyKey(tx, { key, ticketId: ticket.id, projectId: ticket.projectId, email: email.toLowerCase(), unsubscribeToken, createdAt: at }));
  return { key, unsubscribeToken };
}
const insertReplyKey = prepared<{ key: string; ticketId: number; projectId: number; email: string; unsubscribeToken: string; createdAt: number }, unknown>('run', (q) =>
  q.insert(replyKeys).values({ key: ph('key'), ticketId: ph('ticketId'), projectId: ph('projectId'), email: ph('email'), unsubscribeToken: ph('unsubscribeToken'), createdAt: ph('createdAt') } as unknown as typeof replyKeys.$inferInsert),
);

/**
 * A reply key with its ticket, the ticket's project and that project's settings, in one
 * statement (a customer's reply reads all four before anything else).
 */
export async function findReplyTarget(q: Q, key: string): Promise<{ key: typeof replyKeys.$inferSelect; ticket: TicketRow | undefined; project: ProjectRow | undefined; settings: ServiceDeskSettings | undefined } | undefined> {
  const row = await replyTargetStmt(q, { key });
  return row ? { key: row.key, ticket: row.ticket ?? undefined, project: row.project ?? undefined, settings: row.settings ?? undefined } : undefined;
}
const replyTargetStmt = prepared<{ key: string }, { key: typeof replyKeys.$inferSelect; ticket: TicketRow | null; project: ProjectRow | null; settings: ServiceDeskSettings | null } | undefined>('get', (q) =>
  q
    .select({ key: replyKeys, ticket: tickets, project: projects, settings: serviceDeskSettings })
    .from(replyKeys)
    .leftJoin(tickets, eq(tickets.id, replyKeys.ticketId))
    .leftJoin(projects, eq(projects.id, tickets.projectId))
    .leftJoin(serviceDeskSettings, eq(serviceDeskSettings.projectId, projects.id))
    .where(eq(replyKeys.key, sql.placeholder('key'))),
);

export async function findReplyKey(q: Q, key: string) {
  return q.select().from(replyKeys).where(eq(replyKeys.key, key)).get();
}

export async function ticketById(q: Q, id: number): Promise<TicketRow | undefined> {
  return q.select().from(tickets).where(eq(tickets.id, id)).get();
}

export async function participantEmails(q: Q, ticketId: number): Promise<string[]> {
  const rows = await q.select({ email: participants.email }).from(participants).where(eq(participants.ticketId, ticketId)).all();
  return rows.map((p) => p.email);
}

/**
 * Adds participants (lowercased, deduped, at most MAX_PARTICIPANTS per ticket). Returns the
 * addresses actually added and those dropped by the limit.
 */
export async function addParticipants(
  tx: Tx,
  ticketId: number,
  emails: string[],
  at: number,
  /** display names by lowercased address, from the email that brought them */
  names?: ReadonlyMap<string, string>,
  /** the ticket's participants when the caller knows them (a ticket created in this transaction) */
  known?: readonly string[],
): Promise<{ added: string[]; dropped: string[] }> {
  if (emails.length === 0) return { added: [], dropped: [] };
  const existing = new Set(known ?? (await participantEmails(tx, ticketId)));
  const added: string[] = [];
  const dropped: string[] = [];
  for (const raw of emails) {
    const email = raw.toLowerCase();
    if (existing.has(email)) continue;
    if (existing.size >= MAX_PARTICIPANTS) {
      dropped.push(email);
      continue;
    }
    // nobody reads the insert's answer: the next statements go out behind it (db/later.ts)
    later(tx, insertParticipant(tx, { ticketId, email, name: names?.get(email) ?? null, createdAt: at }));
    existing.add(email);
    added.push(email);
  }
  return { added, dropped };
}

export interface NewEmailTicket {
  project: ProjectRow;
  botId: number;
  /** the bot's row, when the caller holds it (its name and kind are the ticket's author) */
  bot?: { id: number; name: string; kind: 'human' | 'bot' } | undefined;
  title: string;
  description: string;
  descriptionHtml: string;
  /** the customer's own text when the description has more (an issue template for responders) */
  customerDescription: { markdown: string; html: string } | null;
  confidential: boolean;
  externalAuthor: string;
  externalAuthorName: string | null;
  ccNotAdded: string[] | null;
  emailId: number;
  labels: string[];
}

const insertParticipant = prepared<{ ticketId: number; email: string; name: string | null; createdAt: number }, unknown>('run', (q) =>
  q
    .insert(participants)
    .values({ ticketId: ph('ticketId'), email: ph('email'), name: ph('name'), createdAt: ph('createdAt') } as unknown as typeof participants.$inferInsert)
    .onConflictDoNothing(),
);
/** the project's next ticket number (hot: once per new ticket from email) */
const nextIid = prepared<{ projectId: number }, unknown>('run', (q) =>
  q
    .update(projects)
    .set({ lastIid: sql`${projects.lastIid} + 1` })
    .where(eq(projects.id, ph('projectId'))),
);
const TICKET_FROM_EMAIL = [
  'projectId', 'title', 'description', 'descriptionHtml', 'customerDescription', 'customerDescriptionHtml', 'confidential', 'authorId',
  'externalAuthor', 'externalAuthorName', 'ccNotAdded', 'createdAt', 'updatedAt', 'lastActivityAt', 'emailId', 'preview', 'waitingSince',
] as const;
type TicketFromEmail = { [K in (typeof TICKET_FROM_EMAIL)[number]]: Exclude<(typeof tickets.$inferInsert)[K], undefined> } & { customerEmail: string };
/**
 * The ticket number and the customer are read in the INSERT itself, from the statements sent
 * just ahead of it (`nextIid`, customerOnItsWay), which run first: all go out together.
 */
const insertTicketFromEmail = prepared<TicketFromEmail, TicketRow>('get', (q) =>
  q
    .insert(tickets)
    .values({
      ...Object.fromEntries(TICKET_FROM_EMAIL.map((k) => [k, ph(k)])),
      iid: sql`(select ${projects.lastIid} from ${projects} where ${projects.id} = ${ph('projectId')})`,
      customerId: sql`(select ${customers.id} from ${customers} where ${customers.email} = ${ph('customerEmail')})`,
    } as unknown as typeof tickets.$inferInsert)
    .returning(),
);

export async function insertEmailTicket(tx: Tx, emit: Emit, input: NewEmailTicket, at: number): Promise<TicketRow> {
  // The next number, the customer (inserted if new, and read) and the ticket are sent together:
  // one round trip on PostgreSQL's pipelined connection instead of four.
  const numbered = nextIid(tx, { projectId: input.project.id });
  later(tx, numbered);
  const customerFor = customerOnItsWay(tx, emit, input.externalAuthor, input.externalAuthorName, at);
  const ticket = await insertTicketFromEmail(tx, {
    projectId: input.project.id,
    title: input.title,
    description: input.description,
    descriptionHtml: input.descriptionHtml,
    customerDescription: input.customerDescription?.markdown ?? null,
    customerDescriptionHtml: input.customerDescription?.html ?? null,
    confidential: input.project.visibility === 'public' ? true : input.confidential,
    authorId: input.botId,
    externalAuthor: input.externalAuthor,
    externalAuthorName: input.externalAuthorName,
    ccNotAdded: input.ccNotAdded,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    emailId: input.emailId,
    customerEmail: customerFor.address,
    preview: previewText(input.description),
    // A customer's first message: they wait for our answer from now.
    waitingSince: at,
  });
  const customer = await customerFor.row;
  if (input.labels.length) await setTicketLabels(tx, input.project.id, ticket.id, input.labels);
  emit({
    projectId: ticket.projectId,
    ticketId: ticket.id,
    minAccess: ticketMinAccess(ticket),
    // the customer was just read and labels just set: the summary needs no query for them
    event: { type: 'ticket.created', ticket: await summarizeOne(tx, ticket, { customers: [customer], labels: input.labels.length ? undefined : [], users: input.bot?.id === input.botId ? [input.bot] : undefined }) },
  });
  return ticket;
}

export async function botNote(tx: Tx, emit: Emit, ticket: TicketRow, botId: number, body: string, at: number, opts: { internal?: boolean; system?: boolean } = {}) {
  return insertNote(tx, emit, ticket, { authorId: botId, body, internal: opts.internal ?? false, system: opts.system ?? true }, at);
}

export async function insertAttachments(
  tx: Tx,
  list: { token: string; sha256: string; filename: string; contentType: string; size: number }[],
  ticket: Pick<TicketRow, 'id' | 'projectId'>,
  noteId: number | null,
  at: number,
): Promise<void> {
  for (const a of list) {
    later(
      tx,
      tx
        .insert(attachments)
        .values({ token: a.token, sha256: a.sha256, filename: a.filename, contentType: a.contentType, size: a.size, projectId: ticket.projectId, ticketId: ticket.id, noteId, createdAt: at })
        .run(),
    );
  }
}

export async function unsubscribe(tx: Tx, ticketId: number, email: string, at: number): Promise<boolean> {
  const changed = await tx
    .update(participants)
    .set({ unsubscribedAt: at })
    .where(and(eq(participants.ticketId, ticketId), eq(participants.email, email.toLowerCase()), sql`${participants.unsubscribedAt} is null`))
    .returning({ id: participants.id })
    .all();
  return changed.length > 0;
}

/** Back to open (from closed, pending or snoozed); `cause` says why when no responder did it. */
export async function reopenTicket(tx: Tx, emit: Emit, ticket: TicketRow, at: number, cause?: 'snooze_ended' | 'customer_replied'): Promise<TicketRow> {
  const after = await tx
    .update(tickets)
    .set({ state: 'opened', closedAt: null, snoozedUntil: null, updatedAt: at, lastActivityAt: at })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
  emit({
    projectId: after.projectId,
    ticketId: after.id,
    minAccess: ticketMinAccess(after),
    event: { type: 'ticket.updated', ticket: await summarizeOne(tx, after), changes: ['state'], previousState: ticket.state, ...(cause ? { cause } : {}) },
  });
  return after;
}

/**
 * A ticket one of our sent emails belongs to, found by the ids a reply quotes (In-Reply-To,
 * References): for clients that answer our From address instead of the Reply-To.
 */
export async function ticketForOurMessageIds(q: Q, ids: string[]): Promise<{ ticketId: number | null; projectId: number } | undefined> {
  if (ids.length === 0) return undefined;
  return q
    .select({ ticketId: messageIds.ticketId, projectId: messageIds.projectId })
    .from(messageIds)
    .where(and(inArray(lowerId(), ids.map(lowered)), eq(messageIds.direction, 'out')))
    .get();
}
