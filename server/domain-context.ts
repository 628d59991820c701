/**
 * Opens the database and builds what every domain call needs: the server, the CLI and benches
 * start here. Kept apart from app.ts so the CLI loads neither the HTTP server nor mail.
 */
import { randomBytes } from 'node:crypto';
import { migrationsApplied, openDb } from '../db/client';
import type { Config } from './config';
import type { DomainCtx } from './domain/core/context';
import { ensureSupportBot } from './domain/accounts/users';
import { mailContext } from './domain/core/mail-context';
import { createSecretBox } from './domain/core/secret-box';
import { reloadMailContext } from './domain/mail-setup/effective';
import { loadSecretKey } from './files/secret-key';
import { createInProcessBus } from './events/bus';
import { checkDataDir } from './startup-errors';
import { log } from './log';

/** Opens the database (migrating it) and builds what every domain call needs. */
export async function createDomain(config: Config): Promise<DomainCtx> {
  // a missing or read-only folder is named as such, not as SQLite's "unable to open database file"
  checkDataDir(config.dataDir);
  const db = await openDb(config.dataDir, { databaseUrl: config.databaseUrl });
  // a new database applies them all: the count and the last name say enough then
  const applied = migrationsApplied;
  if (applied.length > 0) log.info('database migrated', { engine: db.engine, ...(applied.length <= 3 ? { applied } : { count: applied.length, first: applied[0], last: applied.at(-1) }) });
  // Unique per process: a restarted node is a new holder, so its predecessor's claims expire.
  const node = `${config.nodeName}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const secrets = createSecretBox(loadSecretKey(config.dataDir, config.secretKey));
  const dc: DomainCtx = { db, bus: createInProcessBus(), mail: mailContext(config, secrets), secrets, mailSettingsListeners: new Set(), now: () => Date.now(), node };
  await ensureSupportBot(dc);
  // The addresses the Admin page set (unless the environment sets them): the CLI sees them too.
  await reloadMailContext(dc, config);
  return dc;
}
