/** Entry point: wiring only. */
import { loadConfig } from './config';
import { startApp } from './app';
import { log, setLogLevel } from './log';
import { listProjectAddresses } from './domain/projects/project-address';
import { setHeapGrowingPercent } from './render';
import { describePostgres, describeStartupError } from './startup-errors';
import type { Config } from './config';

/** Where the data lives, without the password. */
function describeDatabase(url: string): string {
  return url ? `PostgreSQL ${describePostgres(url)}` : 'SQLite';
}

/** Why the start failed, in one sentence on stderr (and as a log line), then exit 1: no stack trace to read. */
function refuseToStart(err: unknown, config: Config | null): never {
  const reason = describeStartupError(err, config);
  log.error('Threadline could not start', { reason, ...(config?.logLevel === 'debug' && err instanceof Error ? { err } : {}) });
  process.stderr.write(`\n  Threadline could not start: ${reason.replace(/\n/g, '\n  ')}\n\n`);
  process.exit(1);
}

let config: Config | null = null;
let app: Awaited<ReturnType<typeof startApp>>;
try {
  config = loadConfig();
  setLogLevel(config.logLevel);
  // before the render workers start (decision 008)
  setHeapGrowingPercent(config.heapGrowingPercent);
  app = await startApp(config);
} catch (err) {
  refuseToStart(err, config);
}
log.info('Threadline is running', { url: app.url, dataDir: config.dataDir, database: describeDatabase(config.databaseUrl), node: config.nodeName });
process.stdout.write(`\n  Threadline is running at ${app.url}\n`);
if (app.mail.smtp) process.stdout.write(`  SMTP listener on ${config.mail.smtpListen?.host}:${app.mail.smtp.port}\n`);
for (const p of await listProjectAddresses(app.dc.db, app.mail.book)) process.stdout.write(`  ${p.path}: ${p.address}\n`);
process.stdout.write('\n');
// Listening for other machines with links that name this one's loopback name: every link in
// email (customer links, invitations, password resets) would lead nowhere.
if (!config.publicUrlSet && !isLoopback(config.host)) {
  log.warn('PUBLIC_URL is not set: links in email and single sign-on will use this address, which other machines cannot reach; set PUBLIC_URL to the URL users open', { url: app.url });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  await app.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
