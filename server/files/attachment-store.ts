/**
 * Where attachment bytes live, content-addressed by sha256 (so a retried ingest never stores a
 * file twice):
 * - SQLite (one node): files under DATA_DIR/attachments, `ab/abcdef…`; writes are atomic
 *   (temp file + fsync + rename) and idempotent.
 * - PostgreSQL (several nodes): the `file_blobs` table, so every node can serve and send every
 *   file (decision 010). Stored in its own short transaction, before the change that links it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { fileBlobs } from '../../db/schema';

export interface AttachmentStore {
  /**
   * Stores the bytes (idempotent); resolves to their sha256 once they are durable. `sha256`: the
   * caller already hashed these very bytes (hashing megabytes again would hold up the event loop).
   */
  put(content: Buffer, sha256?: string): Promise<string>;
  /** The bytes as a stream, or null when they are missing from storage. */
  open(sha256: string): Promise<Readable | null>;
  /** The bytes, or null when they are missing from storage. */
  read(sha256: string): Promise<Buffer | null>;
}

const sha256Of = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** The store for this database: files in DATA_DIR on SQLite, the database itself on PostgreSQL. */
export function createAttachmentStore(dataDir: string, db?: Db): AttachmentStore {
  return db?.engine === 'pg' ? createDatabaseStore(db) : createFileStore(dataDir);
}

export function createFileStore(dataDir: string): AttachmentStore {
  const root = path.join(dataDir, 'attachments');
  const fileFor = (sha: string) => path.join(root, sha.slice(0, 2), sha);
  return {
    async put(content, known) {
      const sha = known ?? sha256Of(content);
      const target = fileFor(sha);
      if (existsSync(target)) return sha;
      // In the thread pool: the fsync (milliseconds) must not hold up the event loop.
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(content);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, target);
      return sha;
    },
    async open(sha) {
      const file = fileFor(sha);
      return existsSync(file) ? createReadStream(file) : null;
    },
    async read(sha) {
      const file = fileFor(sha);
      return existsSync(file) ? readFile(file) : null;
    },
  };
}

export function createDatabaseStore(db: Db): AttachmentStore {
  async function read(sha: string): Promise<Buffer | null> {
    const row = await db.select({ bytes: fileBlobs.bytes }).from(fileBlobs).where(eq(fileBlobs.sha256, sha)).get();
    return row?.bytes ?? null;
  }
  return {
    async put(content, given) {
      const sha = given ?? sha256Of(content);
      const known = await db.select({ size: fileBlobs.size }).from(fileBlobs).where(eq(fileBlobs.sha256, sha)).get();
      if (known) return sha;
      await db.write(async (tx) => {
        await tx.insert(fileBlobs).values({ sha256: sha, bytes: content, size: content.length, createdAt: Date.now() }).onConflictDoNothing().run();
        // content-addressed: a concurrent insert of the same bytes waits for ours and does nothing
      }, { lock: false });
      return sha;
    },
    async open(sha) {
      const bytes = await read(sha);
      return bytes ? Readable.from([bytes]) : null;
    },
    read,
  };
}
