/** Cc recipients of an email that were not made participants (the project does not add them): shown so nobody forgets them. */
import { Show } from 'solid-js';

export default function CcNotAdded(props: { emails: string[] | undefined }) {
  return (
    <Show when={props.emails?.length}>
      <p class="muted cc-not-added" data-testid="cc-not-added" title="These addresses were in Cc but are not participants: they get no replies unless you add them.">
        Cc: <span class="mono">{props.emails?.join(', ')}</span>, not added
      </p>
    </Show>
  );
}
