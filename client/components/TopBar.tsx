import { A, useNavigate } from '@solidjs/router';
import { Show } from 'solid-js';
import { logout, me } from '../stores/session';
import ConnectionIndicator from './ConnectionIndicator';
import NotifyMenu from './NotifyMenu';

export default function TopBar() {
  const navigate = useNavigate();
  async function signOut() {
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  }
  return (
    <header class="topbar">
      <nav class="topbar-inner" aria-label="Main">
        <A href="/" class="brand" end>
          Threadline
        </A>
        <Show when={me()}>
          {(user) => (
            <div class="topbar-right">
              <ConnectionIndicator />
              <NotifyMenu />
              <A href="/queue" class="topbar-link" data-testid="all-queue-link">
                All my tickets
              </A>
              <Show when={user().isAdmin}>
                <A href="/admin" class="topbar-link">
                  Admin
                </A>
              </Show>
              <A href="/profile" class="topbar-user topbar-link" title={`${user().email}: my profile`} data-testid="profile-link">
                {user().name}
              </A>
              <button type="button" class="button button-quiet" onClick={() => void signOut()}>
                Sign out
              </button>
            </div>
          )}
        </Show>
      </nav>
    </header>
  );
}
