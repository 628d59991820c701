import { createResource, createSignal, For, Show } from 'solid-js';
import { CAN, ROLE_HELP, ROLES, type Role } from '../../shared/roles';
import type { MemberView, ProjectView } from '../../shared/views';
import InvitationsPanel from '../components/InvitationsPanel';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { me } from '../stores/session';

function MemberRow(props: { projectPath: string; member: MemberView; canManage: boolean; onChanged(): void }) {
  const [error, setError] = createSignal<string | null>(null);
  const setRole = createAction((role: Role) => api.members.set.mutate({ projectPath: props.projectPath, email: props.member.user.email, role }));
  const remove = createAction(() => api.members.remove.mutate({ projectPath: props.projectPath, email: props.member.user.email }));

  async function changeRole(role: Role, select: HTMLSelectElement) {
    setError(null);
    if (await setRole.run(role)) return props.onChanged();
    select.value = props.member.role;
    setError(setRole.error());
  }

  async function removeMember() {
    const isMe = props.member.user.id === me()?.id;
    const question = isMe ? 'Remove yourself from this project?' : `Remove ${props.member.user.name} from this project?`;
    if (!confirm(question)) return;
    setError(null);
    if (await remove.run()) return props.onChanged();
    setError(remove.error());
  }

  return (
    <tr data-testid="member-row" data-email={props.member.user.email}>
      <td>
        {props.member.user.name}
        <Show when={props.member.deactivated}>
          {' '}
          <span class="badge badge-danger">deactivated</span>
        </Show>
      </td>
      <td class="mono">{props.member.user.email}</td>
      <td>
        <Show when={props.canManage} fallback={<span class="badge badge-soft" title={ROLE_HELP[props.member.role]}>{props.member.role}</span>}>
          <label class="visually-hidden" for={`role-${props.member.user.id}`}>
            Role of {props.member.user.name}
          </label>
          <select
            id={`role-${props.member.user.id}`}
            disabled={setRole.pending()}
            onChange={(e) => void changeRole(e.currentTarget.value as Role, e.currentTarget)}
          >
            <For each={ROLES}>
              {(r) => (
                <option value={r} selected={r === props.member.role} title={ROLE_HELP[r]}>
                  {r}
                </option>
              )}
            </For>
          </select>
        </Show>
        <FormError error={error()} />
      </td>
      <Show when={props.canManage}>
        <td class="cell-actions">
          <button type="button" class="button button-small button-danger" disabled={remove.pending()} onClick={() => void removeMember()}>
            Remove
          </button>
        </td>
      </Show>
    </tr>
  );
}

export default function MembersPage(props: { project: ProjectView }) {
  const canManage = () => props.project.access >= CAN.manageMembers;
  const [members, { refetch }] = createResource(
    () => props.project.path,
    (projectPath) => api.members.list.query({ projectPath }),
  );

  return (
    <section class="stack-lg">
      <section class="stack" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <details class="role-guide">
          <summary>What each role can see and do</summary>
          <dl>
            <For each={ROLES}>
              {(r) => (
                <>
                  <dt>{r}</dt>
                  <dd>{ROLE_HELP[r]}</dd>
                </>
              )}
            </For>
          </dl>
        </details>
        <Show when={members.error}>
          <FormError error={errorMessage(members.error)} />
        </Show>
        <Show when={members()}>
          {(list) => (
            <Show when={list().length} fallback={<p class="empty" data-testid="members-empty">No members yet.{canManage() && ' Invite people below.'}</p>}>
              <table class="table" data-testid="members">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <Show when={canManage()}>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(m) => <MemberRow projectPath={props.project.path} member={m} canManage={canManage()} onChanged={() => void refetch()} />}
                  </For>
                </tbody>
              </table>
            </Show>
          )}
        </Show>
        {/* Admins reach every project without a membership: say so rather than list them as members. */}
        <p class="muted" data-testid="members-admins">
          {me()?.isAdmin && !props.project.role ? 'You are not a member: as an instance admin, you' : 'Instance admins'} can manage every project without being listed here.
        </p>
      </section>
      <Show when={canManage()}>
        <InvitationsPanel projectPath={props.project.path} onMemberAdded={() => void refetch()} />
      </Show>
    </section>
  );
}
