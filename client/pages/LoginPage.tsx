import { A, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import FormError from '../components/FormError';
import SsoButton from '../components/SsoButton';
import { createAction } from '../lib/action';
import { ssoErrorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { login } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

export default function LoginPage() {
  usePageTitle(() => 'Sign in');
  const [params] = useSearchParams<{ next?: string; sso_error?: string }>();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const action = createAction(login);
  const [options] = createResource(() => api.auth.status.query());

  return (
    <section class="auth-card">
      <h1>Sign in</h1>
      <Show when={params.sso_error}>{(code) => <FormError error={ssoErrorMessage(code())} />}</Show>
      <Show when={options()?.sso}>
        {(sso) => (
          <div class="stack">
            <SsoButton sso={sso()} next={params.next ?? null} primary={options()?.ssoOnly} />
            <Show when={options()?.ssoOnly}>
              <p class="muted">Passwords are turned off here; the form below is for administrators.</p>
            </Show>
            <p class="divider">or</p>
          </div>
        )}
      </Show>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(email(), password());
        }}
      >
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <FormError error={action.error()} />
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          {action.pending() ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <Show when={!options()?.ssoOnly}>
        <A href={email() ? `/forgot-password?email=${encodeURIComponent(email())}` : '/forgot-password'} class="quiet-link">
          Forgot password?
        </A>
      </Show>
    </section>
  );
}
