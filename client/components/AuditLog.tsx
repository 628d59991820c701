/** A page of the audit log, newest first, with "Older entries" for the next page. */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { AuditEntryView, AuditPage } from '../../shared/views';
import { errorMessage } from '../lib/errors';
import { fullTime } from '../lib/local-time';
import { relativeTime } from '../lib/relative-time';
import FormError from './FormError';

const ACTIONS: Record<string, string> = {
  'member.added': 'added a member',
  'member.role_changed': 'changed a role',
  'member.removed': 'removed a member',
  'invitation.created': 'invited',
  'invitation.resent': 'resent an invitation to',
  'invitation.revoked': 'revoked the invitation of',
  'invitation.accepted': 'accepted an invitation',
  'user.created': 'created the user',
  'user.created_by_sso': 'signed up through single sign-on',
  'user.deactivated': 'deactivated',
  'user.reactivated': 'reactivated',
  'user.admin_granted': 'made an administrator:',
  'user.admin_removed': 'removed administrator from',
  'user.reset_link_sent': 'sent a password reset link to',
  'user.reset_link_issued': 'issued a password reset link for',
  'user.password_reset': 'reset their password',
  'user.password_changed': 'changed their password',
  'user.email_changed': 'changed their email to',
  'user.renamed': 'changed their name',
  'settings.sso_changed': 'changed single sign-on settings',
  'settings.project_smtp_changed': 'changed which SMTP servers projects may use',
  'service_desk.settings_changed': 'changed Service Desk settings',
  'email_template.changed': 'changed the email template',
  'email_template.reset': 'restored the default email template',
  'issue_template.saved': 'saved the issue template',
  'issue_template.deleted': 'deleted the issue template',
  'project.created': 'created the project',
  'webhook.secret_revealed': 'revealed the webhook secret',
  'webhook.regenerated': 'regenerated the webhook URL and secret',
  'custom_email.wrong_code_ignored': 'ignored a verification email with a wrong code for',
};

function details(e: AuditEntryView): string {
  return Object.entries(e.detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export default function AuditLog(props: { load(beforeId: number | undefined): Promise<AuditPage>; showProject: boolean }) {
  const [cursors, setCursors] = createSignal<(number | undefined)[]>([undefined]);
  const [page] = createResource(() => ({ before: cursors().at(-1) }), ({ before }) => props.load(before));
  return (
    <section class="stack">
      <Show when={page.error}>
        <FormError error={errorMessage(page.error)} />
      </Show>
      <table class="table" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <Show when={props.showProject}>
              <th scope="col">Project</th>
            </Show>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          <For each={page()?.items ?? []} fallback={<tr><td colSpan={5} class="muted">Nothing recorded yet.</td></tr>}>
            {(e) => (
              <tr data-testid="audit-entry" data-action={e.action}>
                <td title={fullTime(e.at)}>{relativeTime(e.at)}</td>
                <td>{e.actor.name}</td>
                <td>
                  {ACTIONS[e.action] ?? e.action} <span class="mono">{e.target}</span>
                </td>
                <Show when={props.showProject}>
                  <td class="mono">{e.projectPath ?? '—'}</td>
                </Show>
                <td class="muted">{details(e)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="toolbar">
        <Show when={cursors().length > 1}>
          <button type="button" class="button button-small" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer entries
          </button>
        </Show>
        <Show when={page()?.nextCursor}>
          {(next) => (
            <button type="button" class="button button-small" onClick={() => setCursors((c) => [...c, next()])}>
              Older entries
            </button>
          )}
        </Show>
      </div>
    </section>
  );
}
