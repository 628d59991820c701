import { createSignal, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function NewUserForm(props: { onCreated(): void }) {
  const [email, setEmail] = createSignal('');
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [isAdmin, setIsAdmin] = createSignal(false);
  const [created, setCreated] = createSignal<string | null>(null);
  const action = createAction(() =>
    api.users.create.mutate({ email: email(), name: name().trim() || undefined, password: password(), isAdmin: isAdmin() }),
  );

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setCreated(null);
    const user = await action.run();
    if (!user) return;
    setCreated(user.email);
    setEmail('');
    setName('');
    setPassword('');
    setIsAdmin(false);
    props.onCreated();
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">New user</h2>
      <div class="row-fields">
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" required autocomplete="off" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Name (optional)</span>
          <input name="name" autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            required
            minLength={10}
            autocomplete="new-password"
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={isAdmin()} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
        Instance administrator
      </label>
      <FormError error={action.error()} />
      <Show when={created()}>
        <p class="form-ok" role="status">
          Created {created()}. They can sign in now; add them to projects from each project's Members page.
        </p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Create user
        </button>
      </div>
    </form>
  );
}
