import { A, useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Match, Switch } from 'solid-js';
import FormError from '../components/FormError';
import LinkProblem from '../components/LinkProblem';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { signedInAs } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

export default function ResetPasswordPage() {
  usePageTitle(() => 'Choose a new password');
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [link] = createResource(() => params.token, (token) => api.auth.passwordResetState.query({ token }));
  const [password, setPassword] = createSignal('');
  const [again, setAgain] = createSignal('');
  const action = createAction(async () => {
    if (password() !== again()) throw new Error('The two passwords are not the same.');
    return api.auth.resetPassword.mutate({ token: params.token, password: password() });
  });

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const user = await action.run();
    if (!user) return;
    signedInAs(user);
    navigate('/', { replace: true });
  }

  return (
    <Switch fallback={<p class="muted">Loading…</p>}>
      <Match when={link.error}>
        <LinkProblem state="invalid" what="reset">
          <A href="/forgot-password" class="button button-primary">Ask for a new link</A>
        </LinkProblem>
      </Match>
      <Match when={link() && link()?.state !== 'valid'}>
        <LinkProblem state={link()?.state as 'expired' | 'used' | 'invalid'} what="reset">
          <A href="/forgot-password" class="button button-primary">Ask for a new link</A>
        </LinkProblem>
      </Match>
      <Match when={link()}>
        <section class="auth-card">
          <h1>Choose a new password</h1>
          <p class="muted">For {link()?.email}. Saving it signs you out everywhere else.</p>
          <form class="stack" onSubmit={(e) => void submit(e)}>
            <label class="field">
              <span>New password</span>
              <input type="password" name="password" autocomplete="new-password" minLength={10} required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>New password again</span>
              <input type="password" name="again" autocomplete="new-password" minLength={10} required value={again()} onInput={(e) => setAgain(e.currentTarget.value)} />
            </label>
            <FormError error={action.error()} />
            <button type="submit" class="button button-primary" disabled={action.pending()}>
              Save password and sign in
            </button>
          </form>
        </section>
      </Match>
    </Switch>
  );
}
