/**
 * Runs responders' quick actions through the same domain rules the UI buttons use, in two steps:
 * `planQuickActions` checks and resolves everything that can be refused before any change, and
 * `applyQuickActionsTx` makes the changes inside the caller's transaction (the note's, so a note
 * and its commands commit together or not at all).
 */
import { eq } from 'drizzle-orm';
import { memberships, tickets, users } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import { AppError } from '../../../shared/errors';
import { ACCESS, CAN } from '../../../shared/roles';
import { ticketLabels } from '../../../shared/schemas';
import type { ProjectAccess } from '../accounts/access';
import { ensureSupportBot, type UserRow } from '../accounts/users';
import type { DomainCtx, Emit } from '../core/context';
import type { MailContext } from '../core/mail-context';
import { addParticipants, settingsFor } from '../customer-email/email-tickets';
import { addTicketParticipantsTx, emitParticipantsChanged, removeTicketParticipantsTx } from '../customer-email/participants';
import { findTicket } from '../tickets/ticket-lookup';
import { checkAssignee, checkSnooze, updateTicketTx, type CheckedTicketChanges } from '../tickets/tickets';
import { parseSnooze } from '../../../shared/snooze';
import { summarizeOne } from '../tickets/ticket-views';
import { insertNote } from './notes';
import { upsertCustomerTx } from '../customers/customers';
import type { QuickAction } from './quick-actions';

/** Quick actions whose checks passed, with what they resolved to. */
export interface QuickActionPlan {
  iid: number;
  actions: QuickAction[];
  /** `/assign @name` → the member's id and name */
  assignees: Map<QuickAction, { id: number; name: string | null }>;
  /** the Support Bot, when a `/convert_to_ticket` needs it */
  botId: number | null;
  /** `/snooze` → the time it ends */
  snoozes: Map<QuickAction, number>;
}

/** `@alice` → a project member (reporter+) whose email starts `alice@`, or whose name or email is given. */
async function resolveAssignee(dc: DomainCtx, pa: ProjectAccess, username: string): Promise<number> {
  const wanted = username.toLowerCase();
  const members = await dc.db
    .select({ id: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, pa.project.id))
    .all();
  const candidates = members.filter((u) => ACCESS[u.role] >= CAN.respond);
  const hit = candidates.find((u) => u.email === wanted || u.email.split('@')[0] === wanted || u.name.toLowerCase() === wanted);
  if (!hit) throw new AppError('QUICK_ACTION_FAILED', `Could not apply assign command: no member with the reporter role or higher matches @${username}.`);
  return hit.id;
}

/** `/label` adds to the ticket's labels: the result must still be a label list the API would accept. */
async function checkLabelTotal(dc: DomainCtx, pa: ProjectAccess, iid: number, actions: QuickAction[]): Promise<void> {
  const adding = actions.flatMap((a) => (a.kind === 'label' ? a.labels : []));
  if (adding.length === 0) return;
  const current = await findTicket(dc.db, pa.project.id, iid);
  const existing = current ? (await summarizeOne(dc.db, current)).labels : [];
  const result = ticketLabels.safeParse([...new Set([...existing, ...adding].map((l) => l.toLowerCase()))]);
  if (!result.success) throw new AppError('QUICK_ACTION_FAILED', `Could not apply label command: ${result.error.issues[0]?.message ?? 'too many labels.'}`);
}

/** Refuses, before anything changes, every action that would be refused. */
export async function planQuickActions(dc: DomainCtx, pa: ProjectAccess, iid: number, actions: QuickAction[]): Promise<QuickActionPlan> {
  const assignees = new Map<QuickAction, { id: number; name: string | null }>();
  for (const a of actions) if (a.kind === 'assign') assignees.set(a, { id: a.userId ?? (await resolveAssignee(dc, pa, a.username)), name: null });
  await checkLabelTotal(dc, pa, iid, actions);
  const snoozes = new Map<QuickAction, number>();
  for (const a of actions) {
    if (a.kind !== 'snooze') continue;
    const until = parseSnooze(a.spec, dc.now()) ?? 0;
    checkSnooze(dc, { state: 'snoozed', snoozedUntil: until });
    snoozes.set(a, until);
  }
  for (const a of actions) {
    if (a.kind === 'add_email' && a.emails.some((e) => dc.mail.book.isOurs(e))) throw new AppError('OUR_ADDRESS');
  }
  for (const resolved of assignees.values()) resolved.name = await checkAssignee(dc, pa, resolved.id);
  let botId: number | null = null;
  if (actions.some((a) => a.kind === 'convert_to_ticket')) {
    const settings = await settingsFor(dc.db, pa.project.id);
    if (settings && !settings.enabled) throw new AppError('QUICK_ACTION_FAILED', 'Cannot convert to ticket because Service Desk is disabled.');
    botId = (await ensureSupportBot(dc)).id;
  }
  return { iid, actions, assignees, botId, snoozes };
}

