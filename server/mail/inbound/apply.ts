/** Decides what a parsed message is and applies it, inside the ingest transaction (SPEC §2). */
import { randomBytes } from 'node:crypto';
import type { Emit } from '../../domain/core/context';
import { later } from '../../../db/later';
import type { Tx } from '../../events/store';
import { finishInbound, recentFromSender, type InboundRow } from '../../domain/mail-log/inbound-log';
import {
  addParticipants,
  botNote,
  findProjectById,
  findProjectByKeySuffix,
  findProjectWithSettings,
  findReplyTarget,
  insertAttachments,
  insertEmailTicket,
  isOwnMessageId,
  messageIdUses,
  isTicketParticipant,
  wasRemovedFrom,
  participantEmails,
  recordMessageId,
  reopenTicket,
  settingsFor,
  ticketById,
  ticketForMessageIds,
  ticketForOurMessageIds,
  unsubscribe,
  type ServiceDeskSettings,
} from '../../domain/customer-email/email-tickets';
import { isReplyLoop, LOOP_REPEATS, LOOP_WINDOW_MS } from '../../domain/customer-email/reply-loops';
import { findProjectByPath, type ProjectRow } from '../../domain/accounts/access';
import { findUnsubscribeToken, unsubscribeParticipant } from '../../domain/customer-email/unsubscribe';
import { isAccountMessageId } from '../../domain/accounts/account-mail';
import { emitParticipantsChanged } from '../../domain/customer-email/participants';
import { insertNote } from '../../domain/notes/notes';
import { customerOnItsWay } from '../../domain/customers/customers';
import { reserveCustomerLinkId } from '../../domain/customer-email/customer-links';
import { issueTemplate } from '../../domain/projects/issue-templates';
import type { TicketRow } from '../../domain/tickets/ticket-views';
import { fullPathSlug, REPLY_KEY_RE } from '../addresses';
import { queueEmail, recentRejections } from '../../domain/customer-email/outbox';
import { sendNewNote, sendNewParticipant, sendThankYou, subscribed, templateSource } from '../../domain/customer-email/notifications';
import { defaultOutgoingName } from '../../domain/projects/service-desk';
import { defaultTemplate } from '../outbound/templates';
import { findKey } from './find-key';
import { titleOfSubject, UnparsableEmailError } from './parse';
import { ignoreReason, type IgnoreReason } from './ignore-rules';
import type { ParsedEmail } from './parse';
import type { PreparedAttachment } from './prepare-attachments';
import { descriptionMarkdown, replyMarkdown, type MessageBody } from './message-markdown';
import { rejectionSpec, type RejectionCode } from './rejections';
import { extractTemplateActions } from './template-actions';
import { checkVerification } from './verification';
import { settleVerification } from '../../domain/projects/custom-email';
import { notifyMailSettings } from '../../domain/mail-setup/signal';
import type { IngestDeps } from './receive';

export type Outcome =
  | { status: 'ticket'; inboundId: number; projectPath: string; iid: number }
  | { status: 'note'; inboundId: number; projectPath: string; iid: number; noteId: number }
  | { status: 'ignored'; inboundId: number; reason: IgnoreReason }
  | { status: 'rejected'; inboundId: number; error: RejectionCode; rejectionTo: string | null }
  | { status: 'unsubscribed'; inboundId: number; email: string }
  | { status: 'quarantined'; inboundId: number; error: string }
  | { status: 'duplicate'; inboundId: number };

/** At most this many rejection emails per recipient per hour, and in all (the rest are still recorded). */
const MAX_REJECTIONS_PER_WINDOW = 5;
export const MAX_REJECTIONS_PER_WINDOW_TOTAL = 100;
const REJECTION_WINDOW_MS = 60 * 60 * 1000;

interface Ctx {
  tx: Tx;
  emit: Emit;
  at: number;
  deps: IngestDeps;
  row: InboundRow;
  parsed: ParsedEmail;
  prepared: PreparedAttachment[];
  tooLarge: boolean;
  envelopeTo: string[];
  /** the body as Markdown, converted (in the render worker) before the transaction */
  body: MessageBody;
  /** Markdown → HTML rendered before the transaction; a miss aborts the attempt (RenderMiss) */
  rendered: ReadonlyMap<string, string>;
}

