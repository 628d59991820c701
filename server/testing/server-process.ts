/**
 * The real server as a child process (`node --import tsx server/main.ts`), for tests that kill it
 * with SIGKILL and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../paths';
import { freePort } from './dovecot';

export interface ServerProcess {
  url: string;
  smtpPort: number;
  env: Record<string, string>;
  start(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
  pid(): number | undefined;
}

export async function serverProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const smtpPort = await freePort();
  const fullEnv = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SMTP_LISTEN: `127.0.0.1:${smtpPort}`, LOG_LEVEL: 'warn', ...env };
  let child: ChildProcess | null = null;
  let out = '';
  const url = `http://127.0.0.1:${port}`;
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  return {
    url,
    smtpPort,
    env: fullEnv,
    output: () => out,
    pid: () => child?.pid,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/main.ts')], {
        cwd: ROOT_DIR,
        env: { ...process.env, ...fullEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 20_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`server exited during start:\n${out}`);
        try {
          const res = await fetch(`${url}/healthz`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`server did not start in time:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill9() {
      child?.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited();
    },
  };
}
