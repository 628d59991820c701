/**
 * What Undo after a close puts back: the state the ticket had before, not always "Open". A pending
 * ticket goes back to waiting on its customer; a snoozed one sleeps again until its time, if that
 * time is still ahead (else it would have woken up by now: it goes back to open).
 */
import type { TicketState } from '../../shared/views';

export interface StateBefore {
  state: TicketState;
  snoozedUntil: string | null;
}

export type WayBack = { state: 'opened' } | { state: 'pending' } | { state: 'snoozed'; snoozedUntil: string };

export function wayBack(before: StateBefore | undefined, now: number): WayBack {
  if (before?.state === 'pending') return { state: 'pending' };
  if (before?.state === 'snoozed' && before.snoozedUntil && Date.parse(before.snoozedUntil) > now) return { state: 'snoozed', snoozedUntil: before.snoozedUntil };
  return { state: 'opened' };
}

/** Tickets closed together, grouped by where Undo takes each (one bulk call per group). */
export function groupWayBack(iids: number[], before: (iid: number) => StateBefore | undefined, now: number): { to: WayBack; iids: number[] }[] {
  const groups = new Map<string, { to: WayBack; iids: number[] }>();
  for (const iid of iids) {
    const to = wayBack(before(iid), now);
    const key = to.state === 'snoozed' ? `snoozed ${to.snoozedUntil}` : to.state;
    const g = groups.get(key) ?? { to, iids: [] };
    g.iids.push(iid);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** What the Undo line says once done (`to`: one per ticket): "Reopened #12", "#12 is pending again", "Restored 3 tickets". */
export function undoneText(to: WayBack[], what: string): string {
  const states = new Set(to.map((t) => t.state));
  if (states.size !== 1) return `Restored ${what}`;
  if (states.has('pending')) return `${what} ${to.length > 1 ? 'are' : 'is'} pending again`;
  if (states.has('snoozed')) return `${what} ${to.length > 1 ? 'are' : 'is'} snoozed again`;
  return `Reopened ${what}`;
}
