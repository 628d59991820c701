import { Show } from 'solid-js';
import { holdUndo, runUndo, undoOffer, undoSaid } from '../stores/undo';

/**
 * The line that says what a quick action did, with Undo (z from the keyboard). Always in the page
 * so screen readers announce what appears in it; focusable, so a bulk close can hand focus here.
 */
export default function UndoStatus() {
  return (
    <div
      class="undo-status"
      role="status"
      tabindex="-1"
      data-testid="undo-status"
      classList={{ 'undo-status-on': !!(undoOffer() || undoSaid()) }}
      onFocusIn={() => holdUndo(true)}
      onFocusOut={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && holdUndo(false)}
      onMouseEnter={() => holdUndo(true)}
      onMouseLeave={() => holdUndo(false)}
    >
      <Show when={undoOffer()} fallback={undoSaid()}>
        {(o) => (
          <>
            <span>{o().text}</span>
            <span aria-hidden="true"> · </span>
            <button
              type="button"
              class="link-button"
              data-testid="undo"
              onClick={(e) => {
                // The button goes away once pressed: focus stays on the line, which then says what Undo did.
                (e.currentTarget.parentElement as HTMLElement | null)?.focus();
                void runUndo();
              }}
            >
              Undo
            </button>
          </>
        )}
      </Show>
    </div>
  );
}
