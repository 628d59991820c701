/**
 * The four ways a viewer loses access while their live streams are open, made by an admin's
 * session, for the live-access tests (live-access-now, live-access-order).
 */
import type { ProjectEventEnvelope } from '../../shared/events';
import type { Session } from './test-app';

export function accessChanges(projectPath: string, admin: () => Session): Record<string, (email: string, viewer: Session) => Promise<unknown>> {
  return {
    removed: (email) => admin().trpc.members.remove.mutate({ projectPath, email }),
    'lowered to guest': (email) => admin().trpc.members.set.mutate({ projectPath, email, role: 'guest' }),
    deactivated: async (email) => admin().trpc.users.deactivate.mutate({ userId: (await admin().trpc.users.list.query({ search: email }))[0]?.id as number }),
    'signed out': (_email, viewer) => viewer.trpc.auth.logout.mutate(),
  };
}

/** The bodies of the notes among the events a stream delivered. */
export function noteBodies(items: { data: ProjectEventEnvelope }[]): string[] {
  return items.flatMap((i) => (i.data.event.type === 'note.created' ? [i.data.event.note.body] : []));
}
