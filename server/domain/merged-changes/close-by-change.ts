/**
 * A merged change closes the tickets its closing words name (issue 13). In one transaction per
 * delivery: each open ticket is closed (`ticket.updated`, cause `change_merged`) with a system
 * note linking the change, the optional "resolved" email is queued for its customer, the
 * (ticket, change) pair is remembered, and the delivery is recorded with what it did.
 *
 * Exactly once: a delivery id seen before is a redelivery and changes nothing; a change that
 * closed a ticket never closes it again (a ticket reopened by hand stays open when the host
 * sends the same merge once more, under a new delivery id).
 *
 * Merged tickets take no more changes: closing words naming one close the ticket it was merged
 * into (where its conversation goes on), and the note says which ticket the change named.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { projects, ticketClosingChanges, tickets } from '../../../db/schema';
import type { WebhookDeliveryView } from '../../../shared/views';
import { ensureSupportBot } from '../accounts/users';
import { write, type DomainCtx, type Emit } from '../core/context';
import { settingsFor } from '../customer-email/email-tickets';
import { sendResolved } from '../customer-email/notifications';
import { insertNote } from '../notes/notes';
import { findTicket, ticketMinAccess } from '../tickets/ticket-lookup';
import { stateColumns } from '../tickets/tickets';
import { summarizeOne, type TicketRow } from '../tickets/ticket-views';
import { closingTicketIids } from './closing-refs';
import { HOST_NAMES, oneLine, type Delivery, type MergedChange } from './code-hosts';
import { deliverySeen, recordDeliveryTx } from './deliveries';

/** A merge chain longer than this is not followed (merging refuses chains; this only bounds the walk). */
const MAX_HOPS = 10;

/** `GitLab merge request !42` / `GitHub pull request #42`, as each host names its changes. */
export function changeName(d: Pick<Delivery, 'host'>, c: Pick<MergedChange, 'number'>): string {
  return d.host === 'gitlab' ? `${HOST_NAMES.gitlab} merge request !${c.number}` : `${HOST_NAMES[d.host]} pull request #${c.number}`;
}

/** The system note's words: the change, its title (one clean line) and its address. */
export function closingNote(d: Pick<Delivery, 'host'>, c: MergedChange, named: number | null): string {
  const title = oneLine(c.title, 200);
  const via = named === null ? '' : ` (it names #${named}, which was merged into this ticket)`;
  return `closed: ${changeName(d, c)}${title ? ` “${title}”` : ''} was merged${via} ${c.url}`;
}

async function followMerges(tx: Tx, ticket: TicketRow): Promise<TicketRow | undefined> {
  let t: TicketRow | undefined = ticket;
  for (let hop = 0; t && t.mergedIntoId !== null && hop < MAX_HOPS; hop++) {
    const into: number = t.mergedIntoId;
    t = await tx.select().from(tickets).where(eq(tickets.id, into)).get();
  }
  return t && t.mergedIntoId === null ? t : undefined;
}

/** What the change did to one named ticket, in the delivery's words. */
type Step = { closed: number } | { skipped: string };

interface CloseCtx {
  projectId: number;
  botId: number;
  delivery: Delivery;
  change: MergedChange;
  /** the customer's resolved email, when the project sends it */
  resolved: ((tx: Tx, ticket: TicketRow, at: number) => Promise<void>) | null;
}

