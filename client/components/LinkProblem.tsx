import { A } from '@solidjs/router';
import type { JSX } from 'solid-js';

/** The page an expired, used or unknown link shows, with the way to ask again. */
export default function LinkProblem(props: { state: 'expired' | 'used' | 'invalid'; what: string; children: JSX.Element }) {
  const title = () =>
    props.state === 'expired' ? `This ${props.what} link has expired` : props.state === 'used' ? `This ${props.what} link has already been used` : `This ${props.what} link is not valid`;
  return (
    <section class="auth-card" data-testid="link-problem" data-state={props.state}>
      <h1>{title()}</h1>
      <p class="muted">Links in our emails work once and only for a while; a newer link replaces an older one.</p>
      {props.children}
      <A href="/login" class="quiet-link">
        Go to sign in
      </A>
    </section>
  );
}