/**
 * Thrown inside the ingest transaction when a text has to be shown that was not rendered ahead:
 * the attempt rolls back, the text is rendered in the worker, and the message is applied again.
 * Rendering never happens inside the transaction or on the event loop.
 */
export class RenderMiss extends Error {
  constructor(readonly markdown: string) {
    super('Markdown not rendered ahead of the transaction');
  }
}

function htmlOf(c: Ctx, markdown: string): string {
  if (!markdown.trim()) return '';
  const html = c.rendered.get(markdown);
  if (html === undefined) throw new RenderMiss(markdown);
  return html;
}

type Target =
  | { kind: 'project'; project: ProjectRow; settings: ServiceDeskSettings | undefined; thankYou?: string | null | undefined }
  | { kind: 'reply'; project: ProjectRow; ticket: TicketRow; known?: { settings: ServiceDeskSettings | undefined } }
  | { kind: 'unsubscribe'; ticket: TicketRow; email: string }
  | { kind: 'reject'; code: RejectionCode }
  | { kind: 'ignore'; reason: IgnoreReason };

async function resolveKey(c: Ctx): Promise<Target> {
  // A reply to a password reset, invitation or email change: those emails say replies are not
  // read. No rejection (a person gets no confusing bounce, and an auto-responder no answer to
  // loop on), and no ticket either when it reached a project's address (MAIL_FROM may be one):
  // its quoted history holds the email's link. The mail log keeps it.
  // To a project's address only a direct reply counts (In-Reply-To, else the last of References):
  // a later message of a thread that began with one (the inviter answering the invitee, the
  // project in Cc) is a person writing to the project.
  const host = c.deps.dc.mail.book.host();
  const found = findKey(c.parsed, c.deps.dc.mail.book, c.envelopeTo);
  const answered = !found ? [...c.parsed.inReplyTo, ...c.parsed.references] : c.parsed.inReplyTo.length ? c.parsed.inReplyTo : c.parsed.references.slice(-1);
  if (answered.some((id) => isAccountMessageId(id, host))) return { kind: 'ignore', reason: 'account-email-reply' };
  if (!found) {
    // No key anywhere, but it answers one of our emails (sent to our bare From address).
    const ours = await ticketForOurMessageIds(c.tx, [...c.parsed.inReplyTo, ...c.parsed.references]);
    const ticket = ours?.ticketId ? await ticketById(c.tx, ours.ticketId) : undefined;
    const project = ticket ? await findProjectById(c.tx, ticket.projectId) : undefined;
    if (ticket && project) return { kind: 'reply', project, ticket };
    return { kind: 'reject', code: 'UnknownIncomingEmail' };
  }
  if (found.mailbox === 'custom') {
    // A verified custom address names its project by itself (a catch-all without sub-addressing).
    const project = await findProjectById(c.tx, found.projectId);
    if (!project) return { kind: 'reject', code: 'ProjectNotFound' };
    const settings = await settingsFor(c.tx, project.id);
    if (settings && !settings.enabled) return { kind: 'reject', code: 'ProjectNotFound' };
    return { kind: 'project', project, settings };
  }
  const key = found.key.toLowerCase();
  if (found.mailbox === 'incoming') {
    // `<token>-unsubscribe` only unsubscribes; a token is never a reply key, so it cannot post.
    const unsub = /^([0-9a-f]{32})[-+]unsubscribe$/.exec(key)?.[1];
    const replyKey = unsub ?? (REPLY_KEY_RE.test(key) ? key : null);
    if (unsub) {
      const rk = await findUnsubscribeToken(c.tx, unsub);
      if (!rk) return { kind: 'reject', code: 'ReplyKeyNotFound' };
      const ticket = rk.ticketId === null ? undefined : await ticketById(c.tx, rk.ticketId);
      if (!ticket) return { kind: 'reject', code: 'TicketNotFound' };
      return { kind: 'unsubscribe', ticket, email: rk.email };
    }
    if (replyKey) {
      // the key, its ticket, project and settings in one statement
      const found = await findReplyTarget(c.tx, replyKey);
      if (!found) return { kind: 'reject', code: 'ReplyKeyNotFound' };
      if (!found.ticket) return { kind: 'reject', code: 'TicketNotFound' };
      return found.project ? { kind: 'reply', project: found.project, ticket: found.ticket, known: { settings: found.settings } } : { kind: 'reject', code: 'ProjectNotFound' };
    }
  }
  let project: ProjectRow | undefined;
  /** read with the project (the usual address, `…-<id>-issue-`); null: not read yet */
  let known: { settings: ServiceDeskSettings | undefined; thankYou: string | null } | null = null;
  const byId = /^(.+)-(\d+)-issue-$/.exec(key);
  const alias = /^(.+)-([a-z0-9_]+)$/.exec(key);
  if (byId?.[1] && byId[2]) {
    const row = await findProjectWithSettings(c.tx, Number(byId[2]));
    project = row?.project;
    known = row ? { settings: row.settings, thankYou: row.thankYou } : null;
    if (project && fullPathSlug(project.path) !== byId[1]) project = undefined;
  } else if (key.includes('/') && !key.includes('+')) {
    project = await findProjectByPath(c.tx, key);
  } else if (found.mailbox === 'alias' && alias?.[1] && alias[2]) {
    project = await findProjectByKeySuffix(c.tx, alias[2]);
    if (project && fullPathSlug(project.path) !== alias[1]) project = undefined;
  } else {
    return { kind: 'reject', code: found.mailbox === 'incoming' ? 'ReplyKeyNotFound' : 'ProjectNotFound' };
  }
  if (!project) return { kind: 'reject', code: 'ProjectNotFound' };
  const settings = known ? known.settings : await settingsFor(c.tx, project.id);
  if (settings && !settings.enabled) return { kind: 'reject', code: 'ProjectNotFound' };
  return { kind: 'project', project, settings, thankYou: known?.thankYou };
}

