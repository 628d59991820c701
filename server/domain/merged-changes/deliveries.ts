/**
 * The record of every call to a project's webhook: closed, ignored (and why), refused, or a
 * redelivery. Maintainers see the newest on the Service Desk page, live (`webhook.delivered`,
 * for maintainers only). A project keeps its newest KEEP deliveries.
 */
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { webhookDeliveries } from '../../../db/schema';
import { CAN } from '../../../shared/roles';
import type { CodeHost, WebhookDeliveryView } from '../../../shared/views';
import { write, type DomainCtx, type Emit } from '../core/context';

const KEEP = 500;
export const LIST_LIMIT = 20;

type Row = typeof webhookDeliveries.$inferSelect;

export interface DeliveryRecord {
  host: CodeHost | 'unknown';
  event: string;
  deliveryId: string | null;
  /** set only for a signed delivery that was acted on: a redelivery with the same key is a duplicate */
  dedupeKey?: string | null;
  outcome: WebhookDeliveryView['outcome'];
  detail: string;
  changeUrl?: string | null;
}

export function deliveryView(r: Row): WebhookDeliveryView {
  return {
    id: r.id,
    at: new Date(r.receivedAt).toISOString(),
    host: r.host,
    event: r.event,
    deliveryId: r.deliveryId,
    outcome: r.outcome,
    detail: r.detail,
    changeUrl: r.changeUrl,
  };
}

/** Stores a delivery inside the caller's transaction, tells maintainers, and drops the oldest past KEEP. */
export async function recordDeliveryTx(tx: Tx, emit: Emit, projectId: number, d: DeliveryRecord, at: number): Promise<WebhookDeliveryView> {
  const row = await tx
    .insert(webhookDeliveries)
    .values({
      projectId,
      host: d.host,
      event: d.event,
      deliveryId: d.deliveryId,
      dedupeKey: d.dedupeKey ?? null,
      outcome: d.outcome,
      detail: d.detail.slice(0, 1000),
      changeUrl: d.changeUrl ?? null,
      receivedAt: at,
    })
    .returning()
    .get();
  const oldest = await tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.projectId, projectId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(1)
    .offset(KEEP)
    .get();
  if (oldest) await tx.delete(webhookDeliveries).where(and(eq(webhookDeliveries.projectId, projectId), lte(webhookDeliveries.id, oldest.id))).run();
  const view = deliveryView(row);
  emit({ projectId, ticketId: null, minAccess: CAN.configureServiceDesk, event: { type: 'webhook.delivered', delivery: view } });
  return view;
}

export function recordDelivery(dc: DomainCtx, projectId: number, d: DeliveryRecord): Promise<WebhookDeliveryView> {
  return write(dc, (tx, emit, at) => recordDeliveryTx(tx, emit, projectId, d, at));
}

/** Was a signed delivery with this key acted on already? */
export async function deliverySeen(q: Q, projectId: number, dedupeKey: string): Promise<Row | undefined> {
  return q
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.projectId, projectId), eq(webhookDeliveries.dedupeKey, dedupeKey)))
    .get();
}

export async function listDeliveries(q: Q, projectId: number, limit = LIST_LIMIT): Promise<WebhookDeliveryView[]> {
  const rows = await q.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, projectId)).orderBy(desc(webhookDeliveries.id)).limit(limit).all();
  return rows.map(deliveryView);
}
