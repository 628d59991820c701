/**
 * Runs the `desk` CLI against a test app's data, as an operator's script would: a child process
 * with the app's DATA_DIR and DATABASE_URL (plus `env`), its output collected.
 */
import { spawn } from 'node:child_process';
import { childProcessEnv } from '../config';
import { ROOT_DIR } from '../paths';
import type { TestApp } from './test-app';

export interface DeskResult {
  code: number;
  out: string;
  err: string;
}

export function runDesk(app: TestApp, args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<DeskResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/desk.ts', ...args], {
      cwd: ROOT_DIR,
      env: childProcessEnv({ DATA_DIR: app.dataDir, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'error', ...opts.env }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(opts.stdin ?? '');
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}
