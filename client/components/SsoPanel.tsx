/** Admin → Single sign-on (OpenID Connect): provider, client, account creation, "SSO only". */
import { createResource, createSignal, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import CopyButton from './CopyButton';
import FormError from './FormError';

type Settings = Awaited<ReturnType<typeof api.sso.get.query>>;

function SsoForm(props: { initial: Settings }) {
  const [s, setS] = createSignal({ ...props.initial });
  const [secret, setSecret] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setS((cur) => ({ ...cur, [k]: v }));
  const action = createAction(() =>
    api.sso.update.mutate({
      enabled: s().enabled,
      issuer: s().issuer.trim(),
      clientId: s().clientId.trim(),
      clientSecret: secret() || undefined,
      providerName: s().providerName.trim(),
      autoCreate: s().autoCreate,
      ssoOnly: s().ssoOnly,
    }),
  );
  return (
    <form
      class="panel stack"
      aria-labelledby="sso-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        const next = await action.run();
        if (!next) return;
        setS({ ...next });
        setSecret('');
        setSaved(true);
      }}
    >
      <h2 id="sso-heading">Single sign-on (OpenID Connect)</h2>
      <p class="muted">
        Register Threadline with your identity provider (Okta, Entra ID, Google, Keycloak, …) as a web application with this redirect URI:{' '}
        <span class="mono">{props.initial.redirectUri}</span> <CopyButton text={props.initial.redirectUri} label="Copy redirect URI" />
      </p>
      <Show when={props.initial.fromEnvironment && props.initial.issuer}>
        <p class="muted">Currently set by OIDC_ISSUER and OIDC_CLIENT_ID; saving here takes over from them.</p>
      </Show>
      <label class="check">
        <input type="checkbox" checked={s().enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} /> Offer "Sign in with …" on the sign-in page
      </label>
      <div class="row-fields">
        <label class="field">
          <span>Issuer URL</span>
          <input name="sso-issuer" placeholder="https://login.example.com" value={s().issuer} onInput={(e) => set('issuer', e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Button label ("Sign in with …")</span>
          <input name="sso-name" placeholder="Okta" value={s().providerName} onInput={(e) => set('providerName', e.currentTarget.value)} />
        </label>
      </div>
      <div class="row-fields">
        <label class="field">
          <span>Client id</span>
          <input name="sso-client-id" value={s().clientId} onInput={(e) => set('clientId', e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Client secret {s().hasClientSecret ? '(stored; leave empty to keep it)' : ''}</span>
          <input type="password" name="sso-client-secret" autocomplete="off" value={secret()} onInput={(e) => setSecret(e.currentTarget.value)} />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={s().autoCreate} onChange={(e) => set('autoCreate', e.currentTarget.checked)} /> Create an account for anyone the provider vouches
        for (verified email); otherwise only invited people and existing accounts get in
      </label>
      <label class="check">
        <input type="checkbox" checked={s().ssoOnly} onChange={(e) => set('ssoOnly', e.currentTarget.checked)} /> SSO only: refuse passwords (administrators keep
        theirs, so a provider outage cannot lock you out)
      </label>
      <FormError error={action.error()} />
      <Show when={saved()}>
        <p class="form-ok" role="status">Single sign-on settings saved.</p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Save single sign-on
        </button>
      </div>
    </form>
  );
}

export default function SsoPanel() {
  const [settings] = createResource(() => api.sso.get.query());
  return (
    <>
      <Show when={settings.error}>
        <FormError error={errorMessage(settings.error)} />
      </Show>
      <Show when={settings()}>{(s) => <SsoForm initial={s()} />}</Show>
    </>
  );
}
