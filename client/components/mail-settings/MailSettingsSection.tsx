/**
 * Mail settings on the Admin page (issue 10): addresses, the outgoing server, IMAP mailboxes and
 * Microsoft Graph mailboxes (issue 13),
 * applied on every node without a restart. Mailbox health refreshes while the page is open.
 */
import { createResource, onCleanup, onMount, Show } from 'solid-js';
import type { MailSettingsView } from '../../../shared/mail-settings';
import { errorMessage } from '../../lib/errors';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import AddressesForm from './AddressesForm';
import MailboxesEditor from './MailboxesEditor';
import GraphMailboxesEditor from './GraphMailboxesEditor';
import SmtpForm from './SmtpForm';
import ProjectSmtpForm from './ProjectSmtpForm';

const HEALTH_REFRESH_MS = 3000;

export default function MailSettingsSection() {
  const [view, { mutate, refetch }] = createResource(() => api.mailSettings.get.query());
  onMount(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refetch();
    }, HEALTH_REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });
  const saved = (next: MailSettingsView) => mutate(next);
  return (
    <section class="stack" aria-labelledby="mail-settings-heading" data-testid="mail-settings">
      <h2 id="mail-settings-heading">Mail settings</h2>
      <p class="muted">
        Changes apply at once on every node, without a restart. Values set by environment variables on the server are shown read-only. Passwords are stored encrypted
        <Show when={view()}>{(v) => <> (key from {v().secretKey === 'env' ? 'SECRET_KEY' : 'DATA_DIR/secret.key'})</>}</Show> and never shown again.
      </p>
      <FormError error={view.error ? errorMessage(view.error) : null} />
      <Show when={view.latest}>
        {(v) => (
          <>
            <AddressesForm view={v()} onSaved={saved} />
            <SmtpForm view={v()} onSaved={saved} />
            <ProjectSmtpForm view={v()} onSaved={saved} />
            <MailboxesEditor view={v()} onSaved={saved} />
            <GraphMailboxesEditor view={v()} onSaved={saved} />
          </>
        )}
      </Show>
    </section>
  );
}
