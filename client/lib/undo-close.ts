/** "Closed #12 · Undo" for one ticket, wherever it was closed (a queue row, the ticket page, `e`). */
import type { TicketDetail } from '../../shared/views';
import { offerUndo } from '../stores/undo';
import { api } from './trpc';
import { undoneText, wayBack, type StateBefore } from './way-back';

export function offerUndoClose(projectPath: string, iid: number, before: StateBefore | undefined, onUndone?: (t: TicketDetail) => void): void {
  offerUndo({
    text: `Closed #${iid}`,
    undone: undoneText([wayBack(before, Date.now())], `#${iid}`),
    undo: async () => {
      // Decided now: a snooze whose time passed meanwhile goes back to open.
      const to = wayBack(before, Date.now());
      const t = await api.tickets.update.mutate({ projectPath, iid, ...to });
      onUndone?.(t);
      return undoneText([to], `#${iid}`);
    },
  });
}
