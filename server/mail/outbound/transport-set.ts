/**
 * The transport the outbox worker sends through, changed without a restart: the instance's
 * (swapped when the SMTP settings change) and, per project, the SMTP server given with its custom
 * support address. A replaced transport is closed once the sends it started have finished.
 */
import { log } from '../../log';
import type { SendResult, Transport } from './transport';

interface Slot {
  transport: Transport;
  /** what it was built from: an unchanged setting keeps its (pooled) transport */
  fingerprint: string;
  inFlight: number;
  retired: boolean;
}

function slot(transport: Transport, fingerprint: string): Slot {
  return { transport, fingerprint, inFlight: 0, retired: false };
}

async function retire(s: Slot): Promise<void> {
  s.retired = true;
  if (s.inFlight === 0) await s.transport.close().catch((err: unknown) => log.warn('closing a mail transport failed', { err }));
}

export interface TransportSet extends Transport {
  /** the instance transport's description (folder, smtp host:port) */
  describe(): string;
  /** Sets the instance transport; `make` runs only when `fingerprint` differs from the current one. */
  setInstance(fingerprint: string, make: () => Transport): Promise<void>;
  /** Sets the projects' own transports (project id → fingerprint and maker); others are closed. */
  setCustom(wanted: Map<number, { fingerprint: string; make(): Transport }>): Promise<void>;
}

export function createTransportSet(initial: Transport, initialFingerprint: string): TransportSet {
  let instance = slot(initial, initialFingerprint);
  const custom = new Map<number, Slot>();

  async function sendOn(s: Slot, raw: Buffer, envelope: Parameters<Transport['send']>[1], hint: Parameters<Transport['send']>[2]): Promise<SendResult> {
    s.inFlight++;
    try {
      return await s.transport.send(raw, envelope, hint);
    } finally {
      s.inFlight--;
      if (s.retired && s.inFlight === 0) await s.transport.close().catch(() => undefined);
    }
  }

  return {
    get name() {
      return instance.transport.name;
    },
    describe: () => instance.transport.name,
    send(raw, envelope, hint) {
      const projectId = /^custom:(\d+)$/.exec(hint.via ?? '')?.[1];
      const own = projectId ? custom.get(Number(projectId)) : undefined;
      return sendOn(own ?? instance, raw, envelope, hint);
    },
    async setInstance(fingerprint, make) {
      if (fingerprint === instance.fingerprint) return;
      const old = instance;
      instance = slot(make(), fingerprint);
      log.info('outgoing mail transport changed', { transport: instance.transport.name });
      await retire(old);
    },
    async setCustom(wanted) {
      for (const [projectId, s] of custom) {
        if (wanted.get(projectId)?.fingerprint === s.fingerprint) continue;
        custom.delete(projectId);
        await retire(s);
      }
      for (const [projectId, w] of wanted) if (!custom.has(projectId)) custom.set(projectId, slot(w.make(), w.fingerprint));
    },
    async close() {
      await retire(instance);
      for (const s of custom.values()) await retire(s);
      custom.clear();
    },
  };
}
