/**
 * Saved replies and macros per project (issue 12, item 5). Maintainers keep them; responders
 * insert one filled in for the ticket (`fillSavedReply`) and edit it before sending. A macro's
 * actions become quick actions of the note (`macroQuickActions`), so `postNote` checks them with
 * the rest and applies them in the note's transaction.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { savedReplies } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { CAN } from '../../../shared/roles';
import { describeActions, escapeMarkdownInline, fillPlaceholders, type MacroActions } from '../../../shared/macros';
import type { FilledReply, SavedReplyView } from '../../../shared/views';
import type { Q } from '../../../db/client';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx, type Emit } from '../core/context';
import { customerById } from '../customers/customers';
import { visibleTicket } from '../tickets/ticket-lookup';
import { actorOf, recordAudit } from '../audit/audit-log';
import type { QuickAction } from './quick-actions';

type SavedReplyRow = typeof savedReplies.$inferSelect;

function view(r: SavedReplyRow): SavedReplyView {
  return { id: r.id, name: r.name, body: r.body, actions: r.actions ?? null, updatedAt: new Date(r.updatedAt).toISOString() };
}

export async function listSavedReplies(q: Q, projectId: number): Promise<SavedReplyView[]> {
  const rows = await q.select().from(savedReplies).where(eq(savedReplies.projectId, projectId)).orderBy(asc(sql`lower(${savedReplies.name})`)).limit(500).all();
  return rows.map(view);
}

async function savedReplyById(q: Q, projectId: number, id: number): Promise<SavedReplyRow> {
  const row = await q.select().from(savedReplies).where(and(eq(savedReplies.projectId, projectId), eq(savedReplies.id, id))).get();
  if (!row) throw new AppError('SAVED_REPLY_NOT_FOUND');
  return row;
}

/** Responders' composers read the list again. */
function changed(emit: Emit, projectId: number): void {
  emit({ projectId, ticketId: null, minAccess: CAN.respond, event: { type: 'saved_replies.changed' } });
}

/** Creates (no id) or changes a saved reply; names are unique per project, ignoring case. */
export async function saveSavedReply(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: { id?: number | undefined; name: string; body: string; actions?: MacroActions | null | undefined },
): Promise<SavedReplyView> {
  const actions = input.actions && Object.keys(input.actions).length ? input.actions : null;
  return write(dc, async (tx, emit, at) => {
    const clash = await tx
      .select({ id: savedReplies.id })
      .from(savedReplies)
      .where(and(eq(savedReplies.projectId, pa.project.id), sql`lower(${savedReplies.name}) = lower(${input.name})`))
      .get();
    if (clash && clash.id !== input.id) throw new AppError('SAVED_REPLY_NAME_TAKEN');
    let row: SavedReplyRow;
    if (input.id === undefined) {
      row = await tx
        .insert(savedReplies)
        .values({ projectId: pa.project.id, name: input.name, body: input.body, actions, createdBy: actor.id, createdAt: at, updatedAt: at })
        .returning()
        .get();
    } else {
      await savedReplyById(tx, pa.project.id, input.id);
      const patch = { name: input.name, body: input.body, updatedAt: at, ...(input.actions !== undefined ? { actions } : {}) };
      row = await tx.update(savedReplies).set(patch).where(eq(savedReplies.id, input.id)).returning().get();
    }
    changed(emit, pa.project.id);
    // Like the email templates, the words a team sends customers are audited.
    await recordAudit(tx, actorOf(actor), { projectId: pa.project.id, action: input.id === undefined ? 'saved_reply.created' : 'saved_reply.changed', target: row.name, detail: { macro: row.actions !== null } }, at);
    return view(row);
  });
}

export async function removeSavedReply(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, id: number): Promise<void> {
  await write(dc, async (tx, emit, at) => {
    const row = await savedReplyById(tx, pa.project.id, id);
    await tx.delete(savedReplies).where(eq(savedReplies.id, id)).run();
    changed(emit, pa.project.id);
    await recordAudit(tx, actorOf(actor), { projectId: pa.project.id, action: 'saved_reply.removed', target: row.name }, at);
  });
}

const firstWord = (s: string) => s.trim().split(/\s+/)[0] ?? s;

/** A saved reply with its placeholders filled in for this ticket and this responder. */
export async function fillSavedReply(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, id: number): Promise<FilledReply> {
  const ticket = await visibleTicket(dc, pa, iid);
  const reply = await savedReplyById(dc.db, pa.project.id, id);
  const customer = ticket.customerId === null ? undefined : await customerById(dc.db, ticket.customerId);
  const email = customer?.email ?? ticket.externalAuthor ?? '';
  const name = customer?.name ?? (email ? (email.split('@')[0] ?? email) : 'there');
  // Every value but our own ticket number comes from people (the customer's mail, a name someone
  // typed): escaped, so none of it can become a link, HTML, a mention or a quick action.
  const esc = escapeMarkdownInline;
  const body = fillPlaceholders(reply.body, {
    customer_name: esc(name),
    customer_first_name: esc(firstWord(name)),
    customer_email: esc(email),
    ticket_iid: `#${ticket.iid}`,
    ticket_title: esc(ticket.title),
    agent_name: esc(actor.name),
    agent_first_name: esc(firstWord(actor.name)),
    project_name: esc(pa.project.name),
  });
  return { id: reply.id, name: reply.name, body, actions: reply.actions ?? null, describe: describeActions(reply.actions) };
}

/** A macro's actions as the quick actions `postNote` checks and applies with the note. */
export async function macroQuickActions(q: Q, pa: ProjectAccess, actor: UserRow, macroId: number): Promise<QuickAction[]> {
  const a = (await savedReplyById(q, pa.project.id, macroId)).actions;
  if (!a) return [];
  const out: QuickAction[] = [];
  if (a.labels?.length) out.push({ kind: 'label', labels: a.labels });
  if (a.assignee === null) out.push({ kind: 'unassign' });
  else if (a.assignee === 'me') out.push({ kind: 'assign', username: actor.email, userId: actor.id });
  else if (a.assignee) out.push({ kind: 'assign', username: a.assignee });
  if (a.state === 'closed') out.push({ kind: 'close' });
  if (a.state === 'opened') out.push({ kind: 'reopen' });
  if (a.state === 'pending') out.push({ kind: 'pending' });
  if (a.state === 'snoozed' && a.snooze) out.push({ kind: 'snooze', spec: a.snooze });
  return out;
}
