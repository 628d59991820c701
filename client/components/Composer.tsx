import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { QUICK_ACTION_HINTS } from '../lib/quick-action-hints';
import { CAN, roleLevel } from '../../shared/roles';
import type { FilledReply, NoteView } from '../../shared/views';
import { createAction } from '../lib/action';
import { labelToken, mentionName, nameMatches, replaceToken, tokenAt, type Token } from '../lib/composer-tokens';
import { api } from '../lib/trpc';
import FormError from './FormError';
import AttachButton from './AttachButton';
import { createUploads, droppedFiles } from '../lib/upload';
import { noteTyping, stopTyping } from '../stores/presence';
import { peopleOn } from './PresenceLine';

/** The newest public conversation note (what a reply answers), 0 when there is none. */
export function latestPublicNoteId(notes: NoteView[]): number {
  return notes.reduce((max, n) => (!n.internal && !n.system && n.id > max ? n.id : max), 0);
}

interface Suggestion {
  key: string;
  label: string;
  detail: string;
  pick(): void | Promise<void>;
}

export default function Composer(props: {
  projectPath: string;
  iid: number;
  hasParticipants: boolean;
  recipients: string[];
  /** the ticket is closed (maybe by a colleague while this reply was being written) */
  closed?: boolean;
  latestPublicNoteId: () => number;
  /** changes when the project's saved replies change (a live event): the list is read again */
  savedRepliesVersion?: () => number;
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
  /** Colleagues typing on this ticket: said beside the Send button, where the reply is written. */
  const othersTyping = () => peopleOn(props.iid).filter((p) => p.typing).map((p) => p.name);
  const [token, setToken] = createSignal<Token | null>(null);
  const [active, setActive] = createSignal(0);
  const [macro, setMacro] = createSignal<FilledReply | null>(null);
  const [repliesOpen, setRepliesOpen] = createSignal(false);
  const [previewing, setPreviewing] = createSignal(false);
  const [preview] = createResource(
    () => (previewing() ? body() : null),
    (text) => api.notes.preview.query({ projectPath: props.projectPath, text }).then((r) => r.html),
  );
  const [replies] = createResource(
    () => ({ projectPath: props.projectPath, v: props.savedRepliesVersion?.() ?? 0 }),
    ({ projectPath }) => api.savedReplies.list.query({ projectPath }).catch(() => []),
  );
  const [members] = createResource(
    () => props.projectPath,
    (projectPath) => api.members.list.query({ projectPath }).then((list) => list.filter((m) => roleLevel(m.role) >= CAN.respond)).catch(() => []),
  );
  // Read when a label starts being typed: labels are made all the time (a chip, another responder).
  const [labelsWanted, setLabelsWanted] = createSignal(0);
  const [labels] = createResource(
    () => (labelsWanted() ? { projectPath: props.projectPath, n: labelsWanted() } : null),
    ({ projectPath }) => api.labels.list.query({ projectPath }).catch(() => []),
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
  const fillError = createAction((id: number) => api.savedReplies.fill.query({ projectPath: props.projectPath, iid: props.iid, id }));

  function put(next: { text: string; cursor: number }) {
    setBody(next.text);
    setToken(null);
    box?.focus();
    box?.setSelectionRange(next.cursor, next.cursor);
  }

  /** A saved reply, filled in, replaces what was typed to find it (or goes in at the cursor). */
  async function insertReply(id: number, at: Token | null) {
    const filled = await fillError.run(id);
    if (!filled) return;
    const cursor = box?.selectionStart ?? body().length;
    const where: Token = at ?? { kind: 'reply', query: '', start: cursor, end: box?.selectionEnd ?? cursor };
    put(replaceToken(body(), where, filled.body));
    if (filled.actions) setMacro(filled);
    setRepliesOpen(false);
  }

  const suggestions = (): Suggestion[] => {
    const t = token();
    if (!t) return [];
    const text = body();
    switch (t.kind) {
      case 'command':
        return QUICK_ACTION_HINTS.filter((h) => h.command.startsWith(`/${t.query}`)).map((h) => ({
          key: h.command,
          label: h.command,
          detail: `${h.args ? `${h.args} — ` : ''}${h.help}`,
          pick: () => put(replaceToken(text, t, `${h.command}${h.args ? ' ' : ''}`)),
        }));
      case 'reply':
        return (replies() ?? [])
          .filter((r) => nameMatches(r.name, t.query))
          .slice(0, 8)
          .map((r) => ({ key: `r${r.id}`, label: r.name, detail: r.actions ? 'Macro' : 'Saved reply', pick: () => insertReply(r.id, t) }));
      case 'member':
        return (members() ?? [])
          .filter((m) => nameMatches(mentionName(m.user.email), t.query) || nameMatches(m.user.name, t.query))
          .slice(0, 8)
          .map((m) => ({ key: `m${m.user.id}`, label: `@${mentionName(m.user.email)}`, detail: m.user.name, pick: () => put(replaceToken(text, t, `@${mentionName(m.user.email)} `)) }));
      case 'label':
        return (labels() ?? [])
          .filter((l) => nameMatches(l.name, t.query))
          .slice(0, 8)
          .map((l) => ({ key: `l${l.name}`, label: labelToken(l.name), detail: 'Label', pick: () => put(replaceToken(text, t, `${labelToken(l.name)} `)) }));
    }
  };
  createEffect(
    on(
      () => token()?.kind,
      (kind, before) => {
        setActive(0);
        if (kind === 'label' && before !== 'label') setLabelsWanted((n) => n + 1);
      },
    ),
  );

  const action = createAction(() =>
    api.notes.create.mutate({
      projectPath: props.projectPath,
      iid: props.iid,
      body: body(),
      internal: internal(),
      ...(internal() ? {} : { seenNoteId: seen() ?? props.latestPublicNoteId() }),
      ...(macro() ? { macroId: macro()?.id } : {}),
    }),
  );

  /** A refused reply's notice goes once the responder moves on: keeps editing, empties the draft or writes a note. */
  function settle() {
    setCollision(false);
    action.setError(null);
  }

  async function send() {
    if (action.pending() || uploads.pending() > 0 || (!body().trim() && !macro())) return;
    setToken(null);
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
    stopTyping();
    setSeen(null);
    setCollision(false);
    setMacro(null);
    setToken(null);
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
            ? 'Internal note: only people with the reporter role or higher can see it. @name mentions a member.'
            : props.hasParticipants
              ? 'Reply to the customer… (# inserts a saved reply)'
              : 'Reply…'
        }
        value={body()}
        onInput={(e) => {
          if (seen() === null) setSeen(props.latestPublicNoteId());
          setBody(e.currentTarget.value);
          setToken(tokenAt(e.currentTarget.value, e.currentTarget.selectionStart, { internal: internal() }));
          if (e.currentTarget.value.trim()) noteTyping();
          else {
            stopTyping();
            settle();
          }
        }}
        onBlur={() => setToken(null)}
        onPaste={(e) => {
          const files = droppedFiles(e.clipboardData, 'paste');
          if (!files.length) return;
          e.preventDefault();
          uploads.attach(files);
        }}
        onKeyDown={(e) => {
          const list = suggestions();
          if (list.length > 0) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length);
              return;
            }
            // Enter picks once something was typed after the sigil: a bare `#` or `@` then Enter is a new line.
            const enterPicks = e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.shiftKey && (token()?.query ?? '') !== '';
            if ((e.key === 'Tab' || enterPicks) && list[active()]) {
              e.preventDefault();
              void list[active()]?.pick();
              return;
            }
          }
          // Escape closes the suggestions; with none open it leaves the field (the draft stays),
          // so the keyboard shortcuts work again (shortcuts.ts).
          if (e.key === 'Escape' && token()) {
            e.preventDefault();
            setToken(null);
          }
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <Show when={suggestions().length > 0}>
        <ul class="hints" role="listbox" aria-label="Suggestions" data-testid={token()?.kind === 'command' ? 'quick-action-hints' : `suggest-${token()?.kind}`}>
          <For each={suggestions()}>
            {(s, i) => (
              <li role="option" aria-selected={i() === active()}>
                <button type="button" class="hint" classList={{ 'hint-active': i() === active() }} data-testid="suggestion" onMouseDown={(e) => e.preventDefault()} onClick={() => void s.pick()}>
                  <code>{s.label}</code> <span class="muted">{s.detail}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={macro()}>
        {(m) => (
          <div class="macro-chip" data-testid="macro-chip">
            <span>
              Macro <strong>{m().name}</strong>: {m().describe.join(', ')} when sent.
            </span>
            <button type="button" class="button button-quiet button-small" aria-label="Send without the macro's actions" onClick={() => setMacro(null)}>
              ×
            </button>
          </div>
        )}
      </Show>
      <Show when={!internal() && props.recipients.length > 0}>
        <p class="muted composer-recipients" data-testid="composer-recipients">
          Will be emailed to: {props.recipients.join(', ')}
        </p>
      </Show>
      <Show when={!internal() && props.closed}>
        <p class="composer-recipients" role="status" data-testid="composer-closed">
          This ticket is closed: the reply is emailed and the ticket stays closed (add /reopen to reopen it).
        </p>
      </Show>
      <FormError error={uploads.error() ?? fillError.error()} />
      <Show when={collision()} fallback={<FormError error={action.error()} />}>
        <div class="form-error" role="alert" data-testid="collision">
          <p>Someone replied to the customer after you started writing — their reply is shown above.</p>
          <div class="actions">
            <button type="button" class="button button-small" data-testid="collision-send" onClick={() => void send()}>
              Send mine anyway
            </button>
            <button type="button" class="button button-small" onClick={settle}>
              Keep editing
            </button>
          </div>
        </div>
      </Show>
      <Show when={!internal() && othersTyping().length > 0}>
        <p class="composer-others" role="status" data-testid="composer-others-typing">
          {othersTyping().join(', ')} {othersTyping().length > 1 ? 'are' : 'is'} typing on this ticket too: check their reply before you send yours.
        </p>
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
        <div class="saved-replies-menu">
          <button type="button" class="button button-quiet button-small" data-testid="saved-replies-open" aria-expanded={repliesOpen()} onClick={() => setRepliesOpen((o) => !o)}>
            Saved replies
          </button>
          <Show when={repliesOpen()}>
            <ul class="hints hints-up" role="menu" data-testid="saved-replies-list">
              <For each={replies()} fallback={<li class="muted hint">No saved replies yet: maintainers add them on the Service Desk tab.</li>}>
                {(r) => (
                  <li role="menuitem">
                    <button type="button" class="hint" onMouseDown={(e) => e.preventDefault()} onClick={() => void insertReply(r.id, null)}>
                      {r.name} <span class="muted">{r.actions ? 'Macro' : ''}</span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="composer-internal"
            checked={internal()}
            onChange={(e) => {
              setInternal(e.currentTarget.checked);
              settle();
            }}
          />
          Internal note
        </label>
        <button type="submit" class="button button-primary" data-testid="composer-submit" disabled={action.pending() || uploads.pending() > 0 || (!body().trim() && !macro())}>
          {internal() ? 'Add internal note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
