/**
 * Bulk actions in the queue (issue 12, item 7): one change to up to 100 tickets. Each ticket is
 * its own transaction, with its own event, so one that fails (merged meanwhile, gone, refused)
 * costs nothing to the others; the answer lists what failed and why. What would fail for every
 * ticket alike (an assignee who may not respond, a snooze in the past) is refused up front.
 */
import { AppError, ERRORS } from '../../../shared/errors';
import type { BulkResult } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx } from '../core/context';
import { mergeTicketTx } from './merge';
import { findTicket } from './ticket-lookup';
import { checkAssignee, checkSnooze, updateTicketTx, type CheckedTicketChanges } from './tickets';
import { summarizeOne } from './ticket-views';
import type { TicketState } from '../../../shared/views';

export type BulkAction =
  | { kind: 'state'; state: TicketState; snoozedUntil?: number | undefined }
  | { kind: 'assign'; assigneeId: number | null }
  | { kind: 'labels'; add: string[]; remove: string[] }
  | { kind: 'merge'; into: number };

function failure(iid: number, err: unknown): BulkResult['failed'][number] {
  if (err instanceof AppError) return { iid, code: err.code, message: err.message };
  return { iid, code: 'INTERNAL', message: ERRORS.INTERNAL.message };
}

export async function bulkUpdate(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iids: number[], action: BulkAction): Promise<BulkResult> {
  let assigneeName: string | null = null;
  if (action.kind === 'assign') assigneeName = await checkAssignee(dc, pa, action.assigneeId);
  if (action.kind === 'state') checkSnooze(dc, action);
  const result: BulkResult = { updated: [], failed: [] };
  for (const iid of [...new Set(iids)]) {
    if (action.kind === 'merge' && iid === action.into) continue;
    try {
      await write(dc, async (tx, emit, at) => {
        if (action.kind === 'merge') return mergeTicketTx(tx, emit, pa, actor, iid, action.into, at);
        let change: CheckedTicketChanges;
        if (action.kind === 'state') change = { state: action.state, snoozedUntil: action.snoozedUntil, assigneeName: null };
        else if (action.kind === 'assign') change = { assigneeId: action.assigneeId, assigneeName };
        else {
          const current = await findTicket(tx, pa.project.id, iid);
          if (!current) throw new AppError('TICKET_NOT_FOUND');
          const gone = new Set(action.remove.map((l) => l.toLowerCase()));
          const labels = [...(await summarizeOne(tx, current)).labels, ...action.add].filter((l) => !gone.has(l.toLowerCase()));
          if (labels.length > 50) throw new AppError('INVALID_INPUT', 'A ticket can have at most 50 labels.');
          change = { labels, assigneeName: null };
        }
        await updateTicketTx(tx, emit, pa, actor, iid, change, at);
      });
      result.updated.push(iid);
    } catch (err) {
      result.failed.push(failure(iid, err));
    }
  }
  return result;
}
