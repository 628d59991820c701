/**
 * Secrets at rest and signed links, from one instance key (SECRET_KEY, or DATA_DIR/secret.key).
 * Passwords are sealed with AES-256-GCM (a fresh IV each time, authenticated), links are signed
 * with HMAC-SHA-256; each use has its own key derived from the instance key (HKDF), so a
 * signature can never be replayed as a ciphertext or the other way round.
 */
import { AppError } from '../../../shared/errors';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SecretBox {
  /** `v1:<base64>`: what the database stores instead of the secret */
  seal(plain: string): string;
  /** The secret again; throws SecretUnreadableError when this key did not seal it. */
  open(sealed: string): string;
  /** An unguessable, URL-safe signature of `data` */
  sign(data: string): string;
  verify(data: string, signature: string): boolean;
}

export class SecretUnreadableError extends AppError {
  constructor() {
    super('SECRET_UNREADABLE');
  }
}

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `threadline ${purpose}`, 32));
}

export function createSecretBox(instanceKey: Buffer): SecretBox {
  const sealKey = derive(instanceKey, 'secrets at rest v1');
  const signKey = derive(instanceKey, 'link signatures v1');
  const sign = (data: string) => createHmac('sha256', signKey).update(data).digest('base64url').slice(0, 32);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      const m = /^v1:([A-Za-z0-9+/=]+)$/.exec(sealed);
      if (!m?.[1]) throw new SecretUnreadableError();
      const bytes = Buffer.from(m[1], 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnreadableError();
      }
    },
    sign,
    verify(data, signature) {
      const want = Buffer.from(sign(data));
      const got = Buffer.from(signature);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}
