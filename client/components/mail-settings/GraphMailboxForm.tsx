/** Adds or edits a Microsoft Graph (Exchange Online) mailbox, with "Test connection" on the values as typed. */
import { createSignal, Show } from 'solid-js';
import type { ExistingMail, GraphMailboxView, MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import ExistingMailField from './ExistingMailField';

type TestResult = Awaited<ReturnType<typeof api.mailSettings.testGraphMailbox.mutate>>;

export default function GraphMailboxForm(props: { editing: GraphMailboxView | null; onSaved(v: MailSettingsView): void; onCancel(): void }) {
  const e0 = props.editing;
  const [name, setName] = createSignal(e0?.name ?? '');
  const [tenantId, setTenantId] = createSignal(e0?.tenantId ?? '');
  const [clientId, setClientId] = createSignal(e0?.clientId ?? '');
  const [clientSecret, setClientSecret] = createSignal('');
  const [mailbox, setMailbox] = createSignal(e0?.mailbox ?? '');
  const [baseUrl, setBaseUrl] = createSignal(e0?.baseUrl ?? 'https://graph.microsoft.com');
  const [loginUrl, setLoginUrl] = createSignal(e0?.loginUrl ?? 'https://login.microsoftonline.com');
  const [pollSeconds, setPollSeconds] = createSignal(String(e0?.pollSeconds ?? 10));
  const [after, setAfter] = createSignal<'seen' | 'move'>(e0?.after ?? 'seen');
  const [moveTo, setMoveTo] = createSignal(e0?.moveTo ?? '');
  const [existingMail, setExistingMail] = createSignal<ExistingMail>(e0?.existingMail ?? 'unread');
  const [tested, setTested] = createSignal<TestResult | null>(null);
  const settings = () => ({
    name: name().trim(),
    tenantId: tenantId().trim(),
    clientId: clientId().trim(),
    ...(clientSecret() ? { clientSecret: clientSecret() } : {}),
    mailbox: mailbox().trim(),
    baseUrl: baseUrl().trim(),
    loginUrl: loginUrl().trim(),
    pollSeconds: Number(pollSeconds()),
    after: after(),
    moveTo: after() === 'move' ? moveTo().trim() : '',
    existingMail: existingMail(),
  });
  const save = createAction(() => (e0?.id ? api.mailSettings.updateGraphMailbox.mutate({ id: e0.id, ...settings() }) : api.mailSettings.addGraphMailbox.mutate(settings())));
  const test = createAction(() => api.mailSettings.testGraphMailbox.mutate({ ...(e0?.id ? { id: e0.id } : {}), settings: settings() }));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const next = await save.run();
    if (next) props.onSaved(next);
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-label={e0 ? `Edit Graph mailbox ${e0.name}` : 'Add a Microsoft Graph mailbox'} data-testid="graph-mailbox-form">
      <h4>{e0 ? `Edit Graph mailbox ${e0.name}` : 'Add a Microsoft Graph mailbox'}</h4>
      <p class="muted">
        An app registration in Microsoft Entra ID with the <code>Mail.ReadWrite</code> application permission (admin consent given) and a client secret.
      </p>
      <div class="row-fields">
        <label class="field">
          <span>Name</span>
          <input name="graphName" data-testid="graph-name" required placeholder="support" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Mailbox (user principal name or id)</span>
          <input name="graphMailbox" data-testid="graph-mailbox" required placeholder="support@contoso.com" value={mailbox()} onInput={(e) => setMailbox(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row-fields">
        <label class="field">
          <span>Tenant ID</span>
          <input name="graphTenant" data-testid="graph-tenant" required autocomplete="off" value={tenantId()} onInput={(e) => setTenantId(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Client ID</span>
          <input name="graphClient" data-testid="graph-client" required autocomplete="off" value={clientId()} onInput={(e) => setClientId(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Client secret</span>
          <input
            name="graphSecret"
            data-testid="graph-secret"
            type="password"
            autocomplete="new-password"
            required={!e0}
            placeholder={e0?.secretSet ? 'set — type to replace' : ''}
            value={clientSecret()}
            onInput={(e) => setClientSecret(e.currentTarget.value)}
          />
        </label>
      </div>
      <div class="row-fields">
        <label class="field">
          <span>Graph URL</span>
          <input name="graphBaseUrl" data-testid="graph-base-url" required value={baseUrl()} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Login URL</span>
          <input name="graphLoginUrl" data-testid="graph-login-url" required value={loginUrl()} onInput={(e) => setLoginUrl(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Poll every (seconds)</span>
          <input name="graphPoll" data-testid="graph-poll" type="number" min="1" max="3600" required value={pollSeconds()} onInput={(e) => setPollSeconds(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row-fields">
        <label class="field">
          <span>After a message is processed</span>
          <select data-testid="graph-after" value={after()} onChange={(e) => setAfter(e.currentTarget.value as 'seen' | 'move')}>
            <option value="seen">Mark it as read</option>
            <option value="move">Mark it as read and move it</option>
          </select>
        </label>
        <Show when={after() === 'move'}>
          <label class="field">
            <span>Move to folder (name, well-known name like archive, or id)</span>
            <input data-testid="graph-move-to" value={moveTo()} onInput={(e) => setMoveTo(e.currentTarget.value)} />
          </label>
        </Show>
      </div>
      <ExistingMailField value={existingMail()} onChange={setExistingMail} source="graph" testid="graph-existing" />
      <Show when={tested()}>
        {(t) => (
          <p classList={{ 'form-ok': t().ok, 'form-error': !t().ok }} role="status" data-testid="graph-test-result" data-ok={String(t().ok)}>
            {t().ok
              ? `Connected: ${(t() as { folder: string }).folder} has ${(t() as { messages: number }).messages} message${(t() as { messages: number }).messages === 1 ? '' : 's'}.`
              : `Microsoft said: ${(t() as { error: string }).error}`}
          </p>
        )}
      </Show>
      <FormError error={save.error() ?? test.error()} />
      <div class="actions">
        <button
          type="button"
          class="button"
          data-testid="graph-test"
          disabled={test.pending()}
          onClick={async () => {
            setTested(null);
            const r = await test.run();
            if (r) setTested(r);
          }}
        >
          {test.pending() ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" class="button button-primary" data-testid="graph-save" disabled={save.pending()}>
          {e0 ? 'Save mailbox' : 'Add mailbox'}
        </button>
        <button type="button" class="button button-quiet" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
