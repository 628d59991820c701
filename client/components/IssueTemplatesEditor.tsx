/** Maintainers keep issue templates and choose the one appended to new Service Desk tickets. */
import { createResource, createSignal, For } from 'solid-js';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function IssueTemplatesEditor(props: { projectPath: string; selected: string | null; onSelect(key: string | null): void }) {
  const [templates, { mutate }] = createResource(() => props.projectPath, (projectPath) => api.issueTemplates.list.query({ projectPath }));
  const [key, setKey] = createSignal('');
  const [body, setBody] = createSignal('');
  const save = createAction(() => api.issueTemplates.save.mutate({ projectPath: props.projectPath, key: key(), body: body() }));
  const remove = createAction((k: string) => api.issueTemplates.delete.mutate({ projectPath: props.projectPath, key: k }));
  return (
    <section class="panel stack" aria-labelledby="it-heading" data-testid="issue-templates">
      <h3 id="it-heading">Issue templates</h3>
      <p class="muted">The chosen template is appended to every new ticket from email; its quick actions (like <code>/label ~support</code>) run.</p>
      <label class="field">
        <span>Template for new Service Desk tickets</span>
        {/* `selected` per option: the list arrives after the select, so a select-level value would be lost. */}
        <select data-testid="issue-template-select" onChange={(e) => props.onSelect(e.currentTarget.value || null)}>
          <option value="" selected={!props.selected}>
            None
          </option>
          <For each={templates()}>
            {(t) => (
              <option value={t.key} selected={t.key === props.selected}>
                {t.key}
              </option>
            )}
          </For>
        </select>
      </label>
      <ul class="stack" aria-label="Templates">
        <For each={templates()}>
          {(t) => (
            <li class="actions" style={{ 'align-items': 'center' }}>
              <button type="button" class="button button-quiet button-small" onClick={() => (setKey(t.key), setBody(t.body))}>
                {t.key}
              </button>
              <button
                type="button"
                class="button button-small button-danger"
                onClick={async () => {
                  const list = await remove.run(t.key);
                  if (list) mutate(list);
                }}
              >
                Delete
              </button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          const list = await save.run();
          if (list) mutate(list);
        }}
      >
        <label class="field">
          <span>Name</span>
          <input data-testid="issue-template-key" value={key()} onInput={(e) => setKey(e.currentTarget.value)} placeholder="e.g. support" />
        </label>
        <label class="field">
          <span>Template (Markdown)</span>
          <textarea data-testid="issue-template-body" rows={5} value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit" class="button button-primary" disabled={save.pending() || !key().trim()}>
            Save issue template
          </button>
        </div>
        <FormError error={save.error() ?? remove.error()} />
      </form>
    </section>
  );
}
