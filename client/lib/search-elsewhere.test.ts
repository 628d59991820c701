import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchElsewhere } from './search-elsewhere';

const counts = { opened: 0, pending: 0, snoozed: 1, closed: 2 };

test('a search on one tab names the matches the other states hold, in tab order', () => {
  assert.deepEqual(searchElsewhere('invoice', 'opened', counts), {
    total: 3,
    states: [
      { state: 'snoozed', count: 1 },
      { state: 'closed', count: 2 },
    ],
  });
  assert.deepEqual(searchElsewhere('invoice', 'closed', counts), { total: 1, states: [{ state: 'snoozed', count: 1 }] });
});

test('nothing to say without a search, on the All tab, before the counts, or when every match is here', () => {
  assert.equal(searchElsewhere('  ', 'opened', counts), null);
  assert.equal(searchElsewhere('invoice', 'all', counts), null);
  assert.equal(searchElsewhere('invoice', 'opened', null), null);
  assert.equal(searchElsewhere('invoice', 'opened', { opened: 4, pending: 0, snoozed: 0, closed: 0 }), null);
});
