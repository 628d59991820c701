import type { Db, Tx } from '../../../db/client';
import type { EventBus } from '../../events/bus';
import type { MailContext } from './mail-context';
import type { SecretBox } from './secret-box';
import { appendEvents, type NewEvent } from '../../events/store';

export type { Tx } from '../../../db/client';

/** What domain functions need: the database, the bus, and a clock tests can control. */
export interface DomainCtx {
  db: Db;
  bus: EventBus;
  /**
   * Addresses and words of customer email. Replaced as a whole when the mail settings change
   * (domain/mail-setup), so read it where it is used rather than keeping it.
   */
  mail: MailContext;
  /** seals stored passwords and signs customer links */
  secrets: SecretBox;
  /** this node's reactions to a mail settings change committed here (see mail-setup/signal.ts) */
  mailSettingsListeners: Set<() => void>;
  now(): number;
  /** this node's name (leases, event origin) */
  node: string;
}

/** Records an event of the current transaction; it is stored when the transaction ends. */
export type Emit = (event: NewEvent) => void;

/**
 * Runs `fn` in one write transaction. Events emitted inside are stored in the same transaction
 * and published only after it commits, so nobody sees an event whose change could still roll
 * back. Keep slow work (rendering, network) out of `fn`: it holds the write lock.
 */
export async function write<T>(dc: DomainCtx, fn: (tx: Tx, emit: Emit, at: number) => Promise<T>): Promise<T> {
  const at = dc.now();
  let projects: number[] = [];
  const result = await dc.db.write(async (tx) => {
    const pending: NewEvent[] = [];
    const value = await fn(tx, (e) => void pending.push(e), at);
    await appendEvents(dc.db, tx, pending, at, dc.node);
    projects = [...new Set(pending.map((e) => e.projectId))];
    return value;
  });
  for (const projectId of projects) dc.bus.publish(projectId);
  return result;
}
