/**
 * Pages that follow nothing live (a ticket or project this user cannot see) would not hear that
 * their access came back: they ask again when the user returns to the tab. Only these error pages
 * do it, so it costs no subscription per viewer.
 */
import { onCleanup } from 'solid-js';

export default function RecheckOnReturn(props: { run(): void }) {
  const back = () => document.visibilityState === 'visible' && props.run();
  window.addEventListener('focus', back);
  document.addEventListener('visibilitychange', back);
  onCleanup(() => {
    window.removeEventListener('focus', back);
    document.removeEventListener('visibilitychange', back);
  });
  return null;
}
