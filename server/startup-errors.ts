/**
 * What an operator reads when Threadline cannot start: one sentence naming the setting to change
 * (a port in use, a data folder that cannot be written, a full disk, a database out of reach),
 * instead of a stack trace. Used by the server (main.ts) and the CLI (desk.ts).
 */
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/** A reason to refuse to start that is already worded for the operator. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const FS_REASONS: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file, not a folder, is in the way',
  EEXIST: 'a file, not a folder, is in the way',
  ENOENT: 'a folder on its path cannot be created',
};

/**
 * Creates DATA_DIR when missing (mode 0700: it holds customers' mail and the instance key) and
 * proves it can be written, so that a wrong or read-only folder is named as such rather than as
 * SQLite's "unable to open database file" or an ENOENT from a recursive mkdir.
 */
export function checkDataDir(dataDir: string): void {
  const probe = path.join(dataDir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(probe, 'threadline\n');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    try {
      rmSync(probe, { force: true });
    } catch {
      // no folder to have left it in
    }
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new StartupError(`The disk holding DATA_DIR (${dataDir}) is full (${code}): free some space, then start again.`);
    const reason = FS_REASONS[code] ?? (err as Error).message;
    throw new StartupError(`DATA_DIR ${dataDir} cannot be written (${code ? `${code}: ` : ''}${reason}). Threadline keeps its database, attachments, outbox folder and key there: point DATA_DIR at a writable folder, or fix the folder's owner and permissions.`);
  }
  unlinkSync(probe);
}

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** The operator's sentence for an error that stopped the start; never contains a password. */
export function describeStartupError(err: unknown, config: Config | null): string {
  if (err instanceof StartupError) return err.message;
  const e = (err instanceof Error ? err : new Error(String(err))) as SystemError;
  if (e.message.startsWith('Invalid configuration')) return e.message;
  const code = e.code ?? '';
  if (e.syscall === 'listen') {
    const where = `${e.address ?? ''}:${e.port ?? ''}`;
    const smtp = config?.mail.smtpListen;
    const isSmtp = !!smtp && e.port === smtp.port && (config?.port !== e.port || e.address === smtp.host);
    const setting = isSmtp ? 'SMTP_LISTEN' : 'PORT';
    const fix = isSmtp ? 'set SMTP_LISTEN to a free host:port (or off)' : 'set PORT to a free port';
    if (code === 'EADDRINUSE') return `${setting}: ${where} is already in use (is Threadline already running, or another program on that port?). Stop the other program or ${fix}.`;
    if (code === 'EACCES') return `${setting}: not allowed to listen on ${where} (ports below 1024 need privileges: use a higher port behind a proxy or port redirect, or ${fix}).`;
    if (code === 'EADDRNOTAVAIL') return `${isSmtp ? 'SMTP_LISTEN' : 'HOST'}: ${e.address} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses.`;
  }
  const dataDir = config?.dataDir ?? 'DATA_DIR';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `The disk holding DATA_DIR (${dataDir}) is full: free some space, then start again (nothing was lost).`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `${path.join(dataDir, 'threadline.db')} is damaged or not a Threadline database (${code}): restore it from a backup (README: Backup and restore).`;
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') return `The SQLite database in DATA_DIR (${dataDir}) cannot be opened for writing (${code}): check the folder's and threadline.db's owner and permissions.`;
  if (code === 'SQLITE_BUSY') return `The SQLite database in DATA_DIR (${dataDir}) stayed locked by another process (${code}); is a backup or another tool holding it?`;
  if (config?.databaseUrl) {
    const db = describePostgres(config.databaseUrl);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') return `Cannot reach PostgreSQL at ${db} (${code}): is it running, and is DATABASE_URL right?`;
    if (code === '28P01' || code === '28000') return `PostgreSQL at ${db} refused the sign-in (${code}): check the user and password in DATABASE_URL.`;
    if (code === '3D000') return `PostgreSQL at ${db}: the database does not exist (${code}); create it (createdb) or fix DATABASE_URL.`;
  }
  return `${e.message}${code ? ` (${code})` : ''}`;
}

/** host:port/database of a DATABASE_URL, without the user or password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
