/** Service Desk settings per project (SPEC §7) and the address customers write to. */
import { and, eq, ne } from 'drizzle-orm';
import { projects, serviceDeskSettings } from '../../db/schema';
import { AppError } from '../../shared/errors';
import type { ProjectAccess } from './access';
import type { DomainCtx } from './context';
import { fullPathSlug, projectKey, type AddressBook } from '../mail/addresses';
import { projectAddress } from '../mail/project-address';

export type Settings = typeof serviceDeskSettings.$inferSelect;

export interface ServiceDeskView {
  address: string;
  /** the always-working `<slug>-<id>-issue-` address */
  incomingAddress: string;
  aliasAddress: string | null;
  enabled: boolean;
  issueTemplateKey: string | null;
  outgoingName: string;
  projectKey: string | null;
  confidentialByDefault: boolean;
  reopenOnExternalNote: boolean;
  addCcParticipants: boolean;
  sendThankYou: boolean;
}

export function readSettings(dc: DomainCtx, projectId: number): Settings {
  const row = dc.db.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, projectId)).get();
  if (row) return row;
  return dc.db.insert(serviceDeskSettings).values({ projectId, updatedAt: dc.now() }).onConflictDoNothing().returning().get()
    ?? (dc.db.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, projectId)).get() as Settings);
}

export function serviceDeskView(book: AddressBook, project: { id: number; path: string }, s: Settings): ServiceDeskView {
  return {
    address: projectAddress(book, project, s),
    incomingAddress: book.incomingFor(projectKey(project)),
    aliasAddress: s.projectKey ? book.aliasFor(`${fullPathSlug(project.path)}-${s.projectKey}`) : null,
    enabled: s.enabled,
    issueTemplateKey: s.issueTemplateKey,
    outgoingName: s.outgoingName ?? 'Support Bot',
    projectKey: s.projectKey,
    confidentialByDefault: s.confidentialByDefault,
    reopenOnExternalNote: s.reopenOnExternalNote,
    addCcParticipants: s.addCcParticipants,
    sendThankYou: s.sendThankYou,
  };
}

export function updateSettings(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: Partial<Omit<Settings, 'projectId' | 'updatedAt'>>,
): Settings {
  readSettings(dc, pa.project.id);
  return dc.db.transaction(
    (tx) => {
      if (input.projectKey) {
        // slug+suffix must be unique across projects: it is the alias address
        const mine = `${fullPathSlug(pa.project.path)}-${input.projectKey}`;
        const others = tx
          .select({ path: projects.path, key: serviceDeskSettings.projectKey })
          .from(serviceDeskSettings)
          .innerJoin(projects, eq(projects.id, serviceDeskSettings.projectId))
          .where(and(ne(serviceDeskSettings.projectId, pa.project.id)))
          .all();
        if (others.some((o) => o.key && `${fullPathSlug(o.path)}-${o.key}` === mine)) throw new AppError('PROJECT_KEY_TAKEN');
      }
      const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      return tx
        .update(serviceDeskSettings)
        .set({ ...set, updatedAt: dc.now() })
        .where(eq(serviceDeskSettings.projectId, pa.project.id))
        .returning()
        .get();
    },
    { behavior: 'immediate' },
  );
}
