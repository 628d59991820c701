/**
 * A private PostgreSQL cluster for tests, benches and the test harness: `initdb` in a temp dir,
 * `pg_ctl start` on a free loopback port (socket in the temp dir too), trust auth for the
 * `threadline` superuser. Nothing touches the system cluster. The server refuses to run as root,
 * so as root every PostgreSQL command runs as the `postgres` system user (`runuser`).
 *
 *   const pg = await startPostgres();
 *   const url = await pg.createDatabase('search_test');
 *   ...
 *   await pg.stop(); // stops the server and removes the temp dir
 *
 * fsync stays on (durability tests rely on it); pass `settings` for other server options,
 * e.g. `{ max_connections: 300 }` for cluster tests and benches.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_BIN = process.env.THREADLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** The superuser of every test cluster (trust auth, no password). */
export const PG_USER = 'threadline';

export interface PostgresOptions {
  /** Server settings passed as `-c name=value` (e.g. `{ max_connections: 300 }`). */
  settings?: Record<string, string | number | boolean>;
  /** Cluster locale (initdb --locale); C.UTF-8 keeps text search and ordering deterministic. */
  locale?: string;
  /** Where to make the temp dir (default: the OS temp dir). */
  parentDir?: string;
}

export interface RunningPostgres {
  /** A connection URL for database `db` on this cluster. */
  url(db: string): string;
  /** The URL of the `postgres` maintenance database (create/drop databases from there). */
  adminUrl: string;
  port: number;
  /** The temp dir holding the data dir (`<dir>/data`), the socket and the server log (`<dir>/log`). */
  dir: string;
  dataDir: string;
  /** Creates database `name` (optionally cloned from `template`) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Stops the server but keeps its data (a database outage); `resume()` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server (fast shutdown) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** argv for a PostgreSQL binary, run as `postgres` when we are root. */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  const exe = path.join(PG_BIN, bin);
  return isRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}

async function pgRun(bin: string, args: string[], cwd: string): Promise<void> {
  const [cmd, argv] = pgCommand(bin, args);
  try {
    await run(cmd, argv, { cwd, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`.trim());
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.:/+-]+$/;

/** Starts a private cluster; throws a clear error when PostgreSQL is not installed. */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL not found: ${path.join(PG_BIN, 'initdb')} does not exist. ` +
        'Install it with `apt-get install -y postgresql` (Debian 12: PostgreSQL 15), or set THREADLINE_PG_BIN.',
    );
  }
  const settings: string[] = [];
  for (const [name, value] of Object.entries(options.settings ?? {})) {
    const v = String(value);
    if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(v)) throw new Error(`unsupported PostgreSQL setting ${name}=${v}`);
    settings.push(`-c ${name}=${v}`);
  }

  const dir = mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'threadline-pg-'));
  chmodSync(dir, 0o777); // the server runs as `postgres` when we are root
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'log');
  let port = 0;
  let running = false;
  let removed = false;

  const removeDir = () => {
    if (removed) return;
    removed = true;
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies without calling stop() must not leave a server behind.
  const onExit = () => {
    if (running) {
      const [cmd, argv] = pgCommand('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      try {
        execFileSync(cmd, argv, { cwd: dir, stdio: 'ignore' });
      } catch {
        /* already gone */
      }
      running = false;
    }
    removeDir();
  };
  process.on('exit', onExit);

  try {
    await pgRun(
      'initdb',
      ['-D', dataDir, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', `--locale=${options.locale ?? 'C.UTF-8'}`, '--no-instructions'],
      dir,
    );
    // The free port can be taken between probing and binding: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const serverOptions = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...settings].join(' ');
      try {
        await pgRun('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-l', logFile, '-o', serverOptions, 'start'], dir);
        running = true;
        break;
      } catch (err) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (attempt >= 3 || !/could not (bind|create listen)|already in use/i.test(log)) {
          throw new Error(`${(err as Error).message}\n--- server log ---\n${log}`);
        }
      }
    }
  } catch (err) {
    onExit();
    process.off('exit', onExit);
    throw err;
  }

  const url = (db: string) => `postgres://${PG_USER}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  const adminUrl = url('postgres');

  return {
    url,
    adminUrl,
    port,
    dir,
    dataDir,
    async createDatabase(name, template) {
      if (!IDENT.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
      if (template !== undefined && !IDENT.test(template)) throw new Error(`invalid template name ${JSON.stringify(template)}`);
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async pause() {
      if (!running) return;
      running = false;
      await pgRun('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-m', 'fast', 'stop'], dir);
    },
    async resume() {
      if (running) return;
      const serverOptions = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...settings].join(' ');
      await pgRun('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-l', logFile, '-o', serverOptions, 'start'], dir);
      running = true;
    },
    async stop() {
      if (running) {
        running = false;
        await pgRun('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-m', 'fast', 'stop'], dir).catch(() =>
          pgRun('pg_ctl', ['-D', dataDir, '-w', '-m', 'immediate', 'stop'], dir).catch(() => undefined),
        );
      }
      removeDir();
      process.off('exit', onExit);
    },
  };
}
