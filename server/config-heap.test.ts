import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config';

test('HEAP_GROWING_PERCENT: 200 unless set, 0 to leave it to V8, a precise message when wrong', () => {
  assert.equal(loadConfig({}).heapGrowingPercent, 200);
  assert.equal(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent, 0);
  assert.throws(() => loadConfig({ HEAP_GROWING_PERCENT: 'lots' }), /HEAP_GROWING_PERCENT/);
  assert.throws(() => loadConfig({ HEAP_GROWING_PERCENT: '5000' }), /HEAP_GROWING_PERCENT/);
});
