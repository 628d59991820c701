/** The project's Service Desk address (with copy) and, for maintainers, its settings (SPEC §7). */
import { createResource, Show } from 'solid-js';
import { CAN } from '../../shared/roles';
import type { ProjectView } from '../../shared/views';
import CopyButton from '../components/CopyButton';
import CustomEmailPanel from '../components/CustomEmailPanel';
import EmailTemplatesEditor from '../components/EmailTemplatesEditor';
import IssueTemplatesEditor from '../components/IssueTemplatesEditor';
import SavedRepliesEditor from '../components/SavedRepliesEditor';
import WebhookPanel from '../components/WebhookPanel';
import ProjectKeyField from '../components/ProjectKeyField';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';

type Toggle = 'enabled' | 'confidentialByDefault' | 'reopenOnExternalNote' | 'addCcParticipants' | 'sendThankYou' | 'sendResolved';

const TOGGLES: { key: Toggle; label: string; hint: string }[] = [
  { key: 'enabled', label: 'Service Desk enabled', hint: 'Mail to the project address creates tickets.' },
  { key: 'confidentialByDefault', label: 'New tickets are confidential', hint: 'Only reporters and up can see them.' },
  { key: 'reopenOnExternalNote', label: 'Reopen closed tickets when the customer writes', hint: 'An internal note says why.' },
  { key: 'addCcParticipants', label: 'Add Cc recipients as participants', hint: 'They receive public replies too (at most 10 per ticket).' },
  { key: 'sendThankYou', label: 'Send the thank-you email', hint: 'Confirms the ticket number to the customer.' },
  { key: 'sendResolved', label: 'Send the resolved email', hint: 'Tells the customer when a merged change closes their ticket (the Resolved template).' },
];

export default function ServiceDeskPage(props: { project: ProjectView }) {
  const canConfigure = () => props.project.access >= CAN.configureServiceDesk;
  const [settings, { mutate, refetch }] = createResource(() => props.project.path, (projectPath) => api.serviceDesk.get.query({ projectPath }));
  const save = createAction((changes: Omit<Parameters<typeof api.serviceDesk.update.mutate>[0], 'projectPath'>) =>
    api.serviceDesk.update.mutate({ projectPath: props.project.path, ...changes }),
  );

  async function apply(changes: Parameters<typeof save.run>[0]) {
    const next = await save.run(changes);
    if (next) mutate(next);
    return next;
  }

  return (
    <section class="stack-lg" aria-labelledby="sd-heading">
      <h2 id="sd-heading">Service Desk</h2>
      <Show when={settings.error}>
        <FormError error={errorMessage(settings.error)} />
      </Show>
      <Show when={settings()}>
        {(s) => (
          <>
            <div class="panel stack">
              <p class="muted">Customers write to this address. Each new email becomes a ticket here; replies become notes.</p>
              <div class="actions" style={{ 'align-items': 'center', 'flex-wrap': 'wrap' }}>
                <code class="mono" data-testid="service-desk-address">{s().address}</code>
                <CopyButton text={s().address} label="Copy address" />
              </div>
              <Show when={s().address !== s().serviceDeskAddress}>
                <p class="muted">
                  Forwards to: <code class="mono">{s().serviceDeskAddress}</code>
                </p>
              </Show>
              <Show when={s().incomingAddress !== s().address && s().incomingAddress !== s().serviceDeskAddress}>
                <p class="muted">Also works: <code class="mono">{s().incomingAddress}</code></p>
              </Show>
              <Show when={!s().enabled}>
                <p class="form-error">Service Desk is disabled: mail to this address is rejected.</p>
              </Show>
            </div>
            <Show when={canConfigure()}>
              <form class="panel stack" onSubmit={(e) => e.preventDefault()} aria-labelledby="sd-settings">
                <h3 id="sd-settings">Settings</h3>
                {TOGGLES.map((t) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      data-testid={`sd-${t.key}`}
                      checked={s()[t.key]}
                      disabled={save.pending()}
                      onChange={(e) => void apply({ [t.key]: e.currentTarget.checked })}
                    />
                    <span>
                      {t.label} <span class="muted">— {t.hint}</span>
                    </span>
                  </label>
                ))}
                <div class="row-fields">
                  <label class="field">
                    <span>Outgoing display name</span>
                    <input
                      type="text"
                      maxLength={255}
                      value={s().outgoingName}
                      onChange={(e) => void apply({ outgoingName: e.currentTarget.value.trim() || null })}
                    />
                  </label>
                </div>
                <ProjectKeyField projectPath={props.project.path} value={s().projectKey} disabled={save.pending()} onSave={(projectKey) => void apply({ projectKey })} />
                <FormError error={save.error()} />
              </form>
              <CustomEmailPanel projectPath={props.project.path} onChanged={() => void refetch()} />
              <IssueTemplatesEditor projectPath={props.project.path} selected={s().issueTemplateKey} onSelect={(k) => void apply({ issueTemplateKey: k })} />
              <SavedRepliesEditor projectPath={props.project.path} />
              <EmailTemplatesEditor projectPath={props.project.path} />
              <WebhookPanel projectPath={props.project.path} />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
