import { createSignal } from 'solid-js';
import type { NoteView } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function Composer(props: { projectPath: string; iid: number; hasParticipants: boolean; onPosted(note: NoteView): void }) {
  const [body, setBody] = createSignal('');
  const [internal, setInternal] = createSignal(false);
  const action = createAction(() =>
    api.notes.create.mutate({ projectPath: props.projectPath, iid: props.iid, body: body(), internal: internal() }),
  );

  async function send() {
    if (action.pending() || !body().trim()) return;
    const note = await action.run();
    if (!note) return;
    setBody('');
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
    >
      <label class="visually-hidden" for="composer">
        {internal() ? 'Internal note' : 'Reply'}
      </label>
      <textarea
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
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <FormError error={action.error()} />
      <div class="composer-bar">
        <label class="check">
          <input type="checkbox" data-testid="composer-internal" checked={internal()} onChange={(e) => setInternal(e.currentTarget.checked)} />
          Internal note
        </label>
        <button type="submit" class="button button-primary" data-testid="composer-submit" disabled={action.pending() || !body().trim()}>
          {internal() ? 'Add internal note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
