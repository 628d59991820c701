import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultState, parseQueueParams } from './queue-filter';

const from = (q: string) => (name: string) => new URLSearchParams(q).get(name) ?? '';

test('a search covers every state unless a tab is named; without a search the queue opens on Open', () => {
  assert.equal(parseQueueParams(from(''), true).state, 'opened');
  assert.equal(parseQueueParams(from('search=invoice'), true).state, 'all');
  assert.equal(parseQueueParams(from('search=%20%20'), true).state, 'opened', 'blank is no search');
  assert.equal(parseQueueParams(from('search=invoice&state=opened'), true).state, 'opened');
  assert.equal(parseQueueParams(from('search=invoice&state=closed'), true).state, 'closed');
  assert.equal(parseQueueParams(from('search=invoice&state=bogus'), true).state, 'all');
  assert.equal(defaultState(''), 'opened');
});
