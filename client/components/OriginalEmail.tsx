/**
 * The email as sent: sanitised HTML in a sandboxed frame (no scripts, no same-origin), remote
 * images blocked until allowed. The frame loads /original-email, a document with its own CSP:
 * a srcdoc frame would inherit the app's, which never lets remote images load.
 */
import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function OriginalEmail(props: { projectPath: string; iid: number; noteId?: number; ccNotAdded?: string[] | undefined }) {
  const notAdded = (email: string) => (props.ccNotAdded ?? []).includes(email.toLowerCase());
  const [open, setOpen] = createSignal(false);
  const [allowRemote, setAllowRemote] = createSignal(false);
  const [mail] = createResource(
    () => (open() ? { projectPath: props.projectPath, iid: props.iid, noteId: props.noteId } : null),
    (input) => api.tickets.originalEmail.query(input),
  );
  const frameUrl = () => {
    const q = new URLSearchParams({ projectPath: props.projectPath, iid: String(props.iid) });
    if (props.noteId !== undefined) q.set('noteId', String(props.noteId));
    if (allowRemote()) q.set('remoteImages', '1');
    return `/original-email?${q}`;
  };
  return (
    <div class="original-email">
      <button type="button" class="button button-quiet button-small" data-testid="view-original" onClick={() => setOpen((o) => !o)}>
        {open() ? 'Hide original email' : 'View original email'}
      </button>
      <Show when={open()}>
        <Show when={mail.error}>
          <FormError error={errorMessage(mail.error)} />
        </Show>
        <Show when={mail()}>
          {(m) => (
            <div class="panel stack" data-testid="original-email">
              <dl class="original-headers">
                <dt>From</dt>
                <dd class="mono">{m().from}</dd>
                <dt>To</dt>
                <dd class="mono">{m().to.join(', ')}</dd>
                <Show when={m().cc.length}>
                  <dt>Cc</dt>
                  <dd class="mono" data-testid="original-cc">
                    {m()
                      .cc.map((c) => (notAdded(c) ? `${c} (not added)` : c))
                      .join(', ')}
                  </dd>
                </Show>
                <dt>Subject</dt>
                <dd>{m().subject}</dd>
                <Show when={m().date}>
                  <dt>Date</dt>
                  <dd>{m().date}</dd>
                </Show>
              </dl>
              <Show when={m().remoteImages > 0 && !allowRemote()}>
                <p class="muted" data-testid="remote-images-blocked">
                  {m().remoteImages} remote image{m().remoteImages > 1 ? 's were' : ' was'} blocked: loading them tells the sender you read this.{' '}
                  <button type="button" class="button button-small" onClick={() => setAllowRemote(true)}>
                    Load remote images
                  </button>
                </p>
              </Show>
              <Show when={m().html} fallback={<pre class="original-text">{m().text}</pre>}>
                <iframe title="Original email" sandbox="" class="original-frame" data-testid="original-frame" src={frameUrl()} />
              </Show>
            </div>
          )}
        </Show>
      </Show>
    </div>
  );
}
