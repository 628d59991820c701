/**
 * Large bytea values on PostgreSQL without the driver's text path (issue 14).
 *
 * node-postgres asks for results in text format, so a bytea arrives as hex (twice its size) and
 * is decoded on the event loop: reading a 17 MB file blob cost ~130–190 ms of event-loop time,
 * 100 MB 0.6–2 s with single stalls up to ~290 ms. Its `binary: true` result mode is no way out:
 * pg 8.23 decodes every binary field as UTF-8 and re-encodes it, which silently replaces bytes
 * (a known, unfixed bug of node-postgres: binary results are not supported yet).
 *
 * `COPY (SELECT …) TO STDOUT (FORMAT binary)` is: every row arrives as one CopyData message whose
 * payload node-postgres hands over as bytes, untouched; we only strip the COPY framing. Read in
 * slices (`substring(bytes FROM … FOR …)`), one row per slice, so no single message is large and a
 * reader can stream with bounded memory.
 *
 * Writes need nothing of this: node-postgres already sends a Buffer parameter in binary format
 * (no hex), one memcpy into its message buffer.
 */
import type pg from 'pg';

/** "PGCOPY\n\377\r\n\0", then flags (int32) and the header extension's length (int32) */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** What node-postgres calls on a custom query ("Submittable"); only the COPY OUT parts matter here. */
interface Submittable {
  submit(connection: { query(text: string): void }): void;
  handleCopyData(msg: { chunk: Buffer }): void;
  handleError(err: Error): void;
  handleReadyForQuery(): void;
  handleCommandComplete(): void;
  handleRowDescription(): void;
  handleDataRow(): void;
  handleEmptyQuery(): void;
  handlePortalSuspended(): void;
  handleCopyInResponse(connection: { sendCopyFail(msg: string): void }): void;
}

/**
 * Runs `COPY (<select>) TO STDOUT (FORMAT binary)` for a select of ONE column on `client` and
 * calls `onValue` with each row's value, in order (null for SQL NULL). The Buffer given to
 * `onValue` is a view into the driver's receive buffer, valid only during the call: copy what you
 * keep. Resolves once the server has finished the statement; rejects with its error. (Not for a
 * pool with node-postgres's `query_timeout`: its timer would reject a COPY still running on the
 * connection. Ours set none.)
 */
export function copyOutColumn(client: pg.ClientBase, select: string, onValue: (bytes: Buffer | null) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let headerSeen = false;
    const { state, answers } = settling(resolve, reject);
    const fail = (err: Error) => {
      state.failed ??= err;
    };
    const query: Submittable = {
      ...answers,
      submit(connection) {
        connection.query(`COPY (${select}) TO STDOUT (FORMAT binary)`);
      },
      // PostgreSQL sends each row as one CopyData message (the file header comes with the first)
      handleCopyData({ chunk }) {
        if (state.failed) return;
        let at = 0;
        if (!headerSeen) {
          if (chunk.length < 19 || !chunk.subarray(0, 11).equals(SIGNATURE)) return fail(new Error('COPY binary: unexpected header'));
          at = 19 + chunk.readUInt32BE(15);
          headerSeen = true;
        }
        if (chunk.length - at < 2) return fail(new Error('COPY binary: truncated row'));
        const fields = chunk.readInt16BE(at);
        if (fields === -1) return; // the trailer
        if (fields !== 1 || chunk.length - at < 6) return fail(new Error(`COPY binary: expected one column, got ${fields}`));
        const len = chunk.readInt32BE(at + 2);
        if (len === -1) return void onValue(null);
        if (chunk.length - at - 6 !== len) return fail(new Error('COPY binary: a row is not one message'));
        try {
          onValue(chunk.subarray(at + 6, at + 6 + len));
        } catch (err) {
          fail(err as Error);
        }
      },
      handleCopyInResponse(connection) {
        connection.sendCopyFail('not a COPY FROM');
      },
    };
    submit(client, query);
  });
}

/**
 * How a COPY query takes the server's answers other than the copy itself: it settles once, on
 * ReadyForQuery (rejecting with the first failure seen, the server's or its own), or at once on
 * an error (after which node-postgres never calls handleReadyForQuery).
 */
