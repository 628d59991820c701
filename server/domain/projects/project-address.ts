/** The address customers write to, per project (SPEC §1: verified custom, else alias, else incoming). */
import { asc, eq } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { projects, serviceDeskSettings } from '../../../db/schema';
import { fullPathSlug, projectKey, type AddressBook } from '../../mail/addresses';

export function projectAddress(
  book: AddressBook,
  project: { id: number; path: string },
  settings: { projectKey: string | null } | undefined,
): string {
  return book.customFor(project.id) ?? serviceDeskAddress(book, project, settings);
}

/** The project's address at Threadline (alias, else incoming): where its custom address forwards to. */
export function serviceDeskAddress(book: AddressBook, project: { id: number; path: string }, settings: { projectKey: string | null } | undefined): string {
  const alias = settings?.projectKey ? book.aliasFor(`${fullPathSlug(project.path)}-${settings.projectKey}`) : null;
  return alias ?? book.incomingFor(projectKey(project));
}

export async function listProjectAddresses(q: Q, book: AddressBook): Promise<{ path: string; address: string; enabled: boolean }[]> {
  const rows = await q
    .select({ project: projects, settings: serviceDeskSettings })
    .from(projects)
    .leftJoin(serviceDeskSettings, eq(serviceDeskSettings.projectId, projects.id))
    .orderBy(asc(projects.path))
    .limit(1000)
    .all();
  return rows.map(({ project, settings }) => ({
    path: project.path,
    address: projectAddress(book, project, settings ?? undefined),
    enabled: settings?.enabled ?? true,
  }));
}
