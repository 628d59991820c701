import { ErrorBoundary, For, Match, Show, Switch } from 'solid-js';
import type { NoteView, ParticipantView } from '../../shared/views';
import { fullTime, splitUtcMoments, utcMomentInstant } from '../lib/local-time';
import { relativeTime } from '../lib/relative-time';
import NewSenderBanner from './NewSenderBanner';
import OriginalEmail from './OriginalEmail';
import CcNotAdded from './CcNotAdded';
import { personLabel } from '../lib/person';

export function noteAuthor(n: Pick<NoteView, 'author' | 'externalAuthor' | 'externalAuthorName'>): string {
  if (n.externalAuthor) return `${personLabel(n.externalAuthor, n.externalAuthorName)} (external participant)`;
  return n.author?.name ?? 'Someone';
}

/** System notes carry a little Markdown (`**title**`, `~"label"`); as plain text that syntax is only noise. */
function plainSystemText(body: string): string {
  return body.replace(/\*\*/g, '').replace(/~"([^"]*)"/g, '“$1”');
}

/**
 * A system note's http(s) addresses become links (a merged change that closed the ticket); the
 * rest stays text. Only these two schemes can match, so no script URL becomes a link.
 */
function SystemText(props: { text: string }) {
  const parts = () => props.text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <For each={parts()}>
      {(part, i) =>
        i() % 2 === 1 ? (
          <a href={part} target="_blank" rel="noopener noreferrer nofollow" data-testid="system-note-link">
            {part}
          </a>
        ) : (
          <LocalMoments text={part} />
        )
      }
    </For>
  );
}

/**
 * The server writes moments into system notes in UTC; each reader sees them on their own clock. The
 * note may quote outside text (an old title is an email subject), so a part that names no real
 * instant (`2025-02-31 10:00 UTC`) stays the text it was.
 */
function LocalMoments(props: { text: string }) {
  return (
    <For each={splitUtcMoments(props.text)}>
      {(part, i) => {
        const iso = i() % 2 === 1 ? utcMomentInstant(part) : null;
        return iso ? (
          <time datetime={iso} title={part}>
            {fullTime(iso)}
          </time>
        ) : (
          part
        );
      }}
    </For>
  );
}

function When(props: { at: string }) {
  return (
    <time class="note-time" datetime={props.at} title={fullTime(props.at)}>
      {relativeTime(props.at)}
    </time>
  );
}

interface NoteItemProps {
  note: NoteView;
  projectPath?: string;
  iid?: number;
  canSeeEmail?: boolean;
  participants?: ParticipantView[];
  onParticipantsChanged?(list: ParticipantView[]): void;
}

/** One note that fails to render shows a line saying so; the rest of the ticket page stays. */
export default function NoteItem(props: NoteItemProps) {
  return (
    <ErrorBoundary
      fallback={(err) => {
        console.error('A note could not be shown', err);
        return (
          <li class="note note-system" data-testid="note" data-note-id={props.note.id} data-broken="true">
            <p class="note-system-line muted">This note could not be shown. Reload the page to try again.</p>
          </li>
        );
      }}
    >
      <NoteBody {...props} />
    </ErrorBoundary>
  );
}

function NoteBody(props: NoteItemProps) {
  const n = () => props.note;
  const kind = () => (n().system ? 'system' : n().internal ? 'internal' : n().externalAuthor ? 'external' : 'reply');
  return (
    <li
      class={`note note-${kind()}`}
      data-testid="note"
      data-note-id={n().id}
      data-internal={String(n().internal)}
      data-system={String(n().system)}
      data-merged-from={n().mergedFrom ?? ''}
    >
      <Switch>
        <Match when={n().system}>
          <p class="note-system-line">
            <strong>{n().author?.name ?? 'Someone'}</strong> <SystemText text={plainSystemText(n().body)} /> · <When at={n().createdAt} />
          </p>
        </Match>
        <Match when={true}>
          <header class="note-head">
            <strong class="note-author">{noteAuthor(n())}</strong>
            <Show when={n().internal}>
              <span class="tag tag-internal">Internal note</span>
            </Show>
            <Show when={n().mergedFrom}>
              {(from) => (
                <span class="tag tag-merged" data-testid="merged-from" title={`Came with #${from()} when it was merged into this ticket`}>
                  from #{from()}
                </span>
              )}
            </Show>
            <Show when={kind() === 'external'}>
              <span class="tag tag-external">{n().fromNewSender ? 'New sender' : 'Customer'}</span>
            </Show>
            <When at={n().createdAt} />
          </header>
          <Show when={n().fromNewSender && n().externalAuthor && props.projectPath && props.iid}>
            <NewSenderBanner
              email={n().externalAuthor as string}
              projectPath={props.projectPath as string}
              iid={props.iid as number}
              participants={props.participants ?? []}
              canAdd={!!props.canSeeEmail && !!props.onParticipantsChanged}
              onAdded={(list) => props.onParticipantsChanged?.(list)}
            />
          </Show>
          {/* Rendered and sanitised by the server (server/domain/notes/markdown.ts). */}
          <div class="note-body markdown" innerHTML={n().html} />
          <CcNotAdded emails={n().ccNotAdded} />
          <Show when={n().fromEmail && props.canSeeEmail && props.projectPath && props.iid}>
            <OriginalEmail projectPath={props.projectPath as string} iid={props.iid as number} noteId={n().id} ccNotAdded={n().ccNotAdded} />
          </Show>
        </Match>
      </Switch>
    </li>
  );
}
