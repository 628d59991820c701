/**
 * The project key (alias address suffix), checked as the maintainer types: the format rules and
 * uniqueness come from the server (`serviceDesk.checkKey`), with the address it would give.
 */
import { createSignal, onCleanup, Show } from 'solid-js';
import { api } from '../lib/trpc';

export default function ProjectKeyField(props: { projectPath: string; value: string | null; disabled: boolean; onSave(key: string | null): void }) {
  const [draft, setDraft] = createSignal(props.value ?? '');
  const [check, setCheck] = createSignal<{ key: string; ok: boolean; message: string | null; address: string | null } | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  function validate(key: string): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      api.serviceDesk.checkKey
        .query({ projectPath: props.projectPath, projectKey: key })
        .then((r) => draft().trim() === key && setCheck({ key, ...r }))
        .catch(() => undefined);
    }, 200);
  }
  const current = () => {
    const c = check();
    return c && c.key === draft().trim() ? c : null;
  };
  const changed = () => draft().trim() !== (props.value ?? '');

  return (
    <div class="field">
      <label for="sd-project-key">Project key (alias address suffix)</label>
      <div class="actions">
        <input
          id="sd-project-key"
          data-testid="sd-project-key"
          type="text"
          value={draft()}
          placeholder="e.g. support"
          aria-invalid={current()?.ok === false ? 'true' : 'false'}
          aria-describedby="sd-project-key-hint"
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            validate(e.currentTarget.value.trim());
          }}
        />
        <button
          type="button"
          class="button button-small"
          data-testid="sd-project-key-save"
          disabled={props.disabled || !changed() || current()?.ok !== true}
          onClick={() => props.onSave(draft().trim() || null)}
        >
          Save key
        </button>
      </div>
      <p id="sd-project-key-hint" aria-live="polite" data-testid="sd-project-key-hint" classList={{ 'form-error': current()?.ok === false, muted: current()?.ok !== false }}>
        <Show when={current()} fallback={changed() ? 'Checking…' : 'Lowercase letters, digits and _; unique across projects.'}>
          {(c) => (c().ok ? <>Customers will write to <code class="mono">{c().address}</code></> : c().message)}
        </Show>
      </p>
    </div>
  );
}
