/**
 * "Sign in with <provider>" ("with single sign-on" when no display name is set): a plain link, since the browser must go to the provider and back.
 * Beside a password form it is the secondary choice (one primary button per form, as Help Scout
 * and Front lay it out); when passwords are off it is the primary one. Until the provider's page
 * opens it says so, since finding the provider can take a few seconds — but not after a click that
 * opens it in another tab or window (ctrl, cmd, shift, middle button): this page stays.
 */
import { createSignal, onCleanup } from 'solid-js';
import type { SignInOptions } from '../../shared/views';
import { KeyIcon } from './Icons';

export default function SsoButton(props: { sso: NonNullable<SignInOptions['sso']>; next?: string | null; invitation?: string; primary?: boolean }) {
  const [leaving, setLeaving] = createSignal(false);
  // Back from the provider with the browser's Back button: the page may come from the cache as it was left.
  const reset = () => setLeaving(false);
  const leave = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    setLeaving(true);
  };
  window.addEventListener('pageshow', reset);
  onCleanup(() => window.removeEventListener('pageshow', reset));
  const label = () => {
    const named = !props.sso.unnamed;
    if (leaving()) return named ? `Opening ${props.sso.name}…` : 'Opening your sign-in provider…';
    return named ? `Sign in with ${props.sso.name}` : 'Sign in with single sign-on';
  };
  const href = () => {
    const q = new URLSearchParams();
    if (props.next) q.set('next', props.next);
    if (props.invitation) q.set('invitation', props.invitation);
    const s = q.toString();
    return `/auth/oidc/start${s ? `?${s}` : ''}`;
  };
  return (
    <a
      class={`button sso-button ${props.primary ? 'button-primary' : ''}`}
      href={href()}
      rel="external"
      data-testid="sso-button"
      aria-busy={leaving()}
      onClick={leave}
    >
      <KeyIcon />
      <span>{label()}</span>
    </a>
  );
}