function settling(resolve: () => void, reject: (err: Error) => void) {
  const state = { failed: null as Error | null, settled: false };
  const answers = {
    handleError(err: Error) {
      state.failed ??= err;
      if (state.settled) return;
      state.settled = true;
      reject(err);
    },
    handleReadyForQuery() {
      if (state.settled) return;
      state.settled = true;
      if (state.failed) reject(state.failed);
      else resolve();
    },
    handleCommandComplete() {},
    handleRowDescription() {},
    handleDataRow() {},
    handleEmptyQuery() {},
    handlePortalSuspended() {},
  };
  return { state, answers };
}

/**
 * Hands `query` to `client`. node-postgres returns the query object itself; a wrapper (a write
 * transaction's client sends its deferred BEGIN first, db/client.ts) may return a promise, whose
 * failure then never reaches the query's handlers: pass it on, or the caller would wait forever.
 */
function submit(client: pg.ClientBase, query: { handleError(err: Error): void }): void {
  const returned = (client.query as unknown as (q: unknown) => unknown)(query);
  if (returned !== query && typeof (returned as Promise<unknown> | null)?.then === 'function') {
    (returned as Promise<unknown>).then(undefined, (err: Error) => query.handleError(err));
  }
}

/** A value of one column of a COPY binary row: bytes (bytea), text, or an int8. */
export type CopyValue = Buffer | string | { int8: number } | null;

/** Bytes handed to the driver per CopyData message when writing: one memcpy each, then a turn of the event loop. */
export const COPY_IN_CHUNK = 1024 * 1024;

/**
 * Inserts one row with `COPY <target> FROM STDIN (FORMAT binary)` on `client` (inside a
 * transaction of `db.write`), sending large values in CopyData messages of COPY_IN_CHUNK bytes and
 * yielding to the event loop between them (and waiting for the socket to drain). node-postgres
 * sends a Buffer parameter of an INSERT as binary already, but in one message: a 100 MB blob was
 * copied into one fresh buffer on the event loop, a single stall of ~50–70 ms. Rejects with the
 * server's error (e.g. 23505 for a duplicate key: COPY has no ON CONFLICT).
 */
export function copyInRow(client: pg.ClientBase, target: string, values: CopyValue[]): Promise<void> {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(19 + 2);
  SIGNATURE.copy(head, 0);
  head.writeInt16BE(values.length, 19); // flags and extension length stay 0
  parts.push(head);
  for (const v of values) {
    const len = Buffer.alloc(4);
    if (v === null) {
      len.writeInt32BE(-1);
      parts.push(len);
      continue;
    }
    const bytes = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : int8(v.int8);
    len.writeInt32BE(bytes.length);
    parts.push(len);
    for (let at = 0; at < bytes.length; at += COPY_IN_CHUNK) parts.push(bytes.subarray(at, at + COPY_IN_CHUNK));
  }
  parts.push(Buffer.from([0xff, 0xff])); // trailer: -1
  // small pieces go out together; a large value's chunks one per message
  const messages: Buffer[] = [];
  let small: Buffer[] = [];
  for (const p of parts) {
    if (p.length >= 64 * 1024) {
      if (small.length) messages.push(Buffer.concat(small));
      small = [];
      messages.push(p);
    } else small.push(p);
  }
  if (small.length) messages.push(Buffer.concat(small));

  return new Promise<void>((resolve, reject) => {
    const { state, answers } = settling(resolve, reject);
    type Connection = {
      query(text: string): void;
      sendCopyFromChunk(b: Buffer): void;
      endCopyFrom(): void;
      sendCopyFail(msg: string): void;
      stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
    };
    async function send(connection: Connection): Promise<void> {
      for (const m of messages) {
        if (state.failed || state.settled) return; // the server said no: it ignores CopyData that still arrives
        connection.sendCopyFromChunk(m);
        if (connection.stream.writableNeedDrain) await new Promise((r) => connection.stream.once('drain', r));
        else if (m.length >= 64 * 1024) await new Promise((r) => setImmediate(r));
      }
      if (!state.failed && !state.settled) connection.endCopyFrom();
    }
    const query = {
      ...answers,
      submit(connection: Connection) {
        connection.query(`COPY ${target} FROM STDIN (FORMAT binary)`);
      },
      handleCopyInResponse(connection: Connection) {
        // the server ends copy-in mode on CopyFail, answers with an error and is ready again
        send(connection).catch((err: Error) => connection.sendCopyFail(String(err)));
      },
      handleCopyData() {},
    };
    submit(client, query);
  });
}

function int8(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}
