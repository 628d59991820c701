import { createMemo, createResource, For } from 'solid-js';
import { CAN, roleLevel } from '../../shared/roles';
import type { TicketDetail, UserRef } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function AssigneePicker(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const [members] = createResource(
    () => props.projectPath,
    (projectPath) => api.members.list.query({ projectPath }),
  );
  /** Reporters and up; the current assignee stays listed even if not a member (an admin). */
  const choices = createMemo<UserRef[]>(() => {
    const list = (members() ?? []).filter((m) => roleLevel(m.role) >= CAN.respond).map((m) => m.user);
    const current = props.ticket.assignee;
    return current && !list.some((u) => u.id === current.id) ? [current, ...list] : list;
  });
  const action = createAction((assigneeId: number | null) =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, assigneeId }),
  );

  async function change(value: string) {
    const updated = await action.run(value === '' ? null : Number(value));
    if (updated) props.onUpdated(updated);
  }

  return (
    <div class="side-block">
      <label class="field">
        <span class="side-title">Assignee</span>
        <select
          data-testid="assignee"
          value={props.ticket.assignee ? String(props.ticket.assignee.id) : ''}
          disabled={action.pending()}
          onChange={(e) => void change(e.currentTarget.value)}
        >
          <option value="" selected={!props.ticket.assignee}>
            Unassigned
          </option>
          <For each={choices()}>
            {(u) => (
              <option value={String(u.id)} selected={props.ticket.assignee?.id === u.id}>
                {u.name}
              </option>
            )}
          </For>
        </select>
      </label>
      <FormError error={action.error() ?? (members.error ? 'Could not load the members list.' : null)} />
    </div>
  );
}