function base(c: Ctx) {
  return { messageId: c.parsed.messageId, fromAddress: c.parsed.from?.address ?? null, subject: c.parsed.subject };
}

async function reject(c: Ctx, code: RejectionCode, projectId: number | null): Promise<Outcome> {
  const to = c.parsed.from?.address ?? c.parsed.replyTo[0]?.address ?? null;
  const since = c.at - REJECTION_WINDOW_MS;
  const flooded = async () =>
    (await recentRejections(c.tx, since, to ?? undefined)) >= MAX_REJECTIONS_PER_WINDOW ||
    (await recentRejections(c.tx, since)) >= MAX_REJECTIONS_PER_WINDOW_TOTAL;
  const mc = c.deps.dc.mail;
  if (to && !mc.book.isOurs(to) && !(await flooded())) {
    // In the project's words and from its address when the email reached one; else the instance's.
    const project = projectId === null ? undefined : await findProjectById(c.tx, projectId);
    const settings = project ? await settingsFor(c.tx, project.id) : undefined;
    const custom = project ? mc.book.customFor(project.id) : null;
    const spec = rejectionSpec({ ...c.parsed, from: to, fromName: namesOf(c).get(to) }, code, {
      fromAddress: custom ?? mc.from,
      fromName: project ? settings?.outgoingName?.trim() || defaultOutgoingName(project) : 'Support',
      messageId: `<rejection-${randomBytes(12).toString('hex')}@${mc.book.host()}>`,
      date: new Date(c.at),
      template: project ? await templateSource(c.tx, project.id, 'rejection') : defaultTemplate('rejection'),
      vars: { SYSTEM_HEADER: mc.header, SYSTEM_FOOTER: mc.footer, ADDITIONAL_TEXT: mc.additional },
    });
    await queueEmail(c.tx, { kind: 'rejection', projectId, ticketId: null, spec: custom ? { ...spec, via: `custom:${projectId}` } : spec }, c.at);
  }
  await finishInbound(c.tx, c.row.id, { ...base(c), status: 'rejected', reason: code, projectId }, c.at);
  return { status: 'rejected', inboundId: c.row.id, error: code, rejectionTo: to };
}

