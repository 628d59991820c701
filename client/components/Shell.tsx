/**
 * The frame around every page, and the sign-in gate: until the session is known nothing renders;
 * without one, every page but sign-in and setup sends the user there (and back afterwards).
 */
import { Navigate, useLocation, type RouteSectionProps } from '@solidjs/router';
import { createResource, Match, Switch } from 'solid-js';
import { errorMessage } from '../lib/errors';
import { loadSession, me, needsSetup } from '../stores/session';
import TopBar from './TopBar';
import Toasts from './Toasts';
import UndoStatus from './UndoStatus';
import ShortcutsHelp from './ShortcutsHelp';

/** Pages for signed-out people; a signed-in visitor is sent on. */
const PUBLIC_PATHS = ['/login', '/setup', '/forgot-password'];
/** Pages a link in an email opens: they work signed in or not. */
const LINK_PREFIXES = ['/invite/', '/reset-password/', '/confirm-email/'];

export default function Shell(props: RouteSectionProps) {
  const location = useLocation();
  const [session, { refetch }] = createResource(loadSession);
  const isPublic = () => PUBLIC_PATHS.includes(location.pathname);
  const isLink = () => LINK_PREFIXES.some((p) => location.pathname.startsWith(p));
  const here = () => `${location.pathname}${location.search}`;
  const next = () => new URLSearchParams(location.search).get('next');
  const afterSignIn = () => {
    const target = next();
    return target?.startsWith('/') && !target.startsWith('//') ? target : '/';
  };

  return (
    <>
      {/* The first stop for the keyboard: past the top bar's links and menus, to the page itself. */}
      <a
        class="skip-link"
        href="#main"
        data-testid="skip-link"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <TopBar />
      <Toasts />
      <UndoStatus />
      <ShortcutsHelp />
      <main id="main" class="page" tabindex="-1">
        <Switch>
          <Match when={session.error}>
            <div class="notice notice-error" role="alert">
              <p>Cannot reach Threadline: {errorMessage(session.error)}</p>
              <button type="button" class="button" onClick={() => void refetch()}>
                Try again
              </button>
            </div>
          </Match>
          <Match when={me() === undefined}>
            <p class="muted">Loading…</p>
          </Match>
          <Match when={isLink()}>{props.children}</Match>
          <Match when={me() === null && needsSetup() && location.pathname !== '/setup'}>
            <Navigate href="/setup" />
          </Match>
          <Match when={me() === null && !needsSetup() && location.pathname === '/setup'}>
            <Navigate href="/login" />
          </Match>
          <Match when={me() === null && !isPublic()}>
            <Navigate href={here() === '/' ? '/login' : `/login?next=${encodeURIComponent(here())}`} />
          </Match>
          <Match when={me() && isPublic()}>
            <Navigate href={afterSignIn()} />
          </Match>
          <Match when={true}>{props.children}</Match>
        </Switch>
      </main>
    </>
  );
}
