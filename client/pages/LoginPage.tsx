import { createSignal } from 'solid-js';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { login } from '../stores/session';

export default function LoginPage() {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const action = createAction(login);

  return (
    <section class="auth-card">
      <h1>Sign in</h1>
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
    </section>
  );
}
