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
 * keep. Resolves once the server has finished the statement; rejects with its error.
 */
export function copyOutColumn(client: pg.ClientBase, select: string, onValue: (bytes: Buffer | null) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let headerSeen = false;
    let failed: Error | null = null;
    let settled = false;
    const fail = (err: Error) => {
      failed ??= err;
    };
    const query: Submittable = {
      submit(connection) {
        connection.query(`COPY (${select}) TO STDOUT (FORMAT binary)`);
      },
      // PostgreSQL sends each row as one CopyData message (the file header comes with the first)
      handleCopyData({ chunk }) {
        if (failed) return;
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
      // after an error node-postgres calls this and never handleReadyForQuery
      handleError(err) {
        if (settled) return;
        settled = true;
        reject(err);
      },
      handleReadyForQuery() {
        if (settled) return;
        settled = true;
        if (failed) reject(failed);
        else resolve();
      },
      handleCommandComplete() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse(connection) {
        connection.sendCopyFail('not a COPY FROM');
      },
    };
    void (client.query as unknown as (q: Submittable) => void)(query);
  });
}
