import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { installShortcuts, SHORTCUTS } from '../lib/shortcuts';
import { me } from '../stores/session';

export default function ShortcutsHelp() {
  const [open, setOpen] = createSignal(false);
  onMount(() => {
    const remove = installShortcuts({ myId: () => me()?.id ?? null, toggleHelp: () => setOpen((o) => !o) });
    const onEscape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onEscape);
    onCleanup(() => {
      remove();
      window.removeEventListener('keydown', onEscape);
    });
  });
  return (
    <Show when={open()}>
      <div class="shortcuts-backdrop" onClick={() => setOpen(false)}>
        <section class="panel shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts" onClick={(e) => e.stopPropagation()}>
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <For each={['Queue', 'Ticket', 'Queue and ticket', 'Anywhere'] as const}>
            {(where) => (
              <section class="shortcut-group" data-testid={`shortcuts-${where.toLowerCase().replace(/ /g, '-')}`}>
                <h3>{where === 'Queue and ticket' ? 'In the queue and on a ticket' : where === 'Anywhere' ? 'Anywhere' : where === 'Queue' ? 'In the queue' : 'On a ticket'}</h3>
                <dl>
                  <For each={SHORTCUTS.filter((s) => s.where === where)}>
                    {(s) => (
                      <>
                        <dt>
                          <kbd>{s.keys}</kbd>
                        </dt>
                        <dd>{s.what}</dd>
                      </>
                    )}
                  </For>
                </dl>
              </section>
            )}
          </For>
          <button type="button" class="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </section>
      </div>
    </Show>
  );
}
