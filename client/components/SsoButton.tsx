/** "Sign in with <provider>": a plain link, since the browser must go to the provider and back. */
export default function SsoButton(props: { name: string; next?: string | null; invitation?: string }) {
  const href = () => {
    const q = new URLSearchParams();
    if (props.next) q.set('next', props.next);
    if (props.invitation) q.set('invitation', props.invitation);
    const s = q.toString();
    return `/auth/oidc/start${s ? `?${s}` : ''}`;
  };
  return (
    <a class="button button-primary sso-button" href={href()} rel="external" data-testid="sso-button">
      Sign in with {props.name}
    </a>
  );
}