async function ignore(c: Ctx, reason: IgnoreReason, projectId: number | null = null): Promise<Outcome> {
  await finishInbound(c.tx, c.row.id, { ...base(c), status: 'ignored', reason, projectId }, c.at);
  return { status: 'ignored', inboundId: c.row.id, reason };
}

function ccToAdd(c: Ctx, settings: ServiceDeskSettings | undefined): string[] {
  if (!settings?.addCcParticipants) return [];
  return c.parsed.cc.map((a) => a.address).filter((a) => !c.deps.dc.mail.book.isOurs(a));
}

/**
 * Cc addresses left out because the project does not add Cc recipients: shown on the message
 * ("Cc: …, not added") so nobody forgets them. Ours and those already on the ticket are not news.
 */
function ccNotAdded(c: Ctx, settings: ServiceDeskSettings | undefined, known: string[]): string[] | null {
  if (settings?.addCcParticipants) return null;
  const skip = new Set(known.map((a) => a.toLowerCase()));
  const list = [...new Set(c.parsed.cc.map((a) => a.address))].filter((a) => !c.deps.dc.mail.book.isOurs(a) && !skip.has(a));
  return list.length ? list : null;
}

/** The display names the email gives its addresses (From, Reply-To, Sender, Cc), by address. */
function namesOf(c: Ctx): Map<string, string> {
  const names = new Map<string, string>();
  for (const a of [c.parsed.from, c.parsed.sender, ...c.parsed.replyTo, ...c.parsed.cc, ...c.parsed.to]) {
    const name = a?.name.trim().replace(/^["']|["']$/g, '').trim();
    if (a && name && name.toLowerCase() !== a.address && !names.has(a.address)) names.set(a.address, name.slice(0, 200));
  }
  return names;
}

/**
 * Who wrote the email, for a new ticket and a reply alike (SPEC §2): the first Reply-To, else
 * From, else Sender — never one of our own addresses — with the display name it came with.
 */
function emailAuthor(c: Ctx): { address: string; name: string | null } | null {
  const book = c.deps.dc.mail.book;
  for (const a of [c.parsed.replyTo[0], c.parsed.from, c.parsed.sender]) {
    if (!a?.address || book.isOurs(a.address)) continue;
    return { address: a.address, name: namesOf(c).get(a.address) ?? null };
  }
  return null;
}

/** Why a new message has no author, in words an admin reading the quarantine can act on. */
function noAuthorReason(m: ParsedEmail): string {
  const broken = m.unusableSenders.slice(0, 3).map((a) => `"${a.slice(0, 100)}"`);
  if (broken.length === 0) return 'The message has no From, Reply-To or Sender address, so there is nobody to answer.';
  return `The sender's address ${broken.join(', ')} is not a valid email address, and the message has no other From, Reply-To or Sender address, so there is nobody to answer.`;
}

async function createTicket(
  c: Ctx,
  project: ProjectRow,
  settings: ServiceDeskSettings | undefined,
  by: { address: string; name: string | null },
  /** the project's own thank-you template when read with the project (null: the default) */
  thankYou: string | null | undefined,
): Promise<Outcome> {
  const author = by.address;
  const customerText = descriptionMarkdown(c.body, c.prepared);
  let description = customerText;
  let labels: string[] = [];
  let confidential = settings?.confidentialByDefault ?? true;
  let templateMissing: string | null = null;
  if (settings?.issueTemplateKey) {
    const body = await issueTemplate(c.tx, project.id, settings.issueTemplateKey);
    if (body?.trim()) {
      const actions = extractTemplateActions(body);
      description = `${description}  \n${actions.text}`;
      labels = actions.labels;
      confidential ||= actions.confidential;
    } else templateMissing = settings.issueTemplateKey;
  }
  const descriptionHtml = htmlOf(c, description);
  // the thank-you's customer link, numbered now so its email need not wait for the INSERT's answer
  const linkId = reserveCustomerLinkId(c.tx);
  // The issue template is for responders: customers see their own text only.
  const customer = description === customerText ? null : { markdown: customerText, html: htmlOf(c, customerText) };
  const ticket = await insertEmailTicket(c.tx, c.emit, {
    project,
    botId: c.deps.supportBotId,
    bot: c.deps.supportBot,
    title: titleOfSubject(c.parsed.subject),
    description,
    descriptionHtml,
    customerDescription: customer,
    confidential,
    externalAuthor: author,
    externalAuthorName: by.name,
    ccNotAdded: ccNotAdded(c, settings, [author]),
    emailId: c.row.id,
    labels,
  }, c.at);
  await insertAttachments(c.tx, c.prepared, ticket, null, c.at);
  const names = namesOf(c);
  // a ticket created just now has no participants but those added here
  const first = await addParticipants(c.tx, ticket.id, [author], c.at, names, []);
  const cc = await addParticipants(c.tx, ticket.id, ccToAdd(c, settings), c.at, names, first.added);
  if (cc.added.length) await botNote(c.tx, c.emit, ticket, c.deps.supportBotId, `added ${cc.added.join(', ')}`, c.at);
  // Recorded for the thread; nobody waits for the answer. The project does not know the id yet
  // (applyMessage found no use of it here, under the write lock), so it is recorded, and the
  // thank-you answers it (In-Reply-To) byte for byte.
  later(c.tx, recordMessageId(c.tx, project.id, c.parsed.messageId, ticket.id, 'in', c.at));
  const mc = c.deps.dc.mail;
  await sendThankYou(c.tx, mc, ticket, project, settings, c.at, { customerMessageId: c.parsed.messageId, template: thankYou, linkId });
  await sendNewParticipant(c.tx, mc, ticket, project, settings, cc.added, c.at);
  if (templateMissing) {
    await botNote(c.tx, c.emit, ticket, c.deps.supportBotId,
      `WARNING: The template file ${templateMissing}.md used for service desk issues is empty or could not be found. Please check service desk settings and update the file to be used.`,
      c.at, { internal: true, system: false });
  }
  // Not waited for: the events and COMMIT go out right behind it. A row no longer pending (another
  // node finished it) fails the job all the same (finishInbound: in PostgreSQL itself).
  later(c.tx, finishInbound(c.tx, c.row.id, { ...base(c), status: 'ticket', projectId: project.id, ticketId: ticket.id }, c.at));
  return { status: 'ticket', inboundId: c.row.id, projectPath: project.path, iid: ticket.iid };
}

/**
 * The addresses deciding who may join a thread (decision 009): From (Sender without one), which
 * SPF, DKIM and DMARC can vouch for, and Reply-To when it names someone else — anybody can write
 * any Reply-To, so a customer's address there proves nothing about who sent the mail.
 */
function joiningAddresses(c: Ctx): string[] {
  const book = c.deps.dc.mail.book;
  const list: string[] = [];
  for (const a of [c.parsed.from?.address ?? c.parsed.sender?.address, c.parsed.replyTo[0]?.address]) {
    if (a && !book.isOurs(a) && !list.some((b) => b.toLowerCase() === a.toLowerCase())) list.push(a);
  }
  return list;
}

/**
 * A new sender's note is shown under the address that made it one (a From that is no participant,
 * or a Reply-To naming someone else): "Add as participant" must add who really wrote.
 */
function newSenderAuthor(c: Ctx, address: string): { address: string; name: string | null } | null {
  return address ? { address, name: namesOf(c).get(address) ?? null } : emailAuthor(c);
}

/**
 * A reply's note. `newSender`: the mail threads only through a customer's own Message-ID and one
 * of its addresses is no participant, or it comes from someone a responder removed; anyone who
 * saw the customer's email could send that, so the note is kept, marked, under that address, and
 * nothing else happens (no participant, no email, no reopening) until a responder adds the sender.
 */
async function addReply(
  c: Ctx,
  project: ProjectRow,
  ticket: TicketRow,
  settings: ServiceDeskSettings | undefined,
  /** the address that makes this a new sender's note ('' when the mail names nobody), or null */
  stranger: string | null,
  /** the ticket's participants, when already asked for */
  asked?: Promise<string[]>,
): Promise<Outcome> {
  const newSender = stranger !== null;
  const by = stranger === null ? emailAuthor(c) : newSenderAuthor(c, stranger);
  const author = by?.address ?? '';
  const { trimmed, links, note: body, empty } = replyMarkdown(c.body, c.prepared);
  if (empty) {
    await asked?.catch(() => undefined);
    return reject(c, 'EmptyEmail', project.id);
  }
  // the ticket's participants, asked together with the customer's row (one round trip on PostgreSQL)
  const present = newSender ? null : (asked ?? participantEmails(c.tx, ticket.id));
  present?.catch(() => undefined);
  // Every external sender is a customer, and their mail keeps the name we show up to date: sent
  // now, and the note goes out behind it (its row is waited for before the outcome is written).
  const customer = author ? customerOnItsWay(c.tx, c.emit, author, by?.name ?? null, c.at).row : null;
  const known = present ? await present : [];
  const note = await insertNote(c.tx, c.emit, ticket, {
    authorId: c.deps.supportBotId,
    externalAuthor: author,
    externalAuthorName: by?.name ?? null,
    ccNotAdded: newSender ? null : ccNotAdded(c, settings, [author, ...known]),
    body,
    bodyHtml: htmlOf(c, body),
    internal: false,
    system: false,
    emailId: c.row.id,
    fromNewSender: newSender,
  }, c.at);
  await insertAttachments(c.tx, c.prepared, ticket, note.id, c.at);
  if (!newSender) await welcomeReply(c, project, ticket, settings, { author, noteBody: body, emailText: trimmed.visible + links, participants: known });
  later(c.tx, recordMessageId(c.tx, project.id, c.parsed.messageId, ticket.id, 'in', c.at));
  // a renamed customer's event is emitted before the outcome
  await customer;
  // Not waited for, as for a new ticket (createTicket).
  later(c.tx, finishInbound(c.tx, c.row.id, { ...base(c), status: 'note', projectId: project.id, ticketId: ticket.id, noteId: note.id }, c.at));
  return { status: 'note', inboundId: c.row.id, projectPath: project.path, iid: ticket.iid, noteId: note.id };
}

/**
 * Sent together, not waited for: which of the reply's addresses (From, Reply-To) a responder
 * removed from the ticket, if any, and its participants. `settled`: once all have answered.
 */
function replyFacts(c: Ctx, ticket: TicketRow) {
  const addresses = joiningAddresses(c);
  const checks = addresses.map((a) => wasRemovedFrom(c.tx, ticket.id, a));
  const removed = Promise.all(checks).then((r) => addresses.find((_, i) => r[i]) ?? null);
  const participants = participantEmails(c.tx, ticket.id);
  const all = [removed, participants];
  for (const p of all) p.catch(() => undefined);
  return { removed, participants, settled: Promise.allSettled(all) };
}

/**
 * What a participant's reply sets off: its author and Cc join, the others get it, the ticket
 * reopens. A reply that completes an auto-responder loop is relayed to nobody, and its author
 * gets no more email on this ticket.
 */
async function welcomeReply(
  c: Ctx,
  project: ProjectRow,
  ticket: TicketRow,
  settings: ServiceDeskSettings | undefined,
  reply: { author: string; noteBody: string; emailText: string; participants: readonly string[] },
): Promise<void> {
  const { author } = reply;
  const cc = await addParticipants(c.tx, ticket.id, [author, ...ccToAdd(c, settings)].filter((a) => a && !c.deps.dc.mail.book.isOurs(a)), c.at, namesOf(c), reply.participants);
  const newCc = cc.added.filter((a) => a !== author);
  if (cc.added.length) await emitParticipantsChanged(c.tx, c.emit, ticket);
  if (newCc.length) await botNote(c.tx, c.emit, ticket, c.deps.supportBotId, `added ${newCc.join(', ')}`, c.at);
  // Asked together: is it a loop; if not, who gets it and with which template (reads only; the
  // participants just added are among them, as statements run in the order sent)
  const loop = isReplyLoop(c.tx, ticket.id, author, reply.noteBody, c.at);
  const relay = { recipients: subscribed(c.tx, ticket.id), template: templateSource(c.tx, project.id, 'new_note') };
  for (const p of [loop, relay.recipients, relay.template]) p.catch(() => undefined);
  if (await loop) {
    await Promise.allSettled([relay.recipients, relay.template]);
    await stopEmailing(c, ticket, author);
  } else await relayReply(c, project, ticket, settings, author, reply.emailText, newCc, relay);
  // Pending waits on the customer and a snooze waits on time: a customer's reply ends both.
  if (ticket.state === 'pending' || ticket.state === 'snoozed') {
    const reopened = await reopenTicket(c.tx, c.emit, ticket, c.at, 'customer_replied');
    await botNote(c.tx, c.emit, reopened, c.deps.supportBotId, `moved back to open: the customer replied while it was ${ticket.state}`, c.at);
  }
  if (ticket.state === 'closed' && settings?.reopenOnExternalNote) {
    const reopened = await reopenTicket(c.tx, c.emit, ticket, c.at);
    await botNote(c.tx, c.emit, reopened, c.deps.supportBotId,
      'This ticket has been reopened because it received a new comment from an external participant.', c.at, { internal: true, system: false });
  }
}

/** Once per loop: the participant stops getting email here, and responders are told why. */
async function stopEmailing(c: Ctx, ticket: TicketRow, author: string): Promise<void> {
  if (!(await unsubscribe(c.tx, ticket.id, author, c.at))) return;
  await emitParticipantsChanged(c.tx, c.emit, ticket);
  await botNote(c.tx, c.emit, ticket, c.deps.supportBotId,
    `stopped emailing ${author.toLowerCase()}: it looks like an auto-responder loop (the same message ${LOOP_REPEATS} times within ${LOOP_WINDOW_MS / 60_000} minutes).`,
    c.at, { internal: true, system: true });
}

async function relayReply(
  c: Ctx,
  project: ProjectRow,
  ticket: TicketRow,
  settings: ServiceDeskSettings | undefined,
  author: string,
  text: string,
  newCc: string[],
  asked: { recipients: Promise<string[]>; template: Promise<string> },
): Promise<void> {
  const mc = c.deps.dc.mail;
  await sendNewNote(c.tx, mc, {
    ...asked,
    ticket,
    project,
    settings,
    body: text,
    authorName: author,
    externalAuthor: author,
    attachments: c.prepared.map((a) => ({ filename: a.filename, sha256: a.sha256, contentType: a.contentType, size: a.size })),
  }, c.at);
  await sendNewParticipant(c.tx, mc, ticket, project, settings, newCc, c.at);
}

/** A custom address's verification email coming back: settled here, never a ticket. */
async function applyVerification(c: Ctx): Promise<Outcome | null> {
  const check = await checkVerification(c.tx, c.parsed, c.at, async () => {
    const target = await resolveKey(c);
    const projectId = target.kind === 'project' || target.kind === 'reply' ? target.project.id : null;
    const via = c.envelopeTo[0] ?? c.parsed.headers.get('delivered-to')?.[0] ?? c.parsed.to[0]?.address ?? null;
    return { projectId, via };
  }, c.deps.dc.secrets);
  if (!check) return null;
  if (check.settle) {
    await settleVerification(c.tx, check.row, check.failure, c.at);
    await notifyMailSettings(c.deps.dc, c.tx);
  }
  return ignore(c, 'custom-email-verification', check.row.projectId);
}

export async function applyMessage(c: Ctx): Promise<Outcome> {
  const verification = await applyVerification(c);
  if (verification) return verification;
  // The message's own id is looked up once: is it one of ours (ignore), is it known here (duplicate).
  // Asked now, not awaited: the project lookup goes out right behind it (one round trip on
  // PostgreSQL's pipelined connection); nearly every message reads it below.
  const uses = messageIdUses(c.tx, c.parsed.messageId);
  uses.catch(() => undefined);
  const usesOf = () => uses;
  // so is the address (reads only; an ignored message never uses it)
  const resolving = resolveKey(c);
  resolving.catch(() => undefined);
  const ignored = await ignoreReason(c.parsed, (a) => c.deps.dc.mail.book.isOurs(a), async (id) =>
    id === c.parsed.messageId ? (await usesOf()).some((u) => u.direction === 'out') : isOwnMessageId(c.tx, id),
  );
  if (ignored) {
    // the address lookup started above ends inside this job, before its outcome is written
    await resolving.catch(() => undefined);
    return ignore(c, ignored);
  }
  const target = await resolving;
  if (target.kind === 'reject') return reject(c, target.code, null);
  if (target.kind === 'ignore') return ignore(c, target.reason);
  if (c.tooLarge) return reject(c, 'EmailTooLarge', target.kind === 'unsubscribe' ? target.ticket.projectId : target.project.id);
  if (target.kind === 'unsubscribe') {
    await unsubscribeParticipant(c.tx, c.emit, target.ticket, target.email, c.deps.supportBotId, c.at);
    await finishInbound(c.tx, c.row.id, { ...base(c), status: 'unsubscribed', projectId: target.ticket.projectId, ticketId: target.ticket.id }, c.at);
    return { status: 'unsubscribed', inboundId: c.row.id, email: target.email };
  }
  const { project } = target;
  if ((await usesOf()).some((u) => u.projectId === project.id)) {
    await finishInbound(c.tx, c.row.id, { ...base(c), status: 'duplicate', projectId: project.id }, c.at);
    return { status: 'duplicate', inboundId: c.row.id };
  }
  const from = c.parsed.from?.address ?? c.parsed.sender?.address;
  const sent = from ? recentFromSender(c.tx, project.id, from, c.at - 60_000) : null;
  // A reply to a known ticket: what it needs next is read together with the count (reads only)
  const reply = target.kind === 'reply' ? replyFacts(c, target.ticket) : null;
  // and for mail to the project's address, the ticket its thread belongs to, if any
  const threading = target.kind === 'project' ? ticketForMessageIds(c.tx, project.id, [...c.parsed.inReplyTo, ...c.parsed.references]) : null;
  threading?.catch(() => undefined);
  if (sent && (await sent) >= c.deps.rateLimitPerMinute) {
    await reply?.settled;
    await threading?.catch(() => undefined);
    return ignore(c, 'rate-limited', project.id);
  }
  const settings = target.kind === 'project' ? target.settings : target.known ? target.known.settings : await settingsFor(c.tx, project.id);
  if (target.kind === 'reply' && reply) return addReply(c, project, target.ticket, settings, await reply.removed, reply.participants);
  const thread = await threading;
  if (thread) {
    const { ticket } = thread;
    if (!ticket) return reject(c, 'TicketNotFound', project.id);
    const facts = replyFacts(c, ticket);
    const participants = await facts.participants;
    // Only our ids prove we emailed the sender; a customer's id lets in only its participants.
    const addresses = joiningAddresses(c);
    const outsider = thread.ours ? null : addresses.length ? addresses.find((a) => !isTicketParticipant(ticket, participants, a)) : '';
    const stranger = (await facts.removed) ?? outsider ?? null;
    await facts.settled;
    return addReply(c, project, ticket, settings, stranger, facts.participants);
  }
  const author = emailAuthor(c);
  // bad input, not a fault of ours: quarantined with the reason, without an error in the log
  if (!author) throw new UnparsableEmailError(noAuthorReason(c.parsed));
  return createTicket(c, project, settings, author, target.kind === 'project' ? target.thankYou : undefined);
}
