/**
 * The `clientState` secret a Graph subscription carries, derived from the instance key and the
 * mailbox name: every node computes the same one (whichever node Graph's notification reaches),
 * nothing is stored, and a new SECRET_KEY invalidates old subscriptions' notifications.
 */
import type { DomainCtx } from '../../../domain/core/context';

const purpose = (name: string) => `graph client state ${name}`;

export function graphClientState(dc: DomainCtx, name: string): string {
  return dc.secrets.sign(purpose(name));
}

/** Constant-time comparison (SecretBox.verify). */
export function graphClientStateMatches(dc: DomainCtx, name: string, candidate: string): boolean {
  return candidate.length <= 255 && dc.secrets.verify(purpose(name), candidate);
}

/** Where Graph posts this mailbox's notifications. */
export function graphNotificationUrl(publicUrl: string, name: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/graph/notifications/${encodeURIComponent(name)}`;
}
