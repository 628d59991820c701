/** Which events deserve a notification (pure, unit-tested): new tickets and customer replies. */
import type { ProjectEvent } from '../../shared/events';

export type NotifyMode = 'all' | 'assigned' | 'off';

export interface Notice {
  title: string;
  body: string;
  iid: number;
}

export function noticeFor(e: ProjectEvent, mode: NotifyMode, myId: number, projectName: string): Notice | null {
  if (mode === 'off') return null;
  if (e.type === 'ticket.created') {
    // Tickets are unassigned when they arrive: "assigned to me" only hears about replies.
    if (mode === 'assigned' && e.ticket.assignee?.id !== myId) return null;
    return { title: `New ticket in ${projectName}`, body: `#${e.ticket.iid} ${e.ticket.title}`, iid: e.ticket.iid };
  }
  // A snooze ran out: the assignee hears of it (everyone in "all" mode when nobody is assigned).
  if (e.type === 'ticket.updated' && e.cause === 'snooze_ended') {
    const mine = e.ticket.assignee?.id === myId;
    if (!mine && (e.ticket.assignee || mode !== 'all')) return null;
    return { title: 'Snooze ended', body: `#${e.ticket.iid} ${e.ticket.title} is open again`, iid: e.ticket.iid };
  }
  if (e.type === 'note.created' && e.note.externalAuthor && !e.note.internal && !e.note.system) {
    if (mode === 'assigned' && e.ticket.assignee?.id !== myId) return null;
    return { title: `${e.note.externalAuthorName ? `${e.note.externalAuthorName} (${e.note.externalAuthor})` : e.note.externalAuthor} replied`, body: `#${e.ticket.iid} ${e.ticket.title}`, iid: e.ticket.iid };
  }
  return null;
}
