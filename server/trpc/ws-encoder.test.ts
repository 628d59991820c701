import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareForEncoding, wsEncoder } from './ws-encoder';

test('a shared envelope encodes to exactly what JSON.stringify gives, for each subscriber id', () => {
  const env = shareForEncoding({ seq: 7, at: '2030-01-01T00:00:00.000Z', event: { type: 'ticket.hidden', iid: 3, note: 'é "quoted" \u2028' } });
  for (const id of [1, 'abc', 42]) {
    const msg = { id, jsonrpc: '2.0', result: { type: 'data', id: '7', data: { id: '7', data: env } } };
    assert.deepEqual(JSON.parse(wsEncoder.encode(msg)), JSON.parse(JSON.stringify(msg)));
  }
});

test('anything else is plain JSON; binary frames are refused', () => {
  const msg = { id: 1, result: { type: 'data', data: { id: '1', data: { not: 'shared' } } } };
  assert.equal(wsEncoder.encode(msg), JSON.stringify(msg));
  assert.equal(wsEncoder.encode({ id: 2, error: { message: 'x' } }), JSON.stringify({ id: 2, error: { message: 'x' } }));
  assert.deepEqual(wsEncoder.decode('{"a":1}'), { a: 1 });
  assert.throws(() => wsEncoder.decode(new Uint8Array([1])), /JSON text frames/);
});
