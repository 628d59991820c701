/** Maintainers edit the customer email templates with a live preview filled with a sample ticket. */
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { replyPlaceholdersIn } from '../lib/placeholder-mixup';
import { api } from '../lib/trpc';
import FormError from './FormError';

type Kind = 'thank_you' | 'new_participant' | 'new_note' | 'rejection' | 'resolved';
const LABELS: Record<Kind, string> = { thank_you: 'Thank-you', new_participant: 'New participant', new_note: 'New note', rejection: 'Rejection', resolved: 'Resolved' };
const COMMON = ['CUSTOMER_NAME', 'CUSTOMER_FIRST_NAME', 'SYSTEM_HEADER', 'SYSTEM_FOOTER', 'ADDITIONAL_TEXT'];
/** What each kind can fill in (a rejection is about an email, not a ticket). */
const PLACEHOLDERS: Record<Kind, string[]> = {
  thank_you: ['ISSUE_ID', 'ISSUE_PATH', 'ISSUE_URL', 'ISSUE_DESCRIPTION', 'UNSUBSCRIBE_URL', ...COMMON],
  new_participant: ['ISSUE_ID', 'ISSUE_PATH', 'ISSUE_URL', 'UNSUBSCRIBE_URL', ...COMMON],
  new_note: ['ISSUE_ID', 'ISSUE_PATH', 'ISSUE_URL', 'NOTE_TEXT', 'UNSUBSCRIBE_URL', ...COMMON],
  rejection: ['REJECTION_REASON', ...COMMON],
  resolved: ['ISSUE_ID', 'ISSUE_PATH', 'ISSUE_URL', 'ISSUE_DESCRIPTION', 'UNSUBSCRIBE_URL', ...COMMON],
};
const HINTS: Record<Kind, string> = {
  thank_you: 'Sent to the customer when their email opens a ticket.',
  new_participant: 'Sent to an address added to a ticket. It never carries the customer\'s own text.',
  new_note: 'Sent to participants with every public reply.',
  rejection: 'Sent when an email cannot be processed; %{REJECTION_REASON} says why in words for customers.',
  resolved: 'Sent to participants when a merged change closes their ticket — only with "Send the resolved email" on (off by default).',
};

export default function EmailTemplatesEditor(props: { projectPath: string }) {
  const [templates, { refetch }] = createResource(() => props.projectPath, (projectPath) => api.emailTemplates.list.query({ projectPath }));
  const [kind, setKind] = createSignal<Kind>('thank_you');
  const [draft, setDraft] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const current = () => templates()?.find((t) => t.kind === kind());
  createEffect(on([kind, templates], () => {
    const body = current()?.body ?? '';
    setDraft(body);
    setDebounced(body);
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const edit = (value: string) => {
    setDraft(value);
    clearTimeout(timer);
    timer = setTimeout(() => setDebounced(value), 250);
  };
  const [preview] = createResource(
    () => (templates() ? { projectPath: props.projectPath, kind: kind(), body: debounced() } : null),
    (input) => api.emailTemplates.preview.query(input),
  );
  const save = createAction((body: string | null) => api.emailTemplates.update.mutate({ projectPath: props.projectPath, kind: kind(), body }));

  return (
    <section class="panel stack" aria-labelledby="tpl-heading">
      <h3 id="tpl-heading">Email templates</h3>
      <div class="tabs" role="tablist">
        <For each={Object.keys(LABELS) as Kind[]}>
          {(k) => (
            <button type="button" role="tab" class="tab" classList={{ 'tab-active': kind() === k }} aria-selected={kind() === k} onClick={() => setKind(k)}>
              {LABELS[k]}
            </button>
          )}
        </For>
      </div>
      <p class="muted">
        {HINTS[kind()]} Markdown. Placeholders: <For each={PLACEHOLDERS[kind()]}>{(p) => <code class="mono">%{`{${p}}`} </code>}</For>
      </p>
      <div class="row-fields" style={{ 'align-items': 'start' }}>
        <label class="field">
          <span>Template ({current()?.isDefault ? 'default' : 'customised'})</span>
          <textarea data-testid="template-body" rows={12} value={draft()} onInput={(e) => edit(e.currentTarget.value)} />
        </label>
        <div class="field">
          <span>Preview {preview()?.subject ? `— ${preview()?.subject}` : ''}</span>
          <iframe
            title="Email preview"
            data-testid="template-preview"
            sandbox=""
            style={{ width: '100%', height: '18rem', border: '1px solid var(--border)', 'border-radius': '6px', background: '#fff' }}
            srcdoc={preview()?.html ?? ''}
          />
        </div>
      </div>
      <Show when={(preview()?.unknownPlaceholders.length ?? 0) > 0}>
        <p class="form-error" data-testid="template-unknown">
          Unknown placeholders (left as written): {preview()?.unknownPlaceholders.map((p) => `%{${p}}`).join(', ')}
        </p>
      </Show>
      <Show when={replyPlaceholdersIn(draft()).length > 0}>
        <p class="form-error" data-testid="template-reply-placeholders">
          {replyPlaceholdersIn(draft()).join(', ')}: saved-reply placeholders are sent as written in an email template. Use the %{'{…}'} ones listed above.
        </p>
      </Show>
      <div class="actions">
        <button type="button" class="button button-primary" disabled={save.pending()} onClick={async () => (await save.run(draft())) && refetch()}>
          Save template
        </button>
        <button type="button" class="button" disabled={save.pending() || current()?.isDefault} onClick={async () => (await save.run(null)) && refetch()}>
          Restore default
        </button>
      </div>
      <FormError error={save.error()} />
    </section>
  );
}
