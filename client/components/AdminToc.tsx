import { For, onCleanup, onMount } from 'solid-js';

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
