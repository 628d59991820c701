import { createSignal } from 'solid-js';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { setup } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

export default function SetupPage() {
  usePageTitle(() => 'Set up');
  const [email, setEmail] = createSignal('');
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const action = createAction(setup);

  return (
    <section class="auth-card">
      <h1>Set up Threadline</h1>
      <p class="muted">Create the first administrator account. You will be signed in straight away.</p>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run({ email: email(), name: name(), password: password() });
        }}
      >
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Name</span>
          <input type="text" name="name" autocomplete="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minLength={10}
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <small class="muted">At least 10 characters.</small>
        </label>
        <FormError error={action.error()} />
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          {action.pending() ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </section>
  );
}
