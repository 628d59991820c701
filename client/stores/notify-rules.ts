/** Which events deserve a notification (pure, unit-tested): new tickets and customer replies. */
import type { ProjectEvent } from '../../shared/events';
import { mentionsIn } from '../lib/composer-tokens';

export type NotifyMode = 'all' | 'assigned' | 'off';

export interface Notice {
  title: string;
  body: string;
  iid: number;
}

/**
 * `myMention`: the name an `@` mention of this user reads (their address's first part). A mention
 * in an internal note notifies them in every mode but off.
 */
export function noticeFor(e: ProjectEvent, mode: NotifyMode, myId: number, projectName: string, myMention = ''): Notice | null {
  if (mode === 'off') return null;
  if (e.type === 'note.created' && e.note.internal && myMention && e.note.author?.id !== myId && mentionsIn(e.note.body).includes(myMention.toLowerCase())) {
    return { title: `${e.note.author?.name ?? 'Someone'} mentioned you`, body: `#${e.ticket.iid} ${e.ticket.title}`, iid: e.ticket.iid };
  }
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
