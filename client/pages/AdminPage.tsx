import { A, Navigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import AdminToc from '../components/AdminToc';
import InvitationsPanel from '../components/InvitationsPanel';
import NewUserForm from '../components/NewUserForm';
import { OutboxPanel } from '../components/MailAdminPanels';
import MailSettingsSection from '../components/mail-settings/MailSettingsSection';
import ProjectsPanel from '../components/ProjectsPanel';
import ReceivedMailPanel from '../components/ReceivedMailPanel';
import SsoPanel from '../components/SsoPanel';
import UsersPanel from '../components/UsersPanel';
import { me } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

function Administration() {
  const [created, setCreated] = createSignal(0);
  return (
    <section class="stack-lg">
      <div class="page-head">
        <h1>Administration</h1>
        <A href="/admin/audit" class="button">
          Audit log
        </A>
      </div>
      <div class="admin-layout">
        <AdminToc />
        <div class="stack-lg admin-sections">
          <UsersPanel created={created()} />
          <InvitationsPanel />
          <NewUserForm onCreated={() => setCreated((n) => n + 1)} />
          <SsoPanel />
          <ProjectsPanel />
          <MailSettingsSection />
          <ReceivedMailPanel />
          <OutboxPanel />
        </div>
      </div>
    </section>
  );
}

export default function AdminPage() {
  usePageTitle(() => 'Administration');
  return (
    <Show when={me()?.isAdmin} fallback={<Navigate href="/" />}>
      <Administration />
    </Show>
  );
}
