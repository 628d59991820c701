import { createSignal, For, onCleanup, onMount } from 'solid-js';

/** The Admin page's sections, by the ids their headings already have; indented ones sit inside the one above. */
const SECTIONS: [id: string, label: string, sub?: true][] = [
  ['users-heading', 'Users'],
  ['invite-heading', 'Invite by email', true],
  ['pending-heading', 'Pending invitations', true],
  ['new-user-heading', 'New user', true],
  ['sso-heading', 'Single sign-on'],
  ['projects-heading', 'Projects'],
  ['mail-settings-heading', 'Mail settings'],
  ['mail-addresses-heading', 'Addresses', true],
  ['smtp-heading', 'Outgoing email (SMTP)', true],
  ['mailboxes-heading', 'Mailboxes (IMAP)', true],
  ['graph-mailboxes-heading', 'Mailboxes (Microsoft Graph)', true],
  ['received-heading', 'Received mail'],
  ['outbox-heading', 'Outgoing email'],
];

/** Below the sticky top bar: a heading above this line has been scrolled to. */
const READ_LINE = 96;

/** The section being read: the last heading scrolled to (the last one at the page's end). */
function currentSection(tops: [id: string, top: number | null][], atEnd: boolean, line = READ_LINE): string | null {
  const shown = tops.filter((t): t is [string, number] => t[1] !== null);
  if (atEnd) return shown.at(-1)?.[0] ?? null;
  let current = shown[0]?.[0] ?? null;
  for (const [id, top] of shown) if (top <= line) current = id;
  return current;
}

/** Takes the reader (and keyboard focus) to a section's heading, and names it in the address for a link. */
function go(id: string): boolean {
  const h = document.getElementById(id);
  if (!h) return false;
  h.tabIndex = -1;
  h.focus({ preventScroll: true });
  h.scrollIntoView({ block: 'start' });
  return true;
}

/**
 * The Admin page's table of contents: a link to each section, kept in view beside them on wide
 * screens. Anchors, not tabs: every section stays on the page (find in page, and links from the
 * README and the docs, still work).
 */
export default function AdminToc() {
  // The link of the section in view is marked (aria-current), as in docs sites: where am I on a long page.
  const [current, setCurrent] = createSignal<string | null>(null);
  let frame = 0;
  const measure = () => {
    frame = 0;
    const tops = SECTIONS.map(([id]): [string, number | null] => [id, document.getElementById(id)?.getBoundingClientRect().top ?? null]);
    const atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    setCurrent(currentSection(tops, atEnd));
  };
  const onScroll = () => (frame ||= requestAnimationFrame(measure));
  onMount(() => {
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    // Sections arrive with their data, after the page.
    const grown = new ResizeObserver(onScroll);
    grown.observe(document.body);
    onCleanup(() => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      grown.disconnect();
      cancelAnimationFrame(frame);
    });
  });
  // A link to a section (/admin#smtp-heading): its heading may arrive with its data, after the page.
  onMount(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id || go(id)) return;
    const seen = new MutationObserver(() => go(id) && seen.disconnect());
    seen.observe(document.body, { childList: true, subtree: true });
    const stop = setTimeout(() => seen.disconnect(), 10_000);
    onCleanup(() => (seen.disconnect(), clearTimeout(stop)));
  });
  return (
    <nav class="admin-toc" aria-label="Sections of this page" data-testid="admin-toc">
      <ul>
        <For each={SECTIONS}>
          {([id, label, sub]) => (
            <li classList={{ 'admin-toc-sub': !!sub }}>
              <a
                href={`#${id}`}
                aria-current={current() === id ? 'location' : undefined}
                onClick={(e) => {
                  if (!go(id)) return;
                  e.preventDefault();
                  history.replaceState(history.state, '', `#${id}`);
                }}
              >
                {label}
              </a>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
