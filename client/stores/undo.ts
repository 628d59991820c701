/**
 * "Closed #12 · Undo": a quick action (e in the queue, a bulk close) says what it did and can be
 * taken back for a few seconds, as in Front and Help Scout. One offer at a time: the newest
 * replaces the last. The offer stays while the pointer or focus is on it (WCAG 2.2.1).
 */
import { createSignal } from 'solid-js';
import { errorMessage } from '../lib/errors';

export interface UndoOffer {
  /** what happened, as said on screen: "Closed #12" */
  text: string;
  /** what Undo shows once it ran: "Reopened #12" (unless `undo` answers with what it did) */
  undone: string;
  undo(): Promise<unknown>;
}

/** How long the offer stays when nobody is on it. */
export const UNDO_MS = 7000;

const [offer, setOffer] = createSignal<UndoOffer | null>(null);
const [said, setSaid] = createSignal<string | null>(null);
export { offer as undoOffer, said as undoSaid };

let timer: ReturnType<typeof setTimeout> | undefined;
let held = false;

function expire(): void {
  clearTimeout(timer);
  if (!held) timer = setTimeout(() => (setOffer(null), setSaid(null)), UNDO_MS);
}

export function offerUndo(o: UndoOffer): void {
  setSaid(null);
  setOffer(o);
  expire();
}

/** The pointer or focus is on the offer (true) or left it (false). */
export function holdUndo(on: boolean): void {
  held = on;
  if (on) clearTimeout(timer);
  else expire();
}

/** Undo (the button, or z): runs the offer's way back once; the line then says how it went. */
export async function runUndo(): Promise<void> {
  const o = offer();
  if (!o) return;
  setOffer(null);
  try {
    const done = await o.undo();
    setSaid(typeof done === 'string' ? done : o.undone);
  } catch (err) {
    setSaid(`Could not undo “${o.text}”: ${errorMessage(err)}`);
  }
  expire();
}
