/**
 * Inviting by email and the pending invitations (resend, revoke): on a project's Members page
 * (with a role) and on the Admin page (to the instance, optionally to a project).
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { Role } from '../../shared/roles';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import FormError from './FormError';
import RoleSelect from './RoleSelect';

export default function InvitationsPanel(props: { projectPath?: string; onMemberAdded?(): void }) {
  const [email, setEmail] = createSignal('');
  const [project, setProject] = createSignal('');
  const [role, setRole] = createSignal<Role>('reporter');
  const [result, setResult] = createSignal<string | null>(null);
  const target = () => props.projectPath ?? (project().trim() || undefined);
  const [pending, { refetch }] = createResource(() => api.invitations.list.query(props.projectPath ? { projectPath: props.projectPath } : undefined));
  const invite = createAction(() => {
    const projectPath = target();
    return api.invitations.create.mutate(projectPath ? { email: email(), projectPath, role: role() } : { email: email() });
  });
  const resend = createAction((id: number) => api.invitations.resend.mutate({ id }));
  const revoke = createAction((id: number) => api.invitations.revoke.mutate({ id }));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setResult(null);
    const r = await invite.run();
    if (!r) return;
    if (r.status === 'added') {
      setResult(`${r.member.user.name} already had an account and is now a member as ${r.member.role}.`);
      props.onMemberAdded?.();
    } else {
      setResult(`Invitation emailed to ${r.invitation.email}. The link works for 7 days.`);
    }
    setEmail('');
    void refetch();
  }

  return (
    <section class="stack-lg">
      <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="invite-heading" data-testid="invite-form">
        <h2 id="invite-heading">Invite by email</h2>
        <p class="muted">
          They get an email with a link to choose their name and password (or to sign in with single sign-on). Someone who already has an account is
          added straight away.
        </p>
        <div class="row-fields">
          <label class="field">
            <span>Email</span>
            <input type="email" name="invite-email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          <Show when={!props.projectPath}>
            <label class="field">
              <span>Project (optional)</span>
              <input name="invite-project" placeholder="group/project" value={project()} onInput={(e) => setProject(e.currentTarget.value)} />
            </label>
          </Show>
        </div>
        <Show when={target()}>
          <RoleSelect value={role()} onChange={setRole} name="invite-role" />
        </Show>
        <FormError error={invite.error()} />
        <Show when={result()}>
          <p class="form-ok" role="status" data-testid="invite-result">
            {result()}
          </p>
        </Show>
        <div>
          <button type="submit" class="button button-primary" disabled={invite.pending()}>
            Send invitation
          </button>
        </div>
      </form>
      <section class="stack" aria-labelledby="pending-heading">
        <h2 id="pending-heading">Pending invitations</h2>
        <FormError error={pending.error ? errorMessage(pending.error) : (resend.error() ?? revoke.error())} />
        <Show when={(pending()?.length ?? 0) > 0} fallback={<p class="muted">No pending invitations.</p>}>
          <table class="table" data-testid="invitations">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <Show when={!props.projectPath}>
                  <th scope="col">Project</th>
                </Show>
                <th scope="col">Role</th>
                <th scope="col">Invited</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              <For each={pending()}>
                {(inv) => (
                  <tr data-testid="invitation-row" data-email={inv.email}>
                    <td class="mono">{inv.email}</td>
                    <Show when={!props.projectPath}>
                      <td class="mono">{inv.projectPath ?? '—'}</td>
                    </Show>
                    <td>{inv.role ?? '—'}</td>
                    <td>
                      {relativeTime(inv.createdAt)}
                      {inv.invitedBy ? ` by ${inv.invitedBy}` : ''}
                      <Show when={inv.expired}>
                        {' '}
                        <span class="badge badge-danger">expired</span>
                      </Show>
                    </td>
                    <td class="cell-actions">
                      <button type="button" class="button button-small" disabled={resend.pending()} onClick={async () => (await resend.run(inv.id)) && refetch()}>
                        Resend
                      </button>{' '}
                      <button
                        type="button"
                        class="button button-small button-danger"
                        disabled={revoke.pending()}
                        onClick={async () => confirm(`Revoke the invitation of ${inv.email}?`) && (await revoke.run(inv.id)) && refetch()}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>
    </section>
  );
}
