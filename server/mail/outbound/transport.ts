/** Where composed email goes. SMTP (outbound issue) and the local folder implement this. */
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Envelope {
  from: string;
  to: string[];
}

export type SendResult = { ok: true; response: string } | { ok: false; permanent: boolean; response: string };

export interface SendHint {
  id: number;
  messageId: string;
  /** `custom:<projectId>`: through that project's own SMTP server (see OutboundSpec.via) */
  via?: string | undefined;
}

export interface Transport {
  readonly name: string;
  send(raw: Buffer, envelope: Envelope, hint: SendHint): Promise<SendResult>;
  close(): Promise<void>;
}

/** The embedded default: every message is an .eml file in DATA_DIR/outbox, so newcomers see what would be sent. */
export function createFolderTransport(dataDir: string): Transport {
  const dir = path.join(dataDir, 'outbox');
  mkdirSync(dir, { recursive: true });
  return {
    name: 'folder',
    async send(raw, _envelope, hint) {
      const safeId = hint.messageId.replace(/[^A-Za-z0-9@._-]/g, '');
      const file = path.join(dir, `${String(hint.id).padStart(6, '0')}-${safeId}.eml`);
      // write-then-rename: a crash never leaves half a file under the final name; in the thread
      // pool, so a busy outbox never holds up the event loop (open() alone cost ~0.5 ms a message)
      await writeFile(`${file}.tmp`, raw);
      await rename(`${file}.tmp`, file);
      return { ok: true, response: `written to ${path.relative(dataDir, file)}` };
    },
    async close() {},
  };
}
