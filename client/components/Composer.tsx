import { createResource, createSignal, For, Show } from 'solid-js';
import { complete, hintsFor, QUICK_ACTION_HINTS } from '../lib/quick-action-hints';
import type { NoteView } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';
import AttachButton from './AttachButton';
import { createUploads, droppedFiles } from '../lib/upload';
import { noteTyping } from '../stores/presence';

/** The newest public conversation note (what a reply answers), 0 when there is none. */
export function latestPublicNoteId(notes: NoteView[]): number {
  return notes.reduce((max, n) => (!n.internal && !n.system && n.id > max ? n.id : max), 0);
}

export default function Composer(props: {
  projectPath: string;
  iid: number;
  hasParticipants: boolean;
  recipients: string[];
  latestPublicNoteId: () => number;
  onPosted(note: NoteView): void;
}) {
  // Drafts survive reloads and navigation, per ticket, in this browser.
  const draftKey = () => `threadline.draft.${props.projectPath}#${props.iid}`;
  const [body, setBodySignal] = createSignal(localStorage.getItem(draftKey()) ?? '');
  const setBody = (value: string) => {
    setBodySignal(value);
    if (value.trim()) localStorage.setItem(draftKey(), value);
    else localStorage.removeItem(draftKey());
  };
  const [internal, setInternal] = createSignal(false);
  // What the responder had seen when they started writing: a newer public reply is a collision.
  const [seen, setSeen] = createSignal<number | null>(null);
  const [collision, setCollision] = createSignal(false);
  const [hints, setHints] = createSignal<typeof QUICK_ACTION_HINTS>([]);
  const [previewing, setPreviewing] = createSignal(false);
  const [preview] = createResource(
    () => (previewing() ? body() : null),
    (text) => api.notes.preview.query({ projectPath: props.projectPath, text }).then((r) => r.html),
  );
  let box: HTMLTextAreaElement | undefined;
  const uploads = createUploads({
    projectPath: () => props.projectPath,
    iid: () => props.iid,
    box: () => box,
    text: body,
    setText(value) {
      if (seen() === null) setSeen(props.latestPublicNoteId());
      setBody(value);
    },
  });
  function pick(h: (typeof QUICK_ACTION_HINTS)[number]) {
    if (!box) return;
    const done = complete(body(), box.selectionStart, h.command, h.args !== '');
    setBody(done.text);
    setHints([]);
    box.focus();
    box.setSelectionRange(done.cursor, done.cursor);
  }
  const action = createAction(() =>
    api.notes.create.mutate({
      projectPath: props.projectPath,
      iid: props.iid,
      body: body(),
      internal: internal(),
      ...(internal() ? {} : { seenNoteId: seen() ?? props.latestPublicNoteId() }),
    }),
  );

  async function send() {
    if (action.pending() || uploads.pending() > 0 || !body().trim()) return;
    const note = await action.run();
    if (!note) {
      if (action.code() === 'REPLY_COLLISION') {
        // The new reply is on screen now: a second send is a deliberate choice.
        setSeen(props.latestPublicNoteId());
        setCollision(true);
      }
      return;
    }
    setBody('');
    setSeen(null);
    setCollision(false);
    props.onPosted(note);
  }

  return (
    <form
      class="composer"
      classList={{ 'composer-is-internal': internal() }}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e) => {
        const files = droppedFiles(e.dataTransfer, 'drop');
        if (!files.length) return;
        e.preventDefault();
        if (previewing()) setPreviewing(false);
        uploads.attach(files);
      }}
    >
      <label class="visually-hidden" for="composer">
        {internal() ? 'Internal note' : 'Reply'}
      </label>
      <Show when={previewing()}>
        <div class="note-body markdown composer-preview" data-testid="composer-preview" innerHTML={preview() ?? ''} />
      </Show>
      <textarea
        ref={box}
        hidden={previewing()}
        id="composer"
        data-testid="composer"
        rows={4}
        placeholder={
          internal()
            ? 'Internal note: only people with the reporter role or higher can see it.'
            : props.hasParticipants
              ? 'Reply to the customer…'
              : 'Reply…'
        }
        value={body()}
        onInput={(e) => {
          if (seen() === null) setSeen(props.latestPublicNoteId());
          setBody(e.currentTarget.value);
          setHints(hintsFor(e.currentTarget.value, e.currentTarget.selectionStart));
          noteTyping();
        }}
        onPaste={(e) => {
          const files = droppedFiles(e.clipboardData, 'paste');
          if (!files.length) return;
          e.preventDefault();
          uploads.attach(files);
        }}
        onKeyDown={(e) => {
          const first = hints()[0];
          if (e.key === 'Tab' && first) {
            e.preventDefault();
            pick(first);
            return;
          }
          if (e.key === 'Escape') setHints([]);
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <Show when={hints().length > 0}>
        <ul class="hints" role="listbox" aria-label="Quick actions" data-testid="quick-action-hints">
          <For each={hints()}>
            {(h) => (
              <li role="option" aria-selected="false">
                <button type="button" class="hint" onMouseDown={(e) => e.preventDefault()} onClick={() => pick(h)}>
                  <code>{h.command}</code> <span class="muted">{h.args}</span> — {h.help}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={!internal() && props.recipients.length > 0}>
        <p class="muted composer-recipients" data-testid="composer-recipients">
          Will be emailed to: {props.recipients.join(', ')}
        </p>
      </Show>
      <FormError error={uploads.error()} />
      <Show when={collision()} fallback={<FormError error={action.error()} />}>
        <div class="form-error" role="alert" data-testid="collision">
          <p>Someone replied to the customer after you started writing — their reply is shown above.</p>
          <div class="actions">
            <button type="button" class="button button-small" data-testid="collision-send" onClick={() => void send()}>
              Send mine anyway
            </button>
            <button type="button" class="button button-small" onClick={() => setCollision(false)}>
              Keep editing
            </button>
          </div>
        </div>
      </Show>
      <div class="composer-bar">
        <button type="button" class="button button-quiet button-small" data-testid="composer-preview-toggle" onClick={() => setPreviewing((p) => !p)}>
          {previewing() ? 'Write' : 'Preview'}
        </button>
        <AttachButton
          onFiles={(files) => {
            setPreviewing(false);
            uploads.attach(files);
          }}
        />
        <label class="check">
          <input type="checkbox" data-testid="composer-internal" checked={internal()} onChange={(e) => setInternal(e.currentTarget.checked)} />
          Internal note
        </label>
        <button type="submit" class="button button-primary" data-testid="composer-submit" disabled={action.pending() || uploads.pending() > 0 || !body().trim()}>
          {internal() ? 'Add internal note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
