import { A } from '@solidjs/router';
import { For } from 'solid-js';
import { dismiss, toasts } from '../stores/notifications';

export default function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(t) => (
          <div class="toast" data-testid="toast">
            <A href={t.href} onClick={() => dismiss(t.id)}>
              <strong>{t.title}</strong>
              <span>{t.body}</span>
            </A>
            <button type="button" class="button button-quiet button-small" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
