import { createSignal, Show } from 'solid-js';
import type { ProjectView, TicketDetail } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function NewTicketForm(props: { project: ProjectView; onCreated(ticket: TicketDetail): void; onCancel(): void }) {
  const forcedConfidential = () => props.project.visibility === 'public';
  const [title, setTitle] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [confidential, setConfidential] = createSignal(true);
  const [customer, setCustomer] = createSignal('');
  const action = createAction(() =>
    api.tickets.create.mutate({
      projectPath: props.project.path,
      title: title(),
      description: description() || undefined,
      confidential: forcedConfidential() || confidential(),
      externalAuthor: customer().trim() || undefined,
    }),
  );

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const ticket = await action.run();
    if (ticket) props.onCreated(ticket);
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-ticket-heading">
      <h2 id="new-ticket-heading">New ticket</h2>
      <label class="field">
        <span>Title</span>
        <input data-testid="new-ticket-title" name="title" required maxLength={255} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Description</span>
        <textarea
          data-testid="new-ticket-description"
          name="description"
          rows={5}
          value={description()}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <div class="row-fields">
        <label class="field">
          <span>Customer email (optional)</span>
          <input type="email" name="externalAuthor" placeholder="customer@example.com" value={customer()} onInput={(e) => setCustomer(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="confidential"
            checked={forcedConfidential() || confidential()}
            disabled={forcedConfidential()}
            onChange={(e) => setConfidential(e.currentTarget.checked)}
          />
          Confidential
          <Show when={forcedConfidential()}>
            <small class="muted">(always, in a public project)</small>
          </Show>
        </label>
      </div>
      <FormError error={action.error()} />
      <div class="actions">
        <button type="submit" class="button button-primary" data-testid="new-ticket-submit" disabled={action.pending()}>
          {action.pending() ? 'Creating…' : 'Create ticket'}
        </button>
        <button type="button" class="button button-quiet" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
