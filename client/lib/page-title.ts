/**
 * The browser tab's title follows the page (a ticket's number and title, the project), so a
 * team's many tabs, the history and a screen reader's page announcement say which is which.
 * Pages nest (a ticket inside its project): the innermost one that is showing names the tab.
 */
import { createEffect, createRoot, createSignal, onCleanup } from 'solid-js';

const [titles, setTitles] = createSignal<(() => string)[]>([]);
/** New tickets and replies that came while the tab was not looked at (stores/notifications.ts). */
const [unseen, setUnseen] = createSignal(0);
export { setUnseen };

/** The tab's title without the unread count. */
export function pageTitle(): string {
  const inner = titles()
    .map((t) => t())
    .reverse()
    .find(Boolean);
  return inner ? `${inner} · Threadline` : 'Threadline';
}

createRoot(() => createEffect(() => (document.title = unseen() > 0 ? `(${unseen()}) ${pageTitle()}` : pageTitle())));

/** Names the tab while the calling component shows. */
export function usePageTitle(title: () => string): void {
  setTitles((list) => [...list, title]);
  onCleanup(() => setTitles((list) => list.filter((t) => t !== title)));
}
