/** Service Desk settings per project (SPEC §7) and the address customers write to. */
import { and, eq, ne } from 'drizzle-orm';
import { serviceDeskSettings } from '../../../db/schema';
import { AppError, ERRORS } from '../../../shared/errors';
import type { Q } from '../../../db/client';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { fullPathSlug, projectKey, type AddressBook } from '../../mail/addresses';
import { projectAddress, serviceDeskAddress } from './project-address';

export type Settings = typeof serviceDeskSettings.$inferSelect;

export interface ServiceDeskView {
  /** the address customers write to: the verified custom address, else the alias, else the incoming one */
  address: string;
  /** the project's address at Threadline (where a custom address forwards to) */
  serviceDeskAddress: string;
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
  /** email the customer when a merged change closes their ticket (the "resolved" template) */
  sendResolved: boolean;
}

/** A project's settings; a project that has none yet (made before settings existed) gets the defaults stored. */
export async function readSettings(dc: DomainCtx, projectId: number): Promise<Settings> {
  const row = await dc.db.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, projectId)).get();
  if (row) return row;
  return dc.db.write(async (tx) => {
    const created = await tx.insert(serviceDeskSettings).values({ projectId, updatedAt: dc.now() }).onConflictDoNothing().returning().get();
    return created ?? ((await tx.select().from(serviceDeskSettings).where(eq(serviceDeskSettings.projectId, projectId)).get()) as Settings);
  });
}

/**
 * The From name of customer email when the project set none: its name with "Support" (GitLab says
 * "Support Bot") — once: a project called "Acme Support" signs as that, not "Acme Support Support".
 */
export function defaultOutgoingName(project: { name: string }): string {
  const name = project.name.trim();
  return /\bsupport$/i.test(name) ? name : `${name} Support`;
}

export function serviceDeskView(book: AddressBook, project: { id: number; path: string; name: string }, s: Settings): ServiceDeskView {
  return {
    address: projectAddress(book, project, s),
    serviceDeskAddress: serviceDeskAddress(book, project, s),
    incomingAddress: book.incomingFor(projectKey(project)),
    aliasAddress: s.projectKey ? book.aliasFor(`${fullPathSlug(project.path)}-${s.projectKey}`) : null,
    enabled: s.enabled,
    issueTemplateKey: s.issueTemplateKey,
    outgoingName: s.outgoingName ?? defaultOutgoingName(project),
    projectKey: s.projectKey,
    confidentialByDefault: s.confidentialByDefault,
    reopenOnExternalNote: s.reopenOnExternalNote,
    addCcParticipants: s.addCcParticipants,
    sendThankYou: s.sendThankYou,
    sendResolved: s.sendResolved,
  };
}

/**
 * slug+suffix must be unique across projects, since it is the alias address; the database keeps
 * keys unique outright (sd_settings_project_key_unique), which implies it, so that is the check.
 */
export async function projectKeyTaken(q: Q, project: { id: number }, key: string): Promise<boolean> {
  const row = await q
    .select({ id: serviceDeskSettings.projectId })
    .from(serviceDeskSettings)
    .where(and(ne(serviceDeskSettings.projectId, project.id), eq(serviceDeskSettings.projectKey, key)))
    .get();
  return !!row;
}

export interface ProjectKeyCheck {
  ok: boolean;
  /** why the key cannot be used, as a sentence */
  message: string | null;
  /** the address customers would write to with this key */
  address: string | null;
}

/** What the settings form shows as the maintainer types a project key. */
export async function checkProjectKey(dc: DomainCtx, book: AddressBook, project: { id: number; path: string }, key: string): Promise<ProjectKeyCheck> {
  if (!key) return { ok: true, message: null, address: serviceDeskAddress(book, project, { projectKey: null }) };
  if (!book.aliasFor('x')) {
    return { ok: false, message: 'Project keys need the alias address: set SERVICE_DESK_EMAIL on the server first.', address: null };
  }
  if (await projectKeyTaken(dc.db, project, key)) return { ok: false, message: ERRORS.PROJECT_KEY_TAKEN.message, address: null };
  return { ok: true, message: null, address: serviceDeskAddress(book, project, { projectKey: key }) };
}

export async function updateSettings(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: Partial<Omit<Settings, 'projectId' | 'updatedAt'>>,
  actor?: Actor,
): Promise<Settings> {
  await readSettings(dc, pa.project.id);
  return dc.db.write(async (tx) => {
    if (input.projectKey && (await projectKeyTaken(tx, pa.project, input.projectKey))) throw new AppError('PROJECT_KEY_TAKEN');
    const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const at = dc.now();
    const saved = await tx
      .update(serviceDeskSettings)
      .set({ ...set, updatedAt: at })
      .where(eq(serviceDeskSettings.projectId, pa.project.id))
      .returning()
      .get();
    if (actor) await recordAudit(tx, actor, { projectId: pa.project.id, action: 'service_desk.settings_changed', detail: set }, at);
    return saved;
  });
}
