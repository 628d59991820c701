/** Which SMTP servers projects' custom support addresses may use (security review 3, L4). */
import { createSignal, untrack } from 'solid-js';
import type { MailSettingsView, ProjectSmtpPolicy } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';

export default function ProjectSmtpForm(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  const p0 = untrack(() => props.view.projectSmtp);
  const [mode, setMode] = createSignal(p0.mode);
  const [hosts, setHosts] = createSignal(p0.hosts.join(', '));
  const save = createAction(() => api.mailSettings.saveProjectSmtp.mutate({ mode: mode(), hosts: hosts().split(/[\s,]+/).filter(Boolean) }));
  return (
    <form
      class="panel stack"
      data-testid="project-smtp"
      onSubmit={async (e) => {
        e.preventDefault();
        const next = await save.run();
        if (next) props.onSaved(next);
      }}
    >
      <h3>SMTP servers of projects</h3>
      <p class="muted">A project's custom support address may send through its own SMTP server, and its maintainers see that server's answers. Limit which servers they may name so they cannot probe your network.</p>
      <label class="field">
        <span>Projects may use</span>
        <select data-testid="project-smtp-mode" value={mode()} onChange={(e) => setMode(e.currentTarget.value as ProjectSmtpPolicy['mode'])}>
          <option value="any">any server (default)</option>
          <option value="list">only these servers</option>
          <option value="off">no server of their own (the instance's is used)</option>
        </select>
      </label>
      <label class="field">
        <span>Servers: host (ports 25, 465, 587) or host:port, separated by commas</span>
        <input data-testid="project-smtp-hosts" disabled={mode() !== 'list'} value={hosts()} onInput={(e) => setHosts(e.currentTarget.value)} />
      </label>
      <FormError error={save.error()} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={save.pending()}>
          Save
        </button>
      </div>
    </form>
  );
}
