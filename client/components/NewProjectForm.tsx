import { useNavigate } from '@solidjs/router';
import { createSignal, For } from 'solid-js';
import { VISIBILITIES, type Visibility } from '../../shared/roles';
import { createAction } from '../lib/action';
import { queueHref } from '../lib/project-route';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function NewProjectForm(props: { onCreated(): void }) {
  const navigate = useNavigate();
  const [path, setPath] = createSignal('');
  const [name, setName] = createSignal('');
  const [visibility, setVisibility] = createSignal<Visibility>('private');
  const action = createAction(() =>
    api.projects.create.mutate({ path: path().trim(), name: name().trim() || undefined, visibility: visibility() }),
  );

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const project = await action.run();
    if (!project) return;
    props.onCreated();
    navigate(queueHref(project.path));
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-project-heading">
      <h2 id="new-project-heading">New project</h2>
      <div class="row-fields">
        <label class="field">
          <span>Path</span>
          <input name="path" required placeholder="acme/mobile-app" value={path()} onInput={(e) => setPath(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Name (optional)</span>
          <input name="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Visibility</span>
          <select name="visibility" value={visibility()} onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}>
            <For each={VISIBILITIES}>{(v) => <option value={v}>{v}</option>}</For>
          </select>
        </label>
      </div>
      <FormError error={action.error()} />
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Create project
        </button>
      </div>
    </form>
  );
}
