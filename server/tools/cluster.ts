/**
 * `npm run cluster`: try several nodes locally. Starts a private PostgreSQL in a temp directory,
 * three Threadline nodes on it (HTTP 3001–3003, SMTP 2526–2528) and a round-robin TCP balancer
 * at http://127.0.0.1:3000 in front of them (WebSockets pass through; no sticky sessions).
 * Ctrl-C stops everything and removes the temp data. Try stopping one node's process (its pid is
 * printed): browsers reconnect through the balancer to the others and resume.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clusterToolOptions } from '../config';
import { ROOT_DIR } from '../paths';
import { startPostgres } from '../testing/postgres';
import { ensureBuilt, SERVER_BUILD_DIR } from './build.mjs';

const options = clusterToolOptions();
const BALANCER_PORT = options.port;
const NODES = ['a', 'b', 'c'].map((name, i) => ({ name, port: BALANCER_PORT + 1 + i, smtp: 2526 + i }));

function prefix(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  let rest = '';
  stream?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

await ensureBuilt();

process.stdout.write('Starting a private PostgreSQL…\n');
const pg = await startPostgres({ settings: { max_connections: 200 } });
const databaseUrl = await pg.createDatabase('threadline');
const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'threadline-cluster-'));
const publicUrl = `http://127.0.0.1:${BALANCER_PORT}`;
// One key for every node: each can open the mail passwords and check the customer links the others made.
const secretKey = options.secretKey ?? randomBytes(32).toString('base64');

const children: ChildProcess[] = [];
for (const n of NODES) {
  const child = spawn(process.execPath, [path.join(SERVER_BUILD_DIR, 'main.js')], {
    cwd: ROOT_DIR,
    env: {
      ...options.inherited,
      DATABASE_URL: databaseUrl,
      NODE_NAME: n.name,
      PORT: String(n.port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      SMTP_LISTEN: `127.0.0.1:${n.smtp}`,
      DATA_DIR: path.join(dataRoot, n.name),
      SECRET_KEY: secretKey,
      LOG_LEVEL: options.logLevel,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefix(n.name, child.stdout, process.stdout);
  prefix(n.name, child.stderr, process.stderr);
  children.push(child);
  // the first node migrates; the others would wait on its lock anyway
  if (children.length === 1) await waitHealthy(n.port);
}
await Promise.all(NODES.map((n) => waitHealthy(n.port)));

// Round-robin at the TCP level: HTTP and WebSocket connections alike, skipping nodes that refuse.
let next = 0;
const balancer = net.createServer((client) => {
  const tryNode = (attempt: number): void => {
    const n = NODES[next++ % NODES.length] as (typeof NODES)[number];
    const upstream = net.connect(n.port, '127.0.0.1');
    upstream.once('connect', () => {
      client.pipe(upstream).pipe(client);
    });
    upstream.once('error', () => {
      upstream.destroy();
      if (attempt + 1 < NODES.length && !client.destroyed) tryNode(attempt + 1);
      else client.destroy();
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  };
  tryNode(0);
});
await new Promise<void>((resolve) => balancer.listen(BALANCER_PORT, '127.0.0.1', resolve));

process.stdout.write(
  `\n  Three Threadline nodes on PostgreSQL, behind ${publicUrl}\n` +
    NODES.map((n, i) => `  node ${n.name}: http://127.0.0.1:${n.port}  SMTP 127.0.0.1:${n.smtp}  pid ${children[i]?.pid}\n`).join('') +
    '  Ctrl-C stops everything.\n\n',
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  balancer.close();
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  await pg.stop();
  rmSync(dataRoot, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

async function waitHealthy(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`node on port ${port} did not become healthy in 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
