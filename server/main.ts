/** Entry point: wiring only. */
import { loadConfig } from './config';
import { startApp } from './app';
import { log, setLogLevel } from './log';
import { listProjectAddresses } from './domain/projects/project-address';
import { setHeapGrowingPercent } from './render';

/** Where the data lives, without the password. */
function describeDatabase(url: string): string {
  if (!url) return 'SQLite';
  const u = new URL(url);
  return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

const config = loadConfig();
setLogLevel(config.logLevel);
// before the render workers start (decision 008)
setHeapGrowingPercent(config.heapGrowingPercent);
const app = await startApp(config);
log.info('Threadline is running', { url: app.url, dataDir: config.dataDir, database: describeDatabase(config.databaseUrl), node: config.nodeName });
process.stdout.write(`\n  Threadline is running at ${app.url}\n`);
if (app.mail.smtp) process.stdout.write(`  SMTP listener on ${config.mail.smtpListen?.host}:${app.mail.smtp.port}\n`);
for (const p of await listProjectAddresses(app.dc.db, app.mail.book)) process.stdout.write(`  ${p.path}: ${p.address}\n`);
process.stdout.write('\n');

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
