import { A, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { updateMe } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

/** Confirms a new email address. A button, not an automatic call, so mail scanners opening the link change nothing. */
export default function ConfirmEmailPage() {
  usePageTitle(() => 'Confirm your new email address');
  const params = useParams<{ token: string }>();
  const [done, setDone] = createSignal<string | null>(null);
  const action = createAction(() => api.auth.confirmEmail.mutate({ token: params.token }));
  return (
    <section class="auth-card">
      <h1>Confirm your new email address</h1>
      <Show
        when={done()}
        fallback={
          <>
            <FormError error={action.error()} />
            <button
              type="button"
              class="button button-primary"
              disabled={action.pending()}
              onClick={async () => {
                const r = await action.run();
                if (!r) return;
                setDone(r.email);
                updateMe({ email: r.email });
              }}
            >
              Use this address for my account
            </button>
          </>
        }
      >
        <p class="form-ok" role="status">
          Done: you now sign in with {done()}.
        </p>
      </Show>
      <A href="/" class="quiet-link">
        Go to Threadline
      </A>
    </section>
  );
}
