/** Which SMTP servers projects' custom support addresses may use (security review 3, L4). */
import { createSignal, Show, untrack } from 'solid-js';
import type { MailSettingsView, ProjectSmtpPolicy } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';

export default function ProjectSmtpForm(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  const p0 = untrack(() => props.view.projectSmtp);
  const [mode, setMode] = createSignal(p0.mode);
  const [hosts, setHosts] = createSignal(p0.hosts.join(', '));
  const [done, setDone] = createSignal(false);
  const save = createAction(() => api.mailSettings.saveProjectSmtp.mutate({ mode: mode(), hosts: hosts().split(/[\s,]+/).filter(Boolean) }));
  return (
    <form
      class="panel stack"
      data-testid="project-smtp"
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        const next = await save.run();
        if (!next) return;
        props.onSaved(next);
        setDone(true);
      }}
    >
      <label class="field">
        <span>SMTP servers projects may use (their maintainers read the servers' answers)</span>
        <select data-testid="project-smtp-mode" value={mode()} onChange={(e) => setMode(e.currentTarget.value as ProjectSmtpPolicy['mode'])}>
          <option value="any">any (default)</option>
          <option value="list">only: host (ports 25, 465, 587) or host:port, comma-separated</option>
          <option value="off">none: the instance's server</option>
        </select>
      </label>
      <input data-testid="project-smtp-hosts" aria-label="Servers" hidden={mode() !== 'list'} value={hosts()} onInput={(e) => setHosts(e.currentTarget.value)} />
      <FormError error={save.error()} />
      <Show when={done()}>
        <p class="form-ok" role="status">Saved. Every node uses the new choice now.</p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={save.pending()}>
          Save
        </button>
      </div>
    </form>
  );
}
