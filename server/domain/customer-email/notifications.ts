/**
 * Customer email (SPEC §4), queued in the transaction of the change that causes it: thank_you,
 * new_note, new_participant, and resolved (a merged change closed the ticket; off by default). One message per recipient, each with its own reply key, threading
 * headers, List-* headers and one-click unsubscribe. Internal and system notes send nothing.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { emailTemplates, messageIds, participants } from '../../../db/schema';
import type { Q, Tx } from '../../../db/client';
import { later } from '../../../db/later';
import { prepared } from '../../../db/prepared';
import { fullPathSlug } from '../../mail/addresses';
import type { OutboundSpec } from '../../mail/outbound/spec';
import { customerNameVars, defaultTemplate, type TemplateKind, type Vars } from '../../mail/outbound/templates';
import type { ProjectRow } from '../accounts/access';
import { newReplyKey, recordMessageId, type ServiceDeskSettings } from './email-tickets';
import type { MailContext } from '../core/mail-context';
import { queueEmail } from './outbox';
import { CUSTOMER_LINK_TTL_MS, customerLinkFor, signAttachmentLinks, viewToken } from './customer-links';
import { defaultOutgoingName } from '../projects/service-desk';
import type { TicketRow } from '../tickets/ticket-views';
import { replySubject } from './reply-subject';

export const ATTACH_LIMIT_BYTES = 10 * 1024 * 1024;

export interface MailAttachment {
  filename: string;
  sha256: string;
  contentType: string;
  size: number;
}

interface Send {
  kind: TemplateKind;
  ticket: TicketRow;
  project: ProjectRow;
  settings: ServiceDeskSettings | undefined;
  to: string;
  fromName: string;
  noteText?: string;
  attachments?: MailAttachment[];
  /** the ticket was created in this transaction: what its thread and links are is known */
  newTicket?: NewTicketFacts;
  /** the template, when already asked for (`templateSource`) */
  template?: Promise<string> | undefined;
}

/**
 * What the transaction that creates a ticket from an email knows, so the thank-you needs no
 * query for it: the author was just added (subscribed), no email of ours is in the thread yet,
 * no customer link exists, and the customer's Message-ID (when it was recorded for the ticket)
 * is the one the thank-you answers.
 */
export interface NewTicketFacts {
  /** (a promise: the statement recording it may still be on its way, db/later.ts) */
  customerMessageId: string | null | Promise<string | null>;
  /** the project's own thank-you template, when it was read with the project (null: the default) */
  template?: string | null | undefined;
  /** the customer link's id, reserved ahead (reserveCustomerLinkId; null on SQLite) */
  linkId?: Promise<number> | null | undefined;
}

const templateStmt = prepared<{ projectId: number; kind: TemplateKind }, { body: string } | undefined>('get', (q) =>
  q
    .select({ body: emailTemplates.body })
    .from(emailTemplates)
    .where(and(eq(emailTemplates.projectId, sql.placeholder('projectId')), eq(emailTemplates.kind, sql.placeholder('kind')))),
);
export async function templateSource(q: Q, projectId: number, kind: TemplateKind): Promise<string> {
  const row = await templateStmt(q, { projectId, kind });
  return row?.body ?? defaultTemplate(kind);
}

/** What one email's placeholders are filled with, already made safe for its recipient. */
export interface RecipientText {
  unsubscribeUrl: string;
  /** the customer view for this recipient; '' for confidential tickets */
  viewUrl: string;
  /** the customer's own text (never the issue template); '' for anyone but the customer */
  description: string;
  noteText?: string;
  rejectionReason?: string;
  /** the recipient's display name as mail gave it (null: unknown), for %{CUSTOMER_NAME} */
  customerName?: string | null;
}

