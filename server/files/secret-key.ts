/**
 * The instance key behind stored passwords and signed links: SECRET_KEY when set, otherwise a
 * random key generated once in DATA_DIR/secret.key, readable by this user only (mode 0600).
 */
import { randomBytes, createHash } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log } from '../log';

export const SECRET_KEY_FILE = 'secret.key';

export function loadSecretKey(dataDir: string, secretKey: string | null): Buffer {
  if (secretKey) return createHash('sha256').update(secretKey, 'utf8').digest();
  const file = path.join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written whole under a temporary name, then linked into place: a second process starting at
  // the same moment (the CLI beside the server) either wins or reads the winner's complete key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, file);
    log.info('generated the secret key for stored passwords and signed links', { file });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readKeyFile(file);
}

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length < 32) throw new Error(`${file} does not hold a key (32 random bytes, base64). Remove it to have a new one generated; passwords saved with the old key must then be entered again.`);
  if ((statSync(file).mode & 0o077) !== 0) log.warn('the secret key file is readable by other users; run chmod 600 on it', { file });
  return key;
}
