/**
 * Content-addressed file store under DATA_DIR/attachments: `ab/abcdef…` by sha256. Writes are
 * atomic (temp file + fsync + rename) and idempotent, so a retried ingest never duplicates a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, createReadStream, type ReadStream } from 'node:fs';
import path from 'node:path';

export interface AttachmentStore {
  put(content: Buffer): string;
  path(sha256: string): string;
  open(sha256: string): ReadStream;
}

export function createAttachmentStore(dataDir: string): AttachmentStore {
  const root = path.join(dataDir, 'attachments');
  const fileFor = (sha: string) => path.join(root, sha.slice(0, 2), sha);
  return {
    put(content) {
      const sha = createHash('sha256').update(content).digest('hex');
      const target = fileFor(sha);
      if (existsSync(target)) return sha;
      mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
      return sha;
    },
    path: fileFor,
    open: (sha) => createReadStream(fileFor(sha)),
  };
}