export function templateVars(mc: MailContext, ticket: Pick<TicketRow, 'iid'>, project: Pick<ProjectRow, 'path'>, r: RecipientText): Vars {
  return {
    ISSUE_ID: `#${ticket.iid}`,
    ISSUE_PATH: `${project.path}#${ticket.iid}`,
    // Never a staff link: the customer view, and only for tickets that are not confidential.
    ISSUE_URL: r.viewUrl,
    ISSUE_DESCRIPTION: r.description,
    UNSUBSCRIBE_URL: r.unsubscribeUrl,
    SYSTEM_HEADER: mc.header,
    SYSTEM_FOOTER: mc.footer,
    ADDITIONAL_TEXT: mc.additional,
    NOTE_TEXT: r.noteText ?? '',
    REJECTION_REASON: r.rejectionReason ?? '',
    ...customerNameVars(r.customerName),
  };
}

const NAME_USED = /%\{\s*CUSTOMER_(?:FIRST_)?NAME\s*\}/;
const participantNameStmt = prepared<{ ticketId: number; email: string }, { name: string | null } | undefined>('get', (q) =>
  q
    .select({ name: participants.name })
    .from(participants)
    .where(and(eq(participants.ticketId, sql.placeholder('ticketId')), eq(participants.email, sql.placeholder('email')))),
);

/**
 * The name an email's recipient goes by: the ticket's customer by the name on the email that
 * opened it (on the ticket row, no query), anyone else by the name their address came with. It
 * goes in the To header, and in the text when the template uses %{CUSTOMER_NAME}.
 */
async function recipientName(tx: Tx, s: Send): Promise<string | null> {
  const isAuthor = !!s.ticket.externalAuthor && s.ticket.externalAuthor.toLowerCase() === s.to.toLowerCase();
  if (isAuthor && s.ticket.externalAuthorName) return s.ticket.externalAuthorName;
  return (await participantNameStmt(tx, { ticketId: s.ticket.id, email: s.to.toLowerCase() }))?.name ?? null;
}

/**
 * Placeholder texts for one recipient: links that work without an account (signed, expiring,
 * revocable with the ticket's customer links), attachments made downloadable the same way, and
 * the description only for the customer who wrote it — without the issue template, which is for
 * responders. Added participants never get someone else's text relayed.
 */
async function recipientText(tx: Tx, mc: MailContext, s: Send, unsubscribeUrl: string, at: number): Promise<RecipientText> {
  const linkId = await customerLinkFor(tx, s.ticket.id, s.to, at, { isNew: s.newTicket !== undefined, id: s.kind === 'thank_you' ? s.newTicket?.linkId : null });
  const expires = at + CUSTOMER_LINK_TTL_MS;
  const sign = (markdown: string) => signAttachmentLinks(markdown, mc.publicUrl, mc.secrets, linkId, expires);
  const isAuthor = !!s.ticket.externalAuthor && s.ticket.externalAuthor.toLowerCase() === s.to.toLowerCase();
  return {
    unsubscribeUrl,
    viewUrl: s.ticket.confidential ? '' : `${mc.publicUrl}/c/${viewToken(mc.secrets, linkId, expires)}`,
    description: isAuthor && s.kind !== 'new_participant' ? sign(s.ticket.customerDescription ?? s.ticket.description) : '',
    noteText: sign(s.noteText ?? ''),
  };
}

/**
 * The ticket's thread root is the Message-ID of its first email. It carries a random part: a
 * guessable `<ticket-<id>@host>` would let anyone thread mail onto any ticket via References.
 * `customer` is the Message-ID of the email that opened the ticket, exactly as the customer's
 * software wrote it: our emails answer it, so they thread under it in the customer's mailbox.
 */
async function threadIds(tx: Tx, mc: MailContext, ticket: TicketRow, newTicket?: NewTicketFacts): Promise<{ messageId: string; root: string; first: boolean; customer: string | null }> {
  const host = mc.book.host();
  const fresh = () => `<ticket-${ticket.id}-${randomBytes(12).toString('hex')}@${host}>`;
  if (newTicket) {
    const id = fresh();
    return { messageId: id, root: id, first: true, customer: await newTicket.customerMessageId };
  }
  // The first of each direction, in one statement. Ids that came with a merged ticket still
  // thread here, but the thread keeps its own ends.
  const firstOf = (direction: 'in' | 'out') =>
    sql`(select ${messageIds.messageId} from ${messageIds} where ${messageIds.ticketId} = ${ticket.id} and ${messageIds.direction} = ${direction} and not ${messageIds.merged} order by ${messageIds.createdAt} limit 1)`;
  const ends = await tx.get<{ root: string | null; customer: string | null }>(sql`select ${firstOf('out')} as root, ${firstOf('in')} as customer`);
  const root = ends?.root ?? null;
  const customer = ends?.customer ?? null;
  if (!root) {
    const id = fresh();
    return { messageId: id, root: id, first: true, customer };
  }
  return { messageId: fresh(), root, first: false, customer };
}