async function convertToTicketTx(tx: Tx, emit: Emit, pa: ProjectAccess, actor: UserRow, iid: number, botId: number, email: string, at: number): Promise<void> {
  const ticket = await findTicket(tx, pa.project.id, iid);
  if (!ticket) throw new AppError('TICKET_NOT_FOUND');
  if (ticket.externalAuthor || ticket.authorId === botId) throw new AppError('QUICK_ACTION_FAILED', 'Cannot convert to ticket because it is already a ticket.');
  const customer = await upsertCustomerTx(tx, emit, email, null, at);
  const converted = await tx.update(tickets).set({ authorId: botId, externalAuthor: email, customerId: customer.id, updatedAt: at }).where(eq(tickets.id, ticket.id)).returning().get();
  await addParticipants(tx, ticket.id, [email], at);
  await emitParticipantsChanged(tx, emit, converted);
  await insertNote(tx, emit, converted, { authorId: actor.id, body: `Converted to a Service Desk ticket: ${email} is now its external author and a participant. No thank-you email was sent.`, internal: true, system: false }, at);
}

/** The planned actions, in the order written, inside the caller's transaction. */
export async function applyQuickActionsTx(tx: Tx, emit: Emit, mc: MailContext, pa: ProjectAccess, actor: UserRow, plan: QuickActionPlan, at: number): Promise<void> {
  const { iid } = plan;
  const change = (input: CheckedTicketChanges) => updateTicketTx(tx, emit, pa, actor, iid, input, at);
  for (const a of plan.actions) {
    switch (a.kind) {
      case 'close':
      case 'reopen':
        await change({ state: a.kind === 'close' ? 'closed' : 'opened', assigneeName: null });
        break;
      case 'assign': {
        const assignee = plan.assignees.get(a);
        await change({ assigneeId: assignee?.id ?? null, assigneeName: assignee?.name ?? null });
        break;
      }
      case 'unassign':
        await change({ assigneeId: null, assigneeName: null });
        break;
      case 'label': {
        // Read through the transaction: an earlier `/label` of this note is not committed yet.
        const current = await findTicket(tx, pa.project.id, iid);
        const existing = current ? (await summarizeOne(tx, current)).labels : [];
        await change({ labels: [...existing, ...a.labels], assigneeName: null });
        break;
      }
      case 'unlabel': {
        const current = await findTicket(tx, pa.project.id, iid);
        const gone = new Set(a.labels.map((l) => l.toLowerCase()));
        const existing = current ? (await summarizeOne(tx, current)).labels : [];
        await change({ labels: existing.filter((l) => !gone.has(l.toLowerCase())), assigneeName: null });
        break;
      }
      case 'add_email':
        await addTicketParticipantsTx(tx, emit, mc, pa, actor, iid, a.emails, at);
        break;
      case 'remove_email':
        await removeTicketParticipantsTx(tx, emit, pa, actor, iid, a.emails, at);
        break;
      case 'pending':
        await change({ state: 'pending', assigneeName: null });
        break;
      case 'snooze':
        await change({ state: 'snoozed', snoozedUntil: plan.snoozes.get(a), assigneeName: null });
        break;
      case 'convert_to_ticket':
        // planQuickActions resolves the Support Bot whenever a conversion is planned.
        await convertToTicketTx(tx, emit, pa, actor, iid, plan.botId as number, a.email, at);
        break;
    }
  }
}
