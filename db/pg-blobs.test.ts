/** The COPY helpers' failure paths that the real-PostgreSQL tests cannot provoke (server/files/attachment-store.test.ts covers the rest). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { copyInRow, copyOutColumn } from './pg-blobs';

test('a client whose query() rejects (a failed deferred BEGIN) fails the COPY instead of leaving it waiting', async () => {
  const failing = { query: () => Promise.reject(new Error('BEGIN failed')) } as unknown as pg.ClientBase;
  await assert.rejects(copyOutColumn(failing, 'SELECT 1', () => undefined), /BEGIN failed/);
  await assert.rejects(copyInRow(failing, 't (a)', [Buffer.from('x')]), /BEGIN failed/);
});