async function closeOne(tx: Tx, emit: Emit, ctx: CloseCtx, iid: number, at: number): Promise<Step> {
  const named = await findTicket(tx, ctx.projectId, iid);
  if (!named) return { skipped: `#${iid} not found` };
  const ticket = await followMerges(tx, named);
  if (!ticket) return { skipped: `#${iid} was merged into a ticket that could not be found` };
  const via = ticket.id === named.id ? '' : ` (merged into #${ticket.iid})`;
  const seen = await tx
    .select({ at: ticketClosingChanges.createdAt })
    .from(ticketClosingChanges)
    .where(and(eq(ticketClosingChanges.ticketId, ticket.id), eq(ticketClosingChanges.changeUrl, ctx.change.url)))
    .get();
  if (seen) return { skipped: `#${iid}${via} was closed by this change before` };
  if (ticket.state === 'closed') return { skipped: `#${iid}${via} already closed` };
  const closed = await tx
    .update(tickets)
    .set({ ...stateColumns('closed', null, at), updatedAt: at, lastActivityAt: at })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
  emit({
    projectId: closed.projectId,
    ticketId: closed.id,
    minAccess: ticketMinAccess(closed),
    event: { type: 'ticket.updated', ticket: await summarizeOne(tx, closed), changes: ['state'], previousState: ticket.state, cause: 'change_merged' },
  });
  const body = closingNote(ctx.delivery, ctx.change, ticket.id === named.id ? null : named.iid);
  await insertNote(tx, emit, closed, { authorId: ctx.botId, body, internal: false, system: true }, at);
  await tx.insert(ticketClosingChanges).values({ ticketId: closed.id, changeUrl: ctx.change.url, createdAt: at }).run();
  if (ctx.resolved) await ctx.resolved(tx, closed, at);
  return { closed: closed.iid };
}

/**
 * Applies a signed, merged change to the project: closes what its closing words name and records
 * the delivery. `dedupeKey` is `<host>:<delivery id>` when the host sent one.
 */
export async function closeByMergedChange(
  dc: DomainCtx,
  target: { projectId: number; projectPath: string },
  delivery: Delivery,
  change: MergedChange,
): Promise<WebhookDeliveryView> {
  // Read outside the write lock: the untrusted text is parsed before the transaction starts.
  const iids = closingTicketIids(`${change.title}\n${change.description}`, { publicUrl: dc.mail.publicUrl, projectPath: target.projectPath });
  const bot = await ensureSupportBot(dc);
  const dedupeKey = delivery.deliveryId ? `${delivery.host}:${delivery.deliveryId}` : null;
  const base = { host: delivery.host, event: delivery.event, deliveryId: delivery.deliveryId, changeUrl: change.url };
  return write(dc, async (tx, emit, at) => {
    if (dedupeKey) {
      const first = await deliverySeen(tx, target.projectId, dedupeKey);
      if (first) {
        return recordDeliveryTx(tx, emit, target.projectId, { ...base, outcome: 'duplicate', detail: `redelivery of ${delivery.deliveryId}: nothing changed (first: ${first.detail})` }, at);
      }
    }
    const name = changeName(delivery, change);
    if (iids.length === 0) {
      return recordDeliveryTx(tx, emit, target.projectId, { ...base, dedupeKey, outcome: 'ignored', detail: `${name} merged; no closing words name a ticket` }, at);
    }
    const project = await tx.select().from(projects).where(eq(projects.id, target.projectId)).get();
    const settings = await settingsFor(tx, target.projectId);
    const resolved = project && settings?.sendResolved ? (t: Tx, ticket: TicketRow, when: number) => sendResolved(t, dc.mail, ticket, project, settings, when) : null;
    const ctx: CloseCtx = { projectId: target.projectId, botId: bot.id, delivery, change, resolved };
    const steps: Step[] = [];
    for (const iid of iids) steps.push(await closeOne(tx, emit, ctx, iid, at));
    const closed = steps.flatMap((s) => ('closed' in s ? [`#${s.closed}`] : []));
    const skipped = steps.flatMap((s) => ('skipped' in s ? [s.skipped] : []));
    const detail = [closed.length ? `closed ${closed.join(', ')}` : '', ...skipped].filter(Boolean).join('; ');
    return recordDeliveryTx(tx, emit, target.projectId, { ...base, dedupeKey, outcome: closed.length ? 'closed' : 'ignored', detail: `${name} merged: ${detail}` }, at);
  });
}
