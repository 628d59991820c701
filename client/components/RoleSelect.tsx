/** Choosing a role, with what it means right below, in a support team's words. */
import { For } from 'solid-js';
import { ROLE_HELP, ROLES, type Role } from '../../shared/roles';

export default function RoleSelect(props: { value: Role; onChange(role: Role): void; label?: string; name?: string }) {
  return (
    <div class="field">
      <label class="field">
        <span>{props.label ?? 'Role'}</span>
        <select name={props.name ?? 'role'} onChange={(e) => props.onChange(e.currentTarget.value as Role)}>
          <For each={ROLES}>
            {(r) => (
              <option value={r} selected={r === props.value}>
                {r}
              </option>
            )}
          </For>
        </select>
      </label>
      <p class="muted role-help" data-testid="role-help">
        {ROLE_HELP[props.value]}
      </p>
    </div>
  );
}
