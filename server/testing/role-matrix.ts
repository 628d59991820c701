/**
 * The role matrix's cast and verdicts (SPEC §5), shared by server/trpc/roles.test.ts and
 * roles-coverage.test.ts: one user per project role, one outsider (a member of no project) and
 * an instance admin; what each gets from a call, and what each should get.
 */
import type { Role } from '../../shared/roles';
import { outcome, type Session } from './test-app';

export const ROLE_USERS = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const satisfies readonly Role[];
export type Who = (typeof ROLE_USERS)[number] | 'outsider' | 'admin';
export const EVERYONE: Who[] = ['outsider', ...ROLE_USERS, 'admin'];

/** Runs `call` as each of `sessions` and returns role → outcome ('OK' or the tRPC error code). */
export async function roleOutcomes(sessions: Record<Who, Session>, call: (who: Session) => Promise<unknown>): Promise<Record<Who, string>> {
  const out = {} as Record<Who, string>;
  for (const who of EVERYONE) out[who] = await outcome(call(sessions[who]));
  return out;
}

/** Expected outcomes when `min` is the lowest role allowed; outsiders never learn the project exists. */
export function expected(min: Who): Record<Who, string> {
  const order: Who[] = ['guest', 'reporter', 'developer', 'maintainer', 'owner', 'admin'];
  const out = { outsider: 'NOT_FOUND' } as Record<Who, string>;
  for (const who of order) out[who] = order.indexOf(who) >= order.indexOf(min) ? 'OK' : 'FORBIDDEN';
  return out;
}

export function adminOnly(): Record<Who, string> {
  const out = {} as Record<Who, string>;
  for (const who of EVERYONE) out[who] = who === 'admin' ? 'OK' : 'FORBIDDEN';
  return out;
}
