import { createSignal, For } from 'solid-js';
import { ROLES, type Role } from '../../shared/roles';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function AddMemberForm(props: { projectPath: string; onAdded(): void }) {
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('reporter');
  const action = createAction(() => api.members.set.mutate({ projectPath: props.projectPath, email: email(), role: role() }));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (!(await action.run())) return;
    setEmail('');
    props.onAdded();
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      <p class="muted">The person needs a Threadline account; an administrator creates accounts.</p>
      <div class="row-fields">
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Role</span>
          <select name="role" onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <For each={ROLES}>
              {(r) => (
                <option value={r} selected={r === role()}>
                  {r}
                </option>
              )}
            </For>
          </select>
        </label>
      </div>
      <FormError error={action.error()} />
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Add member
        </button>
      </div>
    </form>
  );
}
