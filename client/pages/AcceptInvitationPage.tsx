import { useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { ROLE_HELP } from '../../shared/roles';
import FormError from '../components/FormError';
import LinkProblem from '../components/LinkProblem';
import SsoButton from '../components/SsoButton';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { signedInAs } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

export default function AcceptInvitationPage() {
  usePageTitle(() => 'Invitation');
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [invitation] = createResource(() => params.token, (token) => api.auth.invitation.query({ token }));
  const [options] = createResource(() => api.auth.status.query());
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const action = createAction(() => api.auth.acceptInvitation.mutate({ token: params.token, name: name().trim(), password: password() }));
  const landing = (projectPath: string | null) => (projectPath ? `/p/${projectPath}` : '/');

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const done = await action.run();
    if (!done) return;
    if (done.user) {
      signedInAs(done.user);
      navigate(landing(done.projectPath), { replace: true });
    } else {
      navigate(`/login?next=${encodeURIComponent(landing(done.projectPath))}`, { replace: true });
    }
  }

  return (
    <Switch fallback={<p class="muted">Loading…</p>}>
      <Match when={invitation.error || (invitation() && invitation()?.state !== 'valid')}>
        <LinkProblem state={(invitation()?.state ?? 'invalid') as 'expired' | 'used' | 'invalid'} what="invitation">
          <p>Ask the person who invited you to send the invitation again.</p>
        </LinkProblem>
      </Match>
      <Match when={invitation()}>
        {(inv) => (
          <section class="auth-card" data-testid="invitation">
            <h1>Join Threadline</h1>
            <p>
              You are invited as <strong>{inv().email}</strong>
              <Show when={inv().projectPath}>
                {' '}to <strong class="mono">{inv().projectPath}</strong> as <strong>{inv().role}</strong>
              </Show>
              .
            </p>
            <Show when={inv().role}>{(role) => <p class="muted">{ROLE_HELP[role()]}</p>}</Show>
            <Show when={options()?.sso}>
              {(sso) => (
                <div class="stack">
                  <SsoButton sso={sso()} invitation={params.token} primary={options()?.ssoOnly} />
                  <Show when={!options()?.ssoOnly}>
                    <p class="divider">or choose a password</p>
                  </Show>
                </div>
              )}
            </Show>
            <Show when={!options()?.ssoOnly}>
              <form class="stack" onSubmit={(e) => void submit(e)}>
                <Show
                  when={!inv().hasAccount}
                  fallback={<p class="muted">This address already has an account: accepting adds the membership, then you sign in as usual.</p>}
                >
                  <label class="field">
                    <span>Your name</span>
                    <input name="name" autocomplete="name" required maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
                  </label>
                  <label class="field">
                    <span>Choose a password</span>
                    <input type="password" name="password" autocomplete="new-password" minLength={10} required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
                    <small class="muted">At least 10 characters.</small>
                  </label>
                </Show>
                <FormError error={action.error()} />
                <button type="submit" class="button button-primary" disabled={action.pending()}>
                  {inv().hasAccount ? 'Accept invitation' : 'Create my account'}
                </button>
              </form>
            </Show>
          </section>
        )}
      </Match>
    </Switch>
  );
}
