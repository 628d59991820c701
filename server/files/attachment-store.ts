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
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from '../../db/client';
import { COPY_IN_CHUNK, copyInRow, copyOutColumn } from '../../db/pg-blobs';
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
        try {
          await file.writeFile(content);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, target);
      } catch (err) {
        // a disk that filled up mid-write leaves no partial file behind (and gets its room back)
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
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

/**
 * Reads come in slices, one COPY row each (db/pg-blobs.ts), so the driver never holds more than a
 * slice and a stream is served as it arrives. node-postgres collects a message in a buffer that
 * doubles from 64 KB: a slice just under a power of two (its framing included) fills its last
 * buffer instead of allocating one twice as large. 4 MiB − 4 KiB: a 17 MB read costs the event loop
 * ~25 ms as a stream where 1 MiB or exactly 4 MiB slices cost ~75–85 ms (mostly GC of the buffers).
 */
export const BLOB_SLICE_BYTES = 4 * 1024 * 1024 - 4096;
/**
 * …and in at most about this many slices: a compressed (lz4, pglz) value is decompressed from its
 * start for every slice, so the server's work grows with slices × size.
 */
const MAX_SLICES = 8;
const sliceFor = (size: number) => {
  let slice = BLOB_SLICE_BYTES + 4096;
  while (slice - 4096 < size / MAX_SLICES) slice *= 2;
  return slice - 4096;
};

/** Blobs up to this size are read in one statement, as hex text (~2 ms of the event loop at most). */
export const SMALL_BLOB_BYTES = 256 * 1024;

/** drizzle's own client behind `db`: the read-only pg.Pool (db/client.ts) */
function readPool(db: Db): pg.Pool {
  const pool = (db as unknown as { $client?: pg.Pool }).$client;
  if (!pool || typeof pool.connect !== 'function') throw new Error('attachment store: no PostgreSQL pool behind this database');
  return pool;
}

export function createDatabaseStore(db: Db): AttachmentStore {
  /**
   * The blob's length in bytes (octet_length reads the stored header, not the value), and the
   * bytes themselves when they are small (most attachments): one statement, where slicing would
   * take a COPY and a pool connection more. Null when there is no such blob.
   */
  async function head(sha: string): Promise<{ size: number; bytes: Buffer | null } | null> {
    const row = (
      await db.rows<{ n: string | number; small: Buffer | null }>(
        sql`select octet_length(${fileBlobs.bytes}) as n, case when octet_length(${fileBlobs.bytes}) <= ${SMALL_BLOB_BYTES} then ${fileBlobs.bytes} end as small from ${fileBlobs} where ${fileBlobs.sha256} = ${sha}`,
      )
    )[0];
    return row ? { size: Number(row.n), bytes: row.small } : null;
  }
  /**
   * Bytes [from, from + len) of the blob, handed to `take` as they arrive (a view, valid only
   * during the call). As raw bytes through COPY binary: no hex text to decode on the event loop.
   */
  async function slice(sha: string, from: number, len: number, take: (bytes: Buffer) => void): Promise<void> {
    const client = await readPool(db).connect();
    let got = 0;
    try {
      await copyOutColumn(client, `SELECT substring(bytes FROM ${from + 1} FOR ${len}) FROM file_blobs WHERE sha256 = ${client.escapeLiteral(sha)}`, (bytes) => {
        if (!bytes) return;
        got += bytes.length;
        take(bytes);
      });
      client.release();
    } catch (err) {
      client.release(true);
      throw err;
    }
    if (got !== len) throw new Error(`file blob ${sha}: read ${got} of ${len} bytes at ${from}`);
  }

  return {
    async put(content, given) {
      const sha = given ?? sha256Of(content);
      const known = await db.select({ size: fileBlobs.size }).from(fileBlobs).where(eq(fileBlobs.sha256, sha)).get();
      if (known) return sha;
      try {
        await db.write(async (tx) => {
          if (content.length <= COPY_IN_CHUNK) {
            await tx.insert(fileBlobs).values({ sha256: sha, bytes: content, size: content.length, createdAt: Date.now() }).onConflictDoNothing().run();
            return;
          }
          // Large: sent a chunk per turn of the event loop (db/pg-blobs.ts), not copied whole at once.
          const client = (tx as unknown as { $client: pg.PoolClient }).$client;
          await copyInRow(client, 'file_blobs (sha256, bytes, size, created_at)', [sha, content, { int8: content.length }, { int8: Date.now() }]);
        }, { lock: false, copy: true });
      } catch (err) {
        // content-addressed: a concurrent put of the same bytes committed first (COPY has no ON CONFLICT)
        if ((err as { code?: string }).code !== '23505') throw err;
      }
      return sha;
    },
    async open(sha) {
      const found = await head(sha);
      if (!found) return null;
      if (found.bytes) return Readable.from([found.bytes]);
      const { size } = found;
      const step = sliceFor(size);
      let from = 0;
      // one slice per read() call: a slow consumer (a download) holds no connection between slices
      return new Readable({
        highWaterMark: 1,
        objectMode: false,
        async read() {
          if (from >= size) return void this.push(null);
          const len = Math.min(step, size - from);
          try {
            const parts: Buffer[] = [];
            await slice(sha, from, len, (bytes) => parts.push(Buffer.from(bytes)));
            from += len;
            for (const p of parts) this.push(p);
            if (from >= size) this.push(null);
          } catch (err) {
            this.destroy(err as Error);
          }
        },
      });
    },
    async read(sha) {
      const found = await head(sha);
      if (!found) return null;
      if (found.bytes) return found.bytes;
      const { size } = found;
      const out = Buffer.allocUnsafe(size);
      const step = sliceFor(size);
      for (let from = 0; from < size; from += step) {
        const len = Math.min(step, size - from);
        let at = from;
        await slice(sha, from, len, (bytes) => {
          at += bytes.copy(out, at);
        });
      }
      return out;
    },
  };
}
