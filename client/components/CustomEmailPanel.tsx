/**
 * A project's own support address (issue 10): set it (with an optional SMTP server to send as
 * it), follow its verification, see what to fix when a check fails, remove it.
 */
import { createEffect, createResource, createSignal, on, onCleanup, Show } from 'solid-js';
import { customEmailErrorText, type CustomEmailView } from '../../shared/custom-email';
import type { MailSecurity } from '../../shared/mail-settings';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import FormError from './FormError';
import SecurityField from './mail-settings/SecurityField';

const STATE_TEXT: Record<CustomEmailView['state'], string> = { waiting: 'Waiting for verification', verified: 'Verified', failed: 'Verification failed' };

export default function CustomEmailPanel(props: { projectPath: string; onChanged(): void }) {
  const [view, { mutate, refetch }] = createResource(() => props.projectPath, (projectPath) => api.serviceDesk.customEmail.query({ projectPath }));
  // While the verification email travels, look again every few seconds.
  const timer = setInterval(() => {
    if (view.latest?.state === 'waiting') void refetch();
  }, 3000);
  onCleanup(() => clearInterval(timer));
  // Verified while the page was open: the address customers see at the top changes too.
  createEffect(on(() => view.latest?.state, (now, before) => {
    if (before === 'waiting' && now === 'verified') props.onChanged();
  }));
  const [address, setAddress] = createSignal('');
  const [useSmtp, setUseSmtp] = createSignal(false);
  const [host, setHost] = createSignal('');
  const [port, setPort] = createSignal('587');
  const [security, setSecurity] = createSignal<MailSecurity>('starttls');
  const [user, setUser] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [editing, setEditing] = createSignal(false);
  const start = createAction(() =>
    api.serviceDesk.setCustomEmail.mutate({
      projectPath: props.projectPath,
      address: address().trim(),
      smtp: useSmtp() ? { host: host().trim(), port: Number(port()), security: security(), user: user().trim(), ...(password() ? { password: password() } : {}) } : null,
    }),
  );
  const remove = createAction(() => api.serviceDesk.removeCustomEmail.mutate({ projectPath: props.projectPath }));

  function edit(v: CustomEmailView | null) {
    setAddress(v?.address ?? '');
    setUseSmtp(!!v?.smtp);
    setHost(v?.smtp?.host ?? '');
    setPort(String(v?.smtp?.port ?? 587));
    setSecurity(v?.smtp?.security ?? 'starttls');
    setUser(v?.smtp?.user ?? '');
    setPassword('');
    setEditing(true);
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const next = await start.run();
    if (next === undefined) return;
    mutate(next);
    setEditing(false);
    props.onChanged();
  }

  return (
    <section class="panel stack" aria-labelledby="custom-email-heading" data-testid="custom-email">
      <h3 id="custom-email-heading">Custom support address</h3>
      <p class="muted">
        Let customers write to your own address, like support@your-company.com, and get answers from it. Forward all its mail to this project's Service Desk address; Threadline
        checks the forwarding with a verification email before using it.
      </p>
      <FormError error={view.error ? errorMessage(view.error) : (remove.error() ?? null)} />
      <Show when={view.latest && !editing()}>
        {(_) => {
          const v = () => view.latest as CustomEmailView;
          return (
            <div class="stack" data-testid="custom-email-state" data-state={v().state}>
              <p>
                <code class="mono">{v().address}</code>{' '}
                <span class="badge badge-soft" classList={{ 'badge-danger': v().state === 'failed', 'badge-opened': v().state === 'verified' }}>
                  {STATE_TEXT[v().state]}
                </span>
              </p>
              <Show when={v().state === 'waiting'}>
                <p role="status">
                  A verification email was sent from {v().address} to itself. Make sure {v().address} forwards all mail to <code class="mono">{v().forwardTo}</code>; this page
                  updates when the email comes back (within 30 minutes).
                </p>
              </Show>
              <Show when={v().state === 'verified'}>
                <p role="status">
                  Customers write to {v().address}; their emails and every reply go out from it
                  {v().smtp ? <> through {v().smtp?.host}:{v().smtp?.port}</> : <> through the instance's outgoing server</>}.
                </p>
              </Show>
              <Show when={v().state === 'failed'}>
                <p class="form-error" role="alert" data-testid="custom-email-error" data-error={v().error ?? ''}>
                  {customEmailErrorText(v())}
                </p>
              </Show>
              <div class="actions">
                <button type="button" class="button" onClick={() => edit(v())}>
                  {v().state === 'verified' ? 'Change' : 'Change and send again'}
                </button>
                <button
                  type="button"
                  class="button button-quiet"
                  disabled={remove.pending()}
                  onClick={async () => {
                    if ((await remove.run()) === undefined) return;
                    mutate(null);
                    props.onChanged();
                  }}
                >
                  Remove
                </button>
              </div>
            </div>
          );
        }}
      </Show>
      <Show when={view.state === 'ready' && !view.latest && !editing()}>
        <div>
          <button type="button" class="button" data-testid="custom-email-add" onClick={() => edit(null)}>
            Use a custom address
          </button>
        </div>
      </Show>
      <Show when={editing()}>
        <form class="stack" onSubmit={(e) => void submit(e)}>
          <label class="field">
            <span>Support address</span>
            <input type="email" required data-testid="custom-email-address" placeholder="support@your-company.com" value={address()} onInput={(e) => setAddress(e.currentTarget.value)} />
          </label>
          <label class="check">
            <input type="checkbox" checked={useSmtp()} onChange={(e) => setUseSmtp(e.currentTarget.checked)} />
            Send through this address's own SMTP server (recommended, so your domain's SPF and DKIM apply)
          </label>
          <Show when={useSmtp()}>
            <div class="row-fields">
              <label class="field">
                <span>SMTP server</span>
                <input required data-testid="custom-email-smtp-host" value={host()} onInput={(e) => setHost(e.currentTarget.value)} />
              </label>
              <label class="field">
                <span>Port</span>
                <input type="number" min="1" max="65535" required value={port()} onInput={(e) => setPort(e.currentTarget.value)} />
              </label>
              <SecurityField value={security()} onChange={setSecurity} testid="custom-email-smtp-security" />
            </div>
            <div class="row-fields">
              <label class="field">
                <span>User name</span>
                <input autocomplete="off" value={user()} onInput={(e) => setUser(e.currentTarget.value)} />
              </label>
              <label class="field">
                <span>Password</span>
                <input
                  type="password"
                  autocomplete="new-password"
                  placeholder={view.latest?.smtp?.passwordSet ? 'set — type to replace' : ''}
                  value={password()}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              </label>
            </div>
          </Show>
          <FormError error={start.error()} />
          <div class="actions">
            <button type="submit" class="button button-primary" data-testid="custom-email-verify" disabled={start.pending()}>
              {start.pending() ? 'Sending…' : 'Send verification email'}
            </button>
            <button type="button" class="button button-quiet" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Show>
    </section>
  );
}
