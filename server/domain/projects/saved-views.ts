/**
 * Saved views of the queue (issue 12, item 9): named filters and sort, personal or shared with
 * the project. Anyone who reads the queue lists theirs and the shared ones; responders save them;
 * a view is changed or deleted by its owner, a shared one also by maintainers. Counts come from
 * `tickets.counts` with the view's filters, under the caller's own visibility.
 */
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { savedViews } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, CAN } from '../../../shared/roles';
import type { SavedViewFilters, SavedViewView } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx, type Emit } from '../core/context';
import type { Q } from '../../../db/client';

type Row = typeof savedViews.$inferSelect;

function mayChange(pa: ProjectAccess, actor: UserRow, row: Row): boolean {
  return row.ownerId === actor.id || (row.ownerId === null && (row.createdBy === actor.id || pa.access >= ACCESS.maintainer));
}

function view(pa: ProjectAccess, actor: UserRow, r: Row): SavedViewView {
  return { id: r.id, name: r.name, shared: r.ownerId === null, filters: r.filters, mine: mayChange(pa, actor, r) };
}

export async function listSavedViews(dc: DomainCtx, pa: ProjectAccess, actor: UserRow): Promise<SavedViewView[]> {
  const rows = await dc.db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.projectId, pa.project.id), or(isNull(savedViews.ownerId), eq(savedViews.ownerId, actor.id))))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.id))
    .limit(100)
    .all();
  // A view naming a customer (a picker or a `from:` search) carries their address: below reporter
  // addresses are masked (decision 007), and such a view would match nothing there anyway.
  const seesAddresses = pa.access >= CAN.seeParticipantEmails;
  return rows.filter((r) => seesAddresses || !namesCustomer(r.filters)).map((r) => view(pa, actor, r));
}

function namesCustomer(f: SavedViewFilters): boolean {
  return Boolean(f.customer) || /(^|\s)-?from:/i.test(f.search ?? '');
}

/** Queues read their list again; the event names no view, so a personal one stays private. */
function changed(emit: Emit, projectId: number): void {
  emit({ projectId, ticketId: null, minAccess: CAN.readTickets, event: { type: 'saved_views.changed' } });
}

async function own(tx: Q, pa: ProjectAccess, actor: UserRow, id: number): Promise<Row> {
  const row = await tx.select().from(savedViews).where(and(eq(savedViews.projectId, pa.project.id), eq(savedViews.id, id))).get();
  // Another user's personal view does not exist for you.
  if (!row || (row.ownerId !== null && row.ownerId !== actor.id)) throw new AppError('SAVED_VIEW_NOT_FOUND');
  if (!mayChange(pa, actor, row)) throw new AppError('FORBIDDEN', 'Only the responder who shared this view, or a maintainer, can change it.');
  return row;
}

export async function saveSavedView(
  dc: DomainCtx,
  pa: ProjectAccess,
  actor: UserRow,
  input: { id?: number | undefined; name: string; shared: boolean; filters: SavedViewFilters },
): Promise<SavedViewView> {
  return write(dc, async (tx, emit, at) => {
    const ownerId = input.shared ? null : actor.id;
    let row: Row;
    if (input.id === undefined) {
      row = await tx
        .insert(savedViews)
        .values({ projectId: pa.project.id, ownerId, name: input.name, filters: input.filters, createdBy: actor.id, createdAt: at, updatedAt: at })
        .returning()
        .get();
    } else {
      await own(tx, pa, actor, input.id);
      row = await tx.update(savedViews).set({ ownerId, name: input.name, filters: input.filters, updatedAt: at }).where(eq(savedViews.id, input.id)).returning().get();
    }
    changed(emit, pa.project.id);
    return view(pa, actor, row);
  });
}

export async function removeSavedView(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, id: number): Promise<void> {
  await write(dc, async (tx, emit) => {
    await own(tx, pa, actor, id);
    await tx.delete(savedViews).where(eq(savedViews.id, id)).run();
    changed(emit, pa.project.id);
  });
}
