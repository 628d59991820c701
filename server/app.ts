/** Builds the application from config: database, bus, HTTP+WebSocket server. */
import { openDb, type Db } from '../db/client';
import type { Config } from './config';
import type { DomainCtx } from './domain/context';
import { purgeExpiredSessions } from './domain/sessions';
import { ensureSupportBot } from './domain/users';
import { mailContext } from './domain/mail-context';
import { createInProcessBus } from './events/bus';
import { watchExternalCommits } from './events/external-commits';
import { createPresenceHub } from './events/presence';
import { createEventFeed } from './events/feed';
import { createAppServer, type AppServer } from './http';
import { CLIENT_DIR } from './paths';
import { createAttachmentStore } from './files/attachment-store';
import { startMail, type MailRuntime } from './mail/runtime';
import { closeRenderPool, warmRenderPool } from './render';
import { startRenderBackfill } from './domain/render-backfill';

export function createDomain(config: Config): DomainCtx & { db: Db } {
  const db = openDb(config.dataDir);
  const dc: DomainCtx = { db, bus: createInProcessBus(), mail: mailContext(config), now: () => Date.now() };
  ensureSupportBot(db, dc.now());
  return dc;
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
  const dc = createDomain(config);
  warmRenderPool();
  purgeExpiredSessions(dc);
  const mail = await startMail(dc, config);
  const presence = createPresenceHub();
  const feed = createEventFeed(dc.db, dc.bus);
  const http = createAppServer({ dc, config, mail, presence, feed, clientDir: CLIENT_DIR, files: createAttachmentStore(config.dataDir) });
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => resolve());
  });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // With PORT=0 (tests) the OS picks the port, so the derived public URL must use the real one.
  const url = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  const stopWatching = watchExternalCommits(dc.db, dc.bus);
  const stopBackfill = startRenderBackfill(dc);
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    dc,
    http,
    mail,
    url,
    localUrl: `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`,
    async stop() {
      stopWatching();
      await stopBackfill();
      presence.stop();
      feed.stop();
      await mail.stop();
      await http.close();
      dc.db.$client.close();
      await closeRenderPool();
    },
  };
}
