import { outbox } from '../../../db/schema';
import type { Tx } from '../../events/store';
import type { OutboundSpec } from './spec';

export type OutboundKind = 'thank_you' | 'new_note' | 'new_participant' | 'rejection';

/** Queues an email inside the caller's transaction: it is sent only if the change commits. */
export function queueEmail(
  tx: Tx,
  e: { kind: OutboundKind; projectId: number | null; ticketId: number | null; spec: OutboundSpec },
  at: number,
): number {
  return tx
    .insert(outbox)
    .values({
      kind: e.kind,
      projectId: e.projectId,
      ticketId: e.ticketId,
      toAddress: e.spec.to,
      fromAddress: e.spec.from.address,
      subject: e.spec.subject,
      messageId: e.spec.messageId,
      spec: e.spec,
      nextAttemptAt: at,
      createdAt: at,
    })
    .returning({ id: outbox.id })
    .get().id;
}
