/** Builds the application from config: database, bus, HTTP+WebSocket server. */
import { holdLease, nodeLeaseName } from './domain/core/leases';
import type { Config } from './config';
import type { DomainCtx } from './domain/core/context';
import { purgeExpiredSessions } from './domain/accounts/sessions';
import { createDomain } from './domain-context';
import { EVENTS_CHANNEL } from './events/store';
import { viewerAccessBoard } from './events/viewer-access';
import { createPresenceHub, createPresenceRelay } from './events/presence';
import { createEventFeed } from './events/feed';
import { createAppServer, type AppServer } from './http';
import { CLIENT_DIR } from './paths';
import { createAttachmentStore } from './files/attachment-store';
import { startMail, type MailRuntime } from './mail/runtime';
import { closeRenderPool, warmRenderPool } from './render';
import { startRenderBackfill } from './domain/notes/render-backfill';
import { startSnoozeWaker } from './domain/tickets/snooze';
import { startSearchIndexer } from './domain/tickets/search-indexer';
import { log } from './log';
import { noStorageWatch, watchStorage } from './storage-health';

export { createDomain };

/**
 * Wakes this node's subscribers for commits made elsewhere: other nodes (PostgreSQL NOTIFY,
 * sent inside the committing transaction) or other processes on the SQLite file.
 */
export function listenForCommits(dc: DomainCtx): () => void {
  return dc.db.listen(EVENTS_CHANNEL, (payload) => {
    // Another process committed (SQLite), or notifications were lost (PostgreSQL). Changes of
    // access are events too (access-signal.ts), so the streams meet them in order: nothing else to do.
    if (!payload) return dc.bus.publishAll();
    try {
      const { o, p, all } = JSON.parse(payload) as { o: string; p: number[]; all?: boolean };
      if (o === dc.node) return; // our own commit woke the bus already
      if (all) return dc.bus.publishAll();
      for (const projectId of p) dc.bus.publish(projectId);
    } catch {
      dc.bus.publishAll();
    }
  });
}

export interface RunningApp {
  dc: DomainCtx;
  http: AppServer;
  mail: MailRuntime;
  /** the public URL (PUBLIC_URL, or derived from HOST and the real port) */
  url: string;
  /** where this process actually listens */
  localUrl: string;
  stop(): Promise<void>;
}

export async function startApp(config: Config): Promise<RunningApp> {
  const dc = await createDomain(config);
  // "This node is alive": work it claimed (outbox emails) is taken over soon after it dies.
  const alive = holdLease(dc, nodeLeaseName(dc.node), { ttlMs: 10_000, onAcquire() {}, onLose() {} });
  const stopListening = listenForCommits(dc);
  // Started early: its first lease write is done by the time the node serves.
  const stopSnoozeWaker = startSnoozeWaker(dc);
  // Disk full or DATA_DIR read-only: /healthz says so, and SMTP refuses mail before it is sent.
  // Only where mail is stored in DATA_DIR (SQLite); PostgreSQL stores it in the database.
  const storage = dc.db.engine === 'sqlite' ? watchStorage({ dataDir: config.dataDir, maxEmailSize: config.mail.maxEmailSize }) : noStorageWatch();
  const mail = await startMail(dc, config, { storage });
  const presence = createPresenceHub();
  const stopRelay = createPresenceRelay(presence, dc.db, dc.node);
  // Live streams' access checks: an access change read by the feed marks its viewers' checks stale
  // (and wakes their presence streams); each events stream also re-checks when it reaches one.
  const board = viewerAccessBoard(dc);
  const feed = createEventFeed(dc.db, dc.bus, (e) => board.accessChanged(e));
  const http = createAppServer({ dc, config, mail, presence, feed, clientDir: CLIENT_DIR, storage, files: createAttachmentStore(config.dataDir, dc.db) });
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => resolve());
  });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // With PORT=0 (tests) the OS picks the port, so the derived public URL must use the real one.
  const url = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  // Links in email (and the single sign-on redirect) must carry that port too.
  if (url !== dc.mail.publicUrl) dc.mail = { ...dc.mail, publicUrl: url };
  const stopBackfill = startRenderBackfill(dc);
  const stopSearchIndexer = startSearchIndexer(dc);
  // Not needed to answer: the render workers (each loads the parsers) start once the node serves,
  // so they do not compete with its start for the CPU; expired sessions are refused when read.
  const afterStart = setImmediate(() => {
    warmRenderPool();
    purgeExpiredSessions(dc).catch((err: unknown) => log.warn('purging expired sessions failed', { err }));
  });
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    dc,
    http,
    mail,
    url,
    localUrl: `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`,
    async stop() {
      // first: the load balancer's health check fails while everything below winds down
      http.drain();
      clearImmediate(afterStart);
      stopListening();
      await stopBackfill();
      await stopSearchIndexer();
      await stopSnoozeWaker();
      stopRelay();
      presence.stop();
      feed.stop();
      await mail.stop();
      await alive.stop();
      await http.close();
      storage.stop();
      await dc.db.close();
      await closeRenderPool();
    },
  };
}
