/**
 * The ticket page's customer block (responders): who they are, the notes the team keeps about
 * them, and their other recent tickets, with a link to the customer page.
 */
import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import type { CustomerView } from '../../shared/views';
import { createAction } from '../lib/action';
import { customerHref, ticketHref } from '../lib/project-route';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import FormError from './FormError';

export function CustomerNotes(props: { customer: CustomerView }) {
  const [draft, setDraft] = createSignal(props.customer.notes);
  const [dirty, setDirty] = createSignal(false);
  // Someone else saved notes: show theirs unless this user is mid-edit.
  createEffect(on(() => props.customer.notes, (notes) => !dirty() && setDraft(notes)));
  const action = createAction((notes: string) => api.customers.update.mutate({ id: props.customer.id, notes }));
  // Notes belong to the projects the customer wrote to (decision 013): elsewhere, say so.
  const notShared = (
    <p class="muted" data-testid="customer-notes-not-shared">
      Notes about this customer are kept by the teams of the projects they wrote to, and they have not written to yours.
    </p>
  );
  return (
    <Show when={props.customer.notesShared} fallback={notShared}>
      <form
        class="stack-sm"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(draft()).then((saved) => saved && setDirty(false));
        }}
      >
        <label class="field">
          <span class="side-title">Notes about this customer</span>
          <textarea
            data-testid="customer-notes"
            rows={3}
            placeholder="Anything the team should know"
            value={draft()}
            onInput={(e) => {
              setDraft(e.currentTarget.value);
              setDirty(true);
            }}
          />
        </label>
        <FormError error={action.error()} />
        <button type="submit" class="button button-small" data-testid="customer-notes-save" disabled={!dirty() || action.pending()}>
          Save notes
        </button>
      </form>
    </Show>
  );
}

export default function CustomerPanel(props: { projectPath: string; iid: number; customer: CustomerView }) {
  const [recent] = createResource(
    () => props.customer.id,
    (id) => api.customers.get.query({ id, limit: 6 }).catch(() => null),
  );
  const others = () => (recent()?.tickets ?? []).filter((t) => !(t.projectPath === props.projectPath && t.ticket.iid === props.iid)).slice(0, 5);
  return (
    <div class="side-block" data-testid="customer-panel">
      <span class="side-title">Customer</span>
      <A href={customerHref(props.customer.id)} class="customer-name" data-testid="customer-link">
        {props.customer.name ?? props.customer.email}
      </A>
      <span class="muted customer-email">{props.customer.email}</span>
      <Show when={props.customer.organization}>
        <span class="muted" data-testid="customer-organization">
          {props.customer.organization}
        </span>
      </Show>
      <CustomerNotes customer={props.customer} />
      <Show when={others().length > 0}>
        <span class="side-title">Other recent tickets</span>
        <ul class="mini-list" data-testid="customer-other-tickets">
          <For each={others()}>
            {(t) => (
              <li>
                <A href={ticketHref(t.projectPath, t.ticket.iid)}>
                  #{t.ticket.iid} {t.ticket.title}
                </A>{' '}
                <span class="muted">
                  {t.ticket.state === 'opened' ? '' : `${t.ticket.state} · `}
                  {relativeTime(t.ticket.lastActivityAt)}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
