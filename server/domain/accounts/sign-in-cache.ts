/**
 * What the sign-in page offers (`auth.status`, see sso.ts `currentSignInOptions`) is in every
 * page, signed out too, so crawlers and scanners ask it with every request, unknown paths
 * included. It is kept per node for a few seconds and shared by the requests that arrive
 * meanwhile, so anonymous traffic costs no database work. A change made on this node (sign-in
 * settings saved, first account created) forgets it at once; one made on another node is seen
 * within `SIGN_IN_OPTIONS_TTL_MS`.
 */
import type { SignInOptions } from '../../../shared/views';
import type { DomainCtx } from '../core/context';

export const SIGN_IN_OPTIONS_TTL_MS = 5_000;

interface Kept {
  until: number;
  options: Promise<SignInOptions>;
}

const kept = new WeakMap<DomainCtx, Kept>();

export function keptSignInOptions(dc: DomainCtx, load: () => Promise<SignInOptions>): Promise<SignInOptions> {
  const now = dc.now();
  const found = kept.get(dc);
  if (found && found.until > now) return found.options;
  const entry: Kept = { until: now + SIGN_IN_OPTIONS_TTL_MS, options: load() };
  kept.set(dc, entry);
  // A failed read is not kept: the next request asks again.
  entry.options.catch(() => {
    if (kept.get(dc) === entry) kept.delete(dc);
  });
  return entry.options;
}

/** This node changed what the sign-in page offers: the next request reads it again. */
export function forgetSignInOptions(dc: DomainCtx): void {
  kept.delete(dc);
}
