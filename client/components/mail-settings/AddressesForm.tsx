/** The incoming address template, the Service Desk alias and the From address of customer email. */
import { createSignal, Show, untrack } from 'solid-js';
import type { MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import EnvBadge from './EnvBadge';

export default function AddressesForm(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  // Drafts start from the saved values once: the view refreshes for health while someone types.
  const initial = untrack(() => props.view);
  const [incoming, setIncoming] = createSignal(initial.incomingEmail.source === 'default' ? '' : initial.incomingEmail.value);
  const [alias, setAlias] = createSignal(initial.serviceDeskEmail.value ?? '');
  const [from, setFrom] = createSignal(initial.mailFrom.value ?? '');
  const [done, setDone] = createSignal(false);
  const env = (k: 'incomingEmail' | 'serviceDeskEmail' | 'mailFrom') => props.view[k].source === 'env';
  const save = createAction(() =>
    api.mailSettings.saveAddresses.mutate({
      ...(env('incomingEmail') ? {} : { incomingEmail: incoming().trim() || null }),
      ...(env('serviceDeskEmail') ? {} : { serviceDeskEmail: alias().trim() || null }),
      ...(env('mailFrom') ? {} : { mailFrom: from().trim() || null }),
    }),
  );
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setDone(false);
    const next = await save.run();
    if (!next) return;
    props.onSaved(next);
    setDone(true);
  }
  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="mail-addresses-heading" data-testid="mail-addresses">
      <h3 id="mail-addresses-heading">Addresses</h3>
      <label class="field">
        <span>
          Incoming address <Show when={env('incomingEmail')}><EnvBadge variable="INCOMING_EMAIL" /></Show>
        </span>
        <input
          name="incomingEmail"
          data-testid="incoming-email"
          placeholder={props.view.incomingEmail.value}
          value={env('incomingEmail') ? props.view.incomingEmail.value : incoming()}
          readOnly={env('incomingEmail')}
          onInput={(e) => setIncoming(e.currentTarget.value)}
        />
        <small class="muted">
          The mailbox every email comes to. <code>%{'{key}'}</code> marks where the project or reply key goes, e.g. <code>incoming+%{'{key}'}@desk.example.com</code>.
        </small>
      </label>
      <label class="field">
        <span>
          Service Desk alias (optional) <Show when={env('serviceDeskEmail')}><EnvBadge variable="SERVICE_DESK_EMAIL" /></Show>
        </span>
        <input
          name="serviceDeskEmail"
          data-testid="service-desk-email"
          placeholder="contact+%{key}@example.com"
          value={env('serviceDeskEmail') ? (props.view.serviceDeskEmail.value ?? '') : alias()}
          readOnly={env('serviceDeskEmail')}
          onInput={(e) => setAlias(e.currentTarget.value)}
        />
        <small class="muted">A second address whose mail always opens tickets; projects then choose a short key for it.</small>
      </label>
      <label class="field">
        <span>
          From address (optional) <Show when={env('mailFrom')}><EnvBadge variable="MAIL_FROM" /></Show>
        </span>
        <input
          type="email"
          name="mailFrom"
          data-testid="mail-from"
          placeholder={props.view.effectiveFrom}
          value={env('mailFrom') ? (props.view.mailFrom.value ?? '') : from()}
          readOnly={env('mailFrom')}
          onInput={(e) => setFrom(e.currentTarget.value)}
        />
        <small class="muted">Customer email comes from here unless a project has its own verified support address.</small>
      </label>
      <FormError error={save.error()} />
      <Show when={done()}>
        <p class="form-ok" role="status">Saved. Every node uses the new addresses now.</p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={save.pending()}>
          Save addresses
        </button>
      </div>
    </form>
  );
}