/** In-Reply-To and References: the first email answers the customer's; later ones our first. */
function threading(ids: Awaited<ReturnType<typeof threadIds>>, replyKeyRef: string): Pick<OutboundSpec, 'inReplyTo' | 'references'> {
  const customer = ids.customer ? [ids.customer] : [];
  if (ids.first) return ids.customer ? { inReplyTo: ids.customer, references: customer } : {};
  return { inReplyTo: ids.root, references: [...customer, replyKeyRef, ids.root] };
}

async function queue(tx: Tx, mc: MailContext, s: Send, at: number): Promise<void> {
  const { key, unsubscribeToken } = await newReplyKey(tx, s.ticket, s.to, at);
  const host = mc.book.host();
  const unsubscribeUrl = `${mc.publicUrl}/unsubscribe/${unsubscribeToken}`;
  const subject = replySubject(s.ticket.title, s.ticket.iid);
  // the customer link's statement and the thread's go out together (one round trip on PostgreSQL)
  const text = recipientText(tx, mc, s, unsubscribeUrl, at);
  text.catch(() => undefined);
  const name = recipientName(tx, s);
  name.catch(() => undefined);
  const ids = await threadIds(tx, mc, s.ticket, s.newTicket);
  const total = (s.attachments ?? []).reduce((n, a) => n + a.size, 0);
  const known = s.kind === 'thank_you' ? s.newTicket?.template : undefined;
  const source = known === undefined ? await (s.template ?? templateSource(tx, s.project.id, s.kind)) : (known ?? defaultTemplate(s.kind));
  // A verified custom address is the project's face: From and Reply-To, and its own SMTP server
  // when it has one. Replies to it come back through its forwarding and thread by Message-ID
  // (and the reply key in References), so a catch-all without sub-addressing works too.
  const custom = mc.book.customFor(s.project.id);
  const spec: OutboundSpec = {
    from: { name: s.fromName, address: custom ?? mc.from },
    to: s.to,
    ...((await name) ? { toName: (await name) as string } : {}),
    replyTo: custom ?? mc.book.incomingFor(key),
    ...(custom ? { via: `custom:${s.project.id}` } : {}),
    subject,
    text: '',
    // Rendered when the worker composes the message, outside this transaction.
    template: { source, vars: usedVars(source, templateVars(mc, s.ticket, s.project, { ...(await text), customerName: NAME_USED.test(source) ? await name : null })) },
    messageId: ids.messageId,
    ...threading(ids, `<reply-${key}@${host}>`),
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'List-Id': `${s.project.path} <${fullPathSlug(s.project.path)}-${s.project.id}.${host}>`,
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${mc.book.incomingFor(`${unsubscribeToken}-unsubscribe`)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    date: new Date(at).toISOString(),
    // Up to 10 MB in all are attached; beyond that the links in the text are enough.
    ...(s.attachments?.length && total <= ATTACH_LIMIT_BYTES
      ? { attachments: s.attachments.map((a) => ({ filename: a.filename, sha256: a.sha256, contentType: a.contentType })) }
      : {}),
  };
  // answers nobody reads: the statements after them go out behind them (db/later.ts)
  later(tx, queueEmail(tx, { kind: s.kind, projectId: s.project.id, ticketId: s.ticket.id, spec }, at));
  later(tx, recordMessageId(tx, s.project.id, ids.messageId, s.ticket.id, 'out', at));
}

/** Only what the template (and the layout) uses is stored: a description can be megabytes. */
function usedVars(source: string, vars: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of LAYOUT_VARS) out[name] = vars[name];
  for (const m of source.matchAll(/%\{\s*([A-Za-z0-9_]+)\s*\}/g)) {
    const name = m[1] as keyof Vars;
    if (name in vars) out[name] = vars[name];
  }
  return out;
}

