/**
 * Instant notification of new tickets and customer replies in every project the user answers
 * for: an in-app toast, a browser Notification once allowed, and the unread count in the tab
 * title. The mode (all / assigned to me / off) is the user's, kept on the server (My profile).
 */
import { createEffect, createRoot, createSignal, on } from 'solid-js';
import { setUnseen } from '../lib/page-title';
import { CAN } from '../../shared/roles';
import { api } from '../lib/trpc';
import { accessChanged, followProject } from './live';
import { noticeFor, type Notice, type NotifyMode } from './notify-rules';
import { mentionName } from '../lib/composer-tokens';

export interface Toast extends Notice {
  id: number;
  href: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
const [unread, setUnread] = createSignal(0);
const [mode, setModeSignal] = createSignal<NotifyMode>('all');
export { toasts, unread, mode };

let stops: (() => void)[] = [];
let toastId = 0;
let userId = 0;
let myMention = '';

function storageKey(): string {
  return `threadline.notify.${userId}`;
}

createRoot(() => createEffect(() => setUnseen(unread())));

function clearUnread(): void {
  if (document.visibilityState === 'visible' && document.hasFocus()) {
    setUnread(0);
  }
}

export function setMode(m: NotifyMode): void {
  setModeSignal(m);
  localStorage.setItem(storageKey(), m);
  void api.profile.update.mutate({ notifyMode: m }).catch(() => undefined);
  if (m !== 'off' && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}

export function dismiss(id: number): void {
  setToasts((list) => list.filter((t) => t.id !== id));
}

function toast(n: Notice, href: string): void {
  const t = { ...n, id: ++toastId, href };
  setToasts((list) => [...list.slice(-3), t]);
  setTimeout(() => dismiss(t.id), 8000);
}

/** Something the user did from the keyboard did not happen: said where toasts are, linking the ticket. */
export function sayFailed(title: string, body: string, projectPath: string, iid: number): void {
  toast({ title, body, iid }, `/p/${projectPath}/-/tickets/${iid}`);
}

function show(n: Notice, projectPath: string): void {
  const href = `/p/${projectPath}/-/tickets/${n.iid}`;
  toast(n, href);
  if (document.visibilityState !== 'visible' || !document.hasFocus()) {
    setUnread((u) => u + 1);
    if ('Notification' in window && Notification.permission === 'granted') {
      const bn = new Notification(n.title, { body: n.body, tag: `${projectPath}#${n.iid}` });
      bn.onclick = () => {
        window.focus();
        location.assign(href);
      };
    }
  }
}

let starts = 0;
type Me = { id: number; email: string; notifyMode: NotifyMode };
let following: Me | null = null;

// A role changed in some project (raised to responder, or lowered): follow the projects as they are now.
createRoot(() =>
  createEffect(
    on(
      accessChanged,
      () => {
        if (following) void startNotifications(following);
      },
      { defer: true },
    ),
  ),
);

/** After sign-in: follow every project this user answers for. */
export async function startNotifications(me: Me): Promise<void> {
  stopNotifications();
  const start = starts;
  following = me;
  userId = me.id;
  myMention = mentionName(me.email);
  setModeSignal(me.notifyMode);
  window.addEventListener('focus', clearUnread);
  document.addEventListener('visibilitychange', clearUnread);
  const projects = (await api.projects.list.query()).filter((p) => p.access >= CAN.respond && p.role !== null);
  for (const p of projects) {
    const { lastEventId } = await api.tickets.list.query({ projectPath: p.path, limit: 1 });
    // Stopped or started again meanwhile (signed out, or a role changed): not this start's to follow.
    if (start !== starts) return;
    stops.push(
      followProject(p.path, Number(lastEventId), ({ event }) => {
        const n = noticeFor(event, mode(), userId, p.name, myMention);
        if (n) show(n, p.path);
      }, () => undefined),
    );
  }
}

export function stopNotifications(): void {
  starts++;
  following = null;
  for (const s of stops) s();
  stops = [];
  window.removeEventListener('focus', clearUnread);
  document.removeEventListener('visibilitychange', clearUnread);
  setToasts([]);
  setUnread(0);
}
