/** Entry point: wiring only. */
import { loadConfig } from './config';
import { startApp } from './app';
import { log, setLogLevel } from './log';

const config = loadConfig();
setLogLevel(config.logLevel);
const app = await startApp(config);
log.info('Threadline is running', { url: app.url, dataDir: config.dataDir });
process.stdout.write(`\n  Threadline is running at ${app.url}\n\n`);

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
