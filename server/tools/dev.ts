/**
 * `npm run dev`: the API server (restarted on change by tsx watch) and Vite with hot reload,
 * which proxies `/trpc` (HTTP and WebSocket) to the server. Open Vite's URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../paths';

const children: ChildProcess[] = [
  spawn(process.execPath, [path.join(ROOT_DIR, 'node_modules/tsx/dist/cli.mjs'), 'watch', 'server/main.ts'], {
    cwd: ROOT_DIR,
    stdio: 'inherit',
  }),
  spawn(process.execPath, [path.join(ROOT_DIR, 'node_modules/vite/bin/vite.js')], { cwd: ROOT_DIR, stdio: 'inherit' }),
];

function stopAll(code: number): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exit(code);
}
for (const c of children) c.on('exit', (code) => stopAll(code ?? 0));
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
