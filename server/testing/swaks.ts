/**
 * Send mail with the real `swaks` command-line SMTP client (apt package `swaks`).
 *
 *   const r = await sendWithSwaks({ server: `127.0.0.1:${port}`, from: 'a@x.test', to: ['b@y.test'],
 *                                   header: { Subject: 'Hi' }, body: 'Hello' });
 *   r.code === 0  // swaks exit code: 0 ok, 2 cannot connect, 23 MAIL refused, 24 no RCPT accepted,
 *                 // 25 DATA refused, 26 message refused after DATA (see `man swaks`, EXIT CODES)
 *
 * `raw` sends a complete message (headers + body) as the DATA portion, from a temp file. Note that
 * swaks replaces its %TOKENS% (e.g. %DATE%, %TO_ADDRESS%) inside the data it sends.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aptInstall } from './dovecot';

export const SWAKS_BIN = '/usr/bin/swaks';

export interface SwaksOptions {
  /** host:port */
  server: string;
  from: string;
  to: string[];
  /** The whole message (headers + body), sent as --data from a temp file. */
  raw?: string | Buffer;
  /** Headers to add, or to replace in `raw` / swaks' default message. */
  header?: Record<string, string>;
  /** Body for swaks' default message (ignored by swaks' own rules when `raw` is given). */
  body?: string;
  /** Extra command-line arguments, e.g. ['--auth', 'PLAIN', '--auth-user', 'u', '--auth-password', 'p']. */
  args?: string[];
  /** Kill swaks after this long (default 20 s). */
  timeoutMs?: number;
}

export interface SwaksResult {
  /** swaks' exit code (-1 if it was killed). */
  code: number;
  /** The SMTP transcript. */
  stdout: string;
  stderr: string;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Make sure `swaks` exists (installing it via apt when root). */
export function ensureSwaksInstalled(): void {
  if (existsSync(SWAKS_BIN)) return;
  const which = spawnSync('sh', ['-c', 'command -v swaks'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return;
  if (!isRoot()) throw new Error('swaks is not installed. Install it with: sudo apt-get install -y swaks');
  aptInstall(['swaks']);
  if (!existsSync(SWAKS_BIN)) throw new Error(`apt-get installed swaks but ${SWAKS_BIN} is still missing`);
}

export async function sendWithSwaks(opts: SwaksOptions): Promise<SwaksResult> {
  ensureSwaksInstalled();
  if (opts.to.length === 0) throw new Error('sendWithSwaks: at least one recipient is needed');
  const args = ['--server', opts.server, '--from', opts.from, '--to', opts.to.join(','), '--timeout', '15'];
  let tmpDir: string | null = null;
  if (opts.raw !== undefined) {
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-swaks-'));
    const file = path.join(tmpDir, 'message.eml');
    writeFileSync(file, opts.raw);
    args.push('--data', `@${file}`);
  }
  for (const [name, value] of Object.entries(opts.header ?? {})) args.push('--header', `${name}: ${value}`);
  if (opts.body !== undefined) args.push('--body', opts.body.startsWith('@') ? `@${opts.body}` : opts.body);
  args.push(...(opts.args ?? []));

  try {
    return await new Promise<SwaksResult>((resolve, reject) => {
      const child = spawn('swaks', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not run swaks: ${err.message}`));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  } finally {
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
}
