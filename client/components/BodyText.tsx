import { For, Match, Show, Switch } from 'solid-js';
import { bodyParts, type Piece } from '../lib/body-parts';

function Pieces(props: { list: Piece[] }) {
  return (
    <For each={props.list}>
      {(p) => (
        <Switch>
          <Match when={p.kind === 'text' && p}>{(t) => t().text}</Match>
          <Match when={p.kind === 'link' && p}>
            {(l) => (
              <a href={l().href} class="attachment-link">
                {l().text}
              </a>
            )}
          </Match>
          <Match when={p.kind === 'image' && p}>{(i) => <img src={i().src} alt={i().alt} class="attachment-image" loading="lazy" />}</Match>
        </Switch>
      )}
    </For>
  );
}

/** A note or description body as plain text, with attachments and the collapsed quote made real. */
export default function BodyText(props: { body: string }) {
  const parts = () => bodyParts(props.body);
  return (
    <>
      <Pieces list={parts().visible} />
      <Show when={parts().collapsed}>
        {(c) => (
          <details class="trimmed">
            <summary>Show quoted text</summary>
            <Pieces list={c()} />
          </details>
        )}
      </Show>
    </>
  );
}
