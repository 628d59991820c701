/** Runs responders' quick actions through the same domain functions the UI buttons use. */
import { and, desc, eq } from 'drizzle-orm';
import { memberships, notes, tickets, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, CAN } from '../../../shared/roles';
import { ticketLabels } from '../../../shared/schemas';
import type { NoteView } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import { write, type DomainCtx } from '../core/context';
import { addParticipants, settingsFor } from '../customer-email/email-tickets';
import { insertNote } from './notes';
import { addTicketParticipants, emitParticipantsChanged, removeTicketParticipants } from '../customer-email/participants';
import type { QuickAction } from './quick-actions';
import { findTicket, updateTicket } from '../tickets/tickets';
import { noteViews, summarizeOne } from '../tickets/ticket-views';
import { ensureSupportBot, type UserRow } from '../accounts/users';

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

async function convertToTicket(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, email: string): Promise<void> {
  const settings = await settingsFor(dc.db, pa.project.id);
  if (settings && !settings.enabled) throw new AppError('QUICK_ACTION_FAILED', 'Cannot convert to ticket because Service Desk is disabled.');
  const bot = await ensureSupportBot(dc);
  await write(dc, async (tx, emit, at) => {
    const ticket = await findTicket(tx, pa.project.id, iid);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    if (ticket.externalAuthor || ticket.authorId === bot.id) throw new AppError('QUICK_ACTION_FAILED', 'Cannot convert to ticket because it is already a ticket.');
    const converted = await tx.update(tickets).set({ authorId: bot.id, externalAuthor: email, updatedAt: at }).where(eq(tickets.id, ticket.id)).returning().get();
    await addParticipants(tx, ticket.id, [email], at);
    await emitParticipantsChanged(tx, emit, converted);
    await insertNote(tx, emit, converted, { authorId: actor.id, body: `Converted to a Service Desk ticket: ${email} is now its external author and a participant. No thank-you email was sent.`, internal: true, system: false }, at);
  });
}

export async function applyQuickActions(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, actions: QuickAction[]): Promise<NoteView | null> {
  // Resolve everything that can fail before changing anything.
  const assignees = new Map<QuickAction, number>();
  for (const a of actions) if (a.kind === 'assign') assignees.set(a, await resolveAssignee(dc, pa, a.username));
  await checkLabelTotal(dc, pa, iid, actions);
  for (const a of actions) {
    if (a.kind === 'add_email' && a.emails.some((e) => dc.mail.book.isOurs(e))) throw new AppError('OUR_ADDRESS');
  }
  for (const a of actions) {
    switch (a.kind) {
      case 'close':
      case 'reopen':
        await updateTicket(dc, pa, actor, iid, { state: a.kind === 'close' ? 'closed' : 'opened' });
        break;
      case 'assign':
        await updateTicket(dc, pa, actor, iid, { assigneeId: assignees.get(a) ?? null });
        break;
      case 'unassign':
        await updateTicket(dc, pa, actor, iid, { assigneeId: null });
        break;
      case 'label': {
        const current = await findTicket(dc.db, pa.project.id, iid);
        const existing = current ? (await summarizeOne(dc.db, current)).labels : [];
        await updateTicket(dc, pa, actor, iid, { labels: [...existing, ...a.labels] });
        break;
      }
      case 'add_email':
        await addTicketParticipants(dc, pa, actor, iid, a.emails);
        break;
      case 'remove_email':
        await removeTicketParticipants(dc, pa, actor, iid, a.emails);
        break;
      case 'convert_to_ticket':
        await convertToTicket(dc, pa, actor, iid, a.email);
        break;
    }
  }
  const ticket = await findTicket(dc.db, pa.project.id, iid);
  if (!ticket) return null;
  const last = await dc.db.select().from(notes).where(and(eq(notes.ticketId, ticket.id))).orderBy(desc(notes.id)).limit(1).get();
  return last ? ((await noteViews(dc.db, [last]))[0] ?? null) : null;
}
