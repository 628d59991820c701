/** How many customer links of the ticket still work (customer view, downloads), and revoking them. */
import { createResource, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function CustomerLinksControl(props: { projectPath: string; iid: number }) {
  const [count, { refetch }] = createResource(
    () => ({ projectPath: props.projectPath, iid: props.iid }),
    (input) => api.customerLinks.count.query(input),
  );
  const revoke = createAction(() => api.customerLinks.revoke.mutate({ projectPath: props.projectPath, iid: props.iid }));
  return (
    <div class="side-block" data-testid="customer-links">
      <span class="side-title">Customer links</span>
      <span class="muted">
        <Show when={count()} fallback="…">
          {(c) => <>{c().active === 0 ? 'None active.' : `${c().active} active: the customer view and file links in emails work without an account.`}</>}
        </Show>
      </span>
      <Show when={(count()?.active ?? 0) > 0}>
        <button type="button" class="button button-small" disabled={revoke.pending()} onClick={async () => (await revoke.run()) && refetch()}>
          Revoke customer links
        </button>
      </Show>
      <FormError error={revoke.error()} />
    </div>
  );
}