const LAYOUT_VARS = ['ISSUE_ID', 'ISSUE_URL', 'UNSUBSCRIBE_URL', 'SYSTEM_HEADER', 'SYSTEM_FOOTER'] as const;

function displayName(project: ProjectRow, settings: ServiceDeskSettings | undefined): string {
  return settings?.outgoingName?.trim() || defaultOutgoingName(project);
}

/** The ticket's participants who get its email, in the order they joined. */
export async function subscribed(tx: Tx, ticketId: number): Promise<string[]> {
  const rows = await tx
    .select({ email: participants.email })
    .from(participants)
    .where(and(eq(participants.ticketId, ticketId), isNull(participants.unsubscribedAt)))
    .orderBy(participants.id)
    .all();
  return rows.map((p) => p.email);
}

async function isSubscribed(tx: Tx, ticketId: number, email: string): Promise<boolean> {
  return (await subscribed(tx, ticketId)).includes(email.toLowerCase());
}

/** The thank-you to the author of a ticket created from their email in this transaction. */
export async function sendThankYou(tx: Tx, mc: MailContext, ticket: TicketRow, project: ProjectRow, settings: ServiceDeskSettings | undefined, at: number, newTicket: NewTicketFacts): Promise<void> {
  if (settings && !settings.sendThankYou) return;
  if (!ticket.externalAuthor || mc.book.isOurs(ticket.externalAuthor)) return;
  // the author was added with the ticket, in this transaction: subscribed
  await queue(tx, mc, { kind: 'thank_you', ticket, project, settings, to: ticket.externalAuthor, fromName: displayName(project, settings), newTicket }, at);
}

export async function sendNewParticipant(tx: Tx, mc: MailContext, ticket: TicketRow, project: ProjectRow, settings: ServiceDeskSettings | undefined, emails: string[], at: number): Promise<void> {
  for (const to of emails) {
    if (mc.book.isOurs(to) || !(await isSubscribed(tx, ticket.id, to))) continue;
    await queue(tx, mc, { kind: 'new_participant', ticket, project, settings, to, fromName: displayName(project, settings) }, at);
  }
}

/** A public note: every subscribed participant except the note's own external author. */
export async function sendNewNote(
  tx: Tx,
  mc: MailContext,
  n: {
    ticket: TicketRow;
    project: ProjectRow;
    settings: ServiceDeskSettings | undefined;
    body: string;
    authorName: string;
    externalAuthor: string | null;
    attachments?: MailAttachment[];
    /** asked for ahead (sent with earlier statements): `subscribed`, `templateSource(…, 'new_note')` */
    recipients?: Promise<string[]>;
    template?: Promise<string>;
  },
  at: number,
): Promise<void> {
  const exclude = n.externalAuthor?.toLowerCase();
  const fromName = n.externalAuthor ? displayName(n.project, n.settings) : `${n.authorName} (via ${displayName(n.project, n.settings)})`;
  for (const to of await (n.recipients ?? subscribed(tx, n.ticket.id))) {
    if (to === exclude || mc.book.isOurs(to)) continue;
    await queue(tx, mc, { kind: 'new_note', ticket: n.ticket, project: n.project, settings: n.settings, to, fromName, noteText: n.body, template: n.template, ...(n.attachments ? { attachments: n.attachments } : {}) }, at);
  }
}


/**
 * A merged change closed the ticket (issue 13): every subscribed participant hears it, when the
 * project turned the "resolved" email on (it is off by default).
 */
export async function sendResolved(tx: Tx, mc: MailContext, ticket: TicketRow, project: ProjectRow, settings: ServiceDeskSettings | undefined, at: number): Promise<void> {
  if (!settings?.sendResolved) return;
  for (const to of await subscribed(tx, ticket.id)) {
    if (mc.book.isOurs(to)) continue;
    await queue(tx, mc, { kind: 'resolved', ticket, project, settings, to, fromName: displayName(project, settings) }, at);
  }
}
