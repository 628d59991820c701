/**
 * The attachment store on this engine: files in DATA_DIR on SQLite, `file_blobs` on PostgreSQL
 * (the harness's PostgreSQL pass). Bytes come back exactly, as a whole and as a stream, and reading
 * a large file costs the event loop little (issue 14: node-postgres decoded bytea from hex text on
 * the event loop, ~150 ms for 17 MB).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { openDb, type Db } from '../../db/client';
import { testDatabaseUrl } from '../testing/test-app';
import { BLOB_SLICE_BYTES, createAttachmentStore, SMALL_BLOB_BYTES, type AttachmentStore } from './attachment-store';

let dataDir: string;
let db: Db;
let store: AttachmentStore;

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-store-'));
  db = await openDb(dataDir, { databaseUrl: await testDatabaseUrl() });
  store = createAttachmentStore(dataDir, db);
});

after(async () => {
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** every byte value (much of it not valid UTF-8), random bytes, and compressible text */
function sample(size: number, seed = 'x'): Buffer {
  const out = Buffer.alloc(size);
  let at = 0;
  for (let v = 0; v < 256 && at < size; v++) out[at++] = v;
  const noise = randomBytes(Math.min(size - at, Math.floor(size / 2)));
  at += noise.copy(out, at);
  const text = Buffer.from(`${seed}: a long log line the customer pasted into their mail, again.\r\n`);
  while (at < size) at += text.copy(out, at);
  return out;
}

async function drain(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return chunks;
}

test('bytes round-trip exactly, whole and streamed, across several slices', async () => {
  const content = sample(2 * BLOB_SLICE_BYTES + 12_345, 'round-trip');
  const sha = await store.put(content);
  assert.equal(sha, sha256(content));
  assert.equal(await store.put(content, sha), sha, 'putting the same bytes again changes nothing');
  const whole = await store.read(sha);
  assert.ok(whole?.equals(content), 'read() gives the stored bytes');
  const stream = await store.open(sha);
  assert.ok(stream);
  assert.ok(Buffer.concat(await drain(stream)).equals(content), 'open() streams the stored bytes');
});

test('bytes round-trip exactly on either side of the small-blob read (one statement on PostgreSQL) and the sliced one', async () => {
  for (const size of [SMALL_BLOB_BYTES, SMALL_BLOB_BYTES + 1]) {
    const content = sample(size, `edge-${size}`);
    const sha = await store.put(content);
    assert.ok((await store.read(sha))?.equals(content), `read() of ${size} bytes`);
    assert.ok(Buffer.concat(await drain((await store.open(sha))!)).equals(content), `open() of ${size} bytes`);
  }
});

test('an empty file is stored and read back empty; a missing one is null', async () => {
  const sha = await store.put(Buffer.alloc(0));
  const whole = await store.read(sha);
  assert.ok(whole, 'an empty file exists');
  assert.equal(whole.length, 0);
  const stream = await store.open(sha);
  assert.ok(stream);
  assert.equal(Buffer.concat(await drain(stream)).length, 0);
  const missing = sha256(Buffer.from('never stored'));
  assert.equal(await store.read(missing), null);
  assert.equal(await store.open(missing), null);
});

test('concurrent reads, streams and puts of the same file all get the same bytes', async () => {
  const content = sample(BLOB_SLICE_BYTES + 777, 'concurrent');
  const shas = await Promise.all([store.put(content), store.put(content), store.put(content)]);
  assert.deepEqual(new Set(shas), new Set([sha256(content)]));
  const sha = shas[0];
  const results = await Promise.all([
    ...Array.from({ length: 4 }, () => store.read(sha)),
    ...Array.from({ length: 3 }, async () => Buffer.concat(await drain((await store.open(sha))!))),
  ]);
  for (const r of results) assert.ok(r?.equals(content), 'every reader gets the stored bytes');
});

test('a stream that is dropped half-way leaves the store working', async () => {
  const content = sample(2 * BLOB_SLICE_BYTES + 1, 'dropped');
  const sha = await store.put(content);
  for (let i = 0; i < 3; i++) {
    const stream = (await store.open(sha))!;
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
  }
  assert.ok((await store.read(sha))?.equals(content));
});

test('reading a large file (17 MB) does not hold up the event loop', async (t) => {
  const content = sample(17 * 1024 * 1024, 'large');
  const sha = await store.put(content);
  await store.read(sha); // warm: connections, statements
  // A stall is the time between two ticks, but no more than the CPU the process used meanwhile:
  // on a busy machine a loop that was merely descheduled is not held up by the store.
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = 0;
  let worstWall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    worst = Math.max(worst, Math.min(now - last, (cpu.user + cpu.system) / 1000));
    worstWall = Math.max(worstWall, now - last);
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  const before = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  let chunks = 0;
  let biggest = 0;
  try {
    for (let i = 0; i < 2; i++) {
      assert.ok((await store.read(sha))?.equals(content));
      let at = 0;
      chunks = 0;
      for await (const part of (await store.open(sha))!) {
        const p = part as Buffer;
        assert.ok(p.equals(content.subarray(at, at + p.length)), `bytes at ${at}`);
        at += p.length;
        chunks++;
        biggest = Math.max(biggest, p.length);
      }
      assert.equal(at, content.length);
    }
  } finally {
    clearInterval(tick);
  }
  const busy = performance.eventLoopUtilization(before).active;
  const used = process.cpuUsage(cpuBefore);
  // CPU time, not the event loop's busy time, is bounded: on a loaded machine a preempted loop
  // counts as busy (busy went from ~220 ms to ~540 ms when other tests ran beside this one).
  const cpu = (used.user + used.system) / 1000;
  t.diagnostic(`${db.engine}: cpu ${Math.round(cpu)} ms, event loop busy ${Math.round(busy)} ms, worst stall ${Math.round(worst)} ms (${Math.round(worstWall)} ms by the clock), ${chunks} chunks`);
  if (db.engine === 'pg') {
    // a download is served as it comes out of the database, not after all 17 MB are in memory
    assert.ok(chunks > 1 && biggest <= BLOB_SLICE_BYTES, `streamed in ${chunks} chunks, the biggest ${biggest} bytes`);
  }
  // Measured (2 cores, shared with benches) for 17 MB × 2 reads and 2 streams on PostgreSQL: CPU
  // 250–400 ms, single stalls 12–29 ms (68 ms once under load, by the clock). With the hex text
  // decoded on the event loop (the store before issue 14's change) this test failed: CPU 700–790
  // ms, the loop busy 0.8–1.1 s, stalls 116–126 ms, one 17 MB chunk. SQLite's files are read in the
  // thread pool. (A CI run on a loaded machine once failed the earlier bounds, 500 ms of CPU and
  // 150 ms by the clock; stalls are now counted in CPU time, and the CPU bound has more room.)
  assert.ok(cpu < 600, `reading 17 MB four times took ${Math.round(cpu)} ms of CPU`);
  assert.ok(worst < 100, `the event loop stalled up to ${Math.round(worst)} ms`);
});
