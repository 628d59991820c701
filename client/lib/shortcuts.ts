/**
 * Keyboard shortcuts (GitLab/Gmail style), acting on what is on screen: j/k move through the
 * queue, o opens, r replies, n writes an internal note, a assigns to me, e closes or reopens,
 * / searches, ? shows the list. Ignored while typing in a field.
 */
import { parseProjectRoute } from './project-route';
import { api } from './trpc';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous ticket in the queue'],
  ['o or Enter', 'Open the selected ticket'],
  ['r', 'Reply to the customer'],
  ['n', 'Write an internal note'],
  ['a', 'Assign the ticket to me'],
  ['e', 'Close or reopen the ticket'],
  ['/', 'Search the queue'],
  ['?', 'Show these shortcuts'],
];

let selected = -1;

function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="ticket-row"]')];
}

function select(i: number): void {
  const list = rows();
  if (list.length === 0) return;
  selected = Math.max(0, Math.min(list.length - 1, i));
  list.forEach((r, n) => r.classList.toggle('ticket-row-selected', n === selected));
  list[selected]?.scrollIntoView({ block: 'nearest' });
}

function composer(internal: boolean): void {
  const box = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]');
  const toggle = document.querySelector<HTMLInputElement>('[data-testid="composer-internal"]');
  if (!box) return;
  if (toggle && toggle.checked !== internal) toggle.click();
  box.focus();
}

async function assignToMe(myId: number): Promise<void> {
  const m = /^\/p\/(.+)$/.exec(location.pathname);
  const route = m?.[1] ? parseProjectRoute(decodeURI(m[1])) : null;
  if (route?.page !== 'ticket') return;
  await api.tickets.update.mutate({ projectPath: route.projectPath, iid: route.iid, assigneeId: myId }).catch(() => undefined);
}

export function installShortcuts(opts: { myId: () => number | null; toggleHelp: () => void }): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const click = (testId: string) => document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.click();
    switch (e.key) {
      case 'j':
        select(selected + 1);
        break;
      case 'k':
        select(selected - 1);
        break;
      case 'o':
      case 'Enter': {
        const row = rows()[selected];
        if (!row) return;
        row.querySelector<HTMLAnchorElement>('a')?.click();
        break;
      }
      case 'r':
        composer(false);
        break;
      case 'n':
        composer(true);
        break;
      case 'a': {
        const id = opts.myId();
        if (id !== null) void assignToMe(id);
        break;
      }
      case 'e':
        click('toggle-state');
        break;
      case '/':
        document.querySelector<HTMLInputElement>('#queue-search')?.focus();
        break;
      case '?':
        opts.toggleHelp();
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
