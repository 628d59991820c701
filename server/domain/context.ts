import type { Db } from '../../db/client';
import type { EventBus } from '../events/bus';
import type { MailContext } from './mail-context';
import { appendEvent, type NewEvent, type StoredEvent, type Tx } from '../events/store';

/** What domain functions need: the database, the bus, and a clock tests can control. */
export interface DomainCtx {
  db: Db;
  bus: EventBus;
  mail: MailContext;
  now(): number;
}

export type Emit = (event: NewEvent) => StoredEvent;

/**
 * Runs `fn` in one immediate (write-locking) transaction. Events emitted inside are stored in
 * the same transaction and published only after it commits, so nobody sees an event whose
 * change could still roll back.
 */
export function write<T>(dc: DomainCtx, fn: (tx: Tx, emit: Emit, at: number) => T): T {
  const pending: StoredEvent[] = [];
  const at = dc.now();
  const result = dc.db.transaction(
    (tx) => {
      const emit: Emit = (e) => {
        const stored = appendEvent(tx, e, at);
        pending.push(stored);
        return stored;
      };
      return fn(tx, emit, at);
    },
    { behavior: 'immediate' },
  );
  for (const projectId of new Set(pending.map((e) => e.projectId))) dc.bus.publish(projectId);
  return result;
}
