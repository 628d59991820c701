import { A, Navigate } from '@solidjs/router';
import { Show } from 'solid-js';
import AuditLog from '../components/AuditLog';
import { api } from '../lib/trpc';
import { me } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

/** The instance's audit log (administrators). */
export default function AuditPage() {
  usePageTitle(() => 'Audit log');
  return (
    <Show when={me()?.isAdmin} fallback={<Navigate href="/" />}>
      <section class="stack-lg">
        <div class="page-head">
          <p class="crumbs">
            <A href="/admin">Administration</A>
          </p>
          <h1>Audit log</h1>
        </div>
        <AuditLog showProject load={(beforeId) => api.audit.instance.query({ beforeId, limit: 50 })} />
      </section>
    </Show>
  );
}
