/**
 * "Merge into…": this ticket's notes, participants and email threading move to another ticket,
 * and this one closes. Nothing happens until the responder confirms, naming both tickets.
 */
import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import type { TicketDetail, TicketSummary } from '../../shared/views';
import { createAction } from '../lib/action';
import { ticketHref } from '../lib/project-route';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function MergeBox(props: { projectPath: string; ticket: TicketDetail }) {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  const [into, setInto] = createSignal('');
  const [target, setTarget] = createSignal<TicketSummary | null>(null);
  const find = createAction((iid: number) => api.tickets.get.query({ projectPath: props.projectPath, iid }));
  const merge = createAction((iid: number) => api.tickets.merge.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, into: iid }));

  async function ask(e: SubmitEvent) {
    e.preventDefault();
    const iid = Number(into().replace(/^#/, ''));
    if (!Number.isInteger(iid) || iid <= 0 || iid === props.ticket.iid) return find.setError('Give the number of another ticket to merge into, like #7.');
    const t = await find.run(iid);
    if (t) setTarget(t);
  }

  async function confirm() {
    const t = target();
    if (!t) return;
    const done = await merge.run(t.iid);
    if (done) navigate(ticketHref(props.projectPath, done.iid));
  }

  return (
    <div class="side-block" data-testid="merge-box">
      <Show
        when={open()}
        fallback={
          <button type="button" class="button button-small" data-testid="merge-open" onClick={() => setOpen(true)}>
            Merge into…
          </button>
        }
      >
        <Show
          when={target()}
          fallback={
            <form class="stack-sm" onSubmit={(e) => void ask(e)}>
              <label class="field">
                <span class="side-title">Merge into ticket</span>
                <input data-testid="merge-into" placeholder="#7" value={into()} onInput={(e) => setInto(e.currentTarget.value)} />
              </label>
              <div class="button-row">
                <button type="submit" class="button button-small" disabled={find.pending() || !into().trim()}>
                  Next
                </button>
                <button type="button" class="button button-quiet button-small" onClick={() => setOpen(false)}>
                  Cancel
                </button>
              </div>
            </form>
          }
        >
          {(t) => (
            <div class="confirm" role="alertdialog" aria-labelledby="merge-confirm-text" data-testid="merge-confirm">
              <p id="merge-confirm-text">
                Merge <strong>#{props.ticket.iid}</strong> into <strong>#{t().iid} {t().title}</strong>? Its notes, participants and email replies move to #{t().iid}, and
                #{props.ticket.iid} is closed.
                <Show when={t().state === 'closed' && props.ticket.state !== 'closed'}> #{t().iid} is closed and will be reopened.</Show> This cannot be undone.
              </p>
              <div class="button-row">
                <button type="button" class="button button-danger button-small" data-testid="merge-confirm-button" disabled={merge.pending()} onClick={() => void confirm()}>
                  Merge into #{t().iid}
                </button>
                <button type="button" class="button button-quiet button-small" onClick={() => setTarget(null)}>
                  Back
                </button>
              </div>
            </div>
          )}
        </Show>
      </Show>
      <FormError error={find.error() ?? merge.error()} />
    </div>
  );
}
