import { A, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { usePageTitle } from '../lib/page-title';

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export default function ForgotPasswordPage() {
  usePageTitle(() => 'Reset your password');
  const [params] = useSearchParams<{ email?: string }>();
  const [email, setEmail] = createSignal(params.email ?? '');
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  const action = createAction(() => api.auth.requestPasswordReset.mutate({ email: email() }));

  return (
    <section class="auth-card">
      <h1>Reset your password</h1>
      <Show
        when={sentTo()}
        fallback={
          <form
            class="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await action.run()) setSentTo(email());
            }}
          >
            <p class="muted">Enter the email address you sign in with. We will email you a link to choose a new password.</p>
            <label class="field">
              <span>Email</span>
              <input type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
            <FormError error={action.error()} />
            <button type="submit" class="button button-primary" disabled={action.pending()}>
              Email me a reset link
            </button>
          </form>
        }
      >
        <p class="form-ok" role="status" data-testid="reset-requested">
          If an account uses {sentTo()}, we have emailed it a link to choose a new password. The link works once, for one hour.
        </p>
      </Show>
      <A href="/login" class="quiet-link">
        Back to sign in
      </A>
    </section>
  );
}
