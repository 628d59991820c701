/** Undo after a close puts each ticket back as it was: pending stays pending, a snooze sleeps on if its time is ahead. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupWayBack, undoneText, wayBack } from './way-back';

const NOW = Date.parse('2031-03-01T10:00:00Z');
const LATER = '2031-03-02T09:00:00.000Z';
const EARLIER = '2031-03-01T09:00:00.000Z';

test('a closed ticket goes back to the state it had', () => {
  assert.deepEqual(wayBack({ state: 'opened', snoozedUntil: null }, NOW), { state: 'opened' });
  assert.deepEqual(wayBack({ state: 'pending', snoozedUntil: null }, NOW), { state: 'pending' });
  assert.deepEqual(wayBack({ state: 'snoozed', snoozedUntil: LATER }, NOW), { state: 'snoozed', snoozedUntil: LATER });
  // Its snooze ended meanwhile: it would be open by now.
  assert.deepEqual(wayBack({ state: 'snoozed', snoozedUntil: EARLIER }, NOW), { state: 'opened' });
  assert.deepEqual(wayBack(undefined, NOW), { state: 'opened' });
});

test('tickets closed together are put back in one call per state they had', () => {
  const before = new Map([
    [1, { state: 'opened' as const, snoozedUntil: null }],
    [2, { state: 'pending' as const, snoozedUntil: null }],
    [3, { state: 'opened' as const, snoozedUntil: null }],
    [4, { state: 'snoozed' as const, snoozedUntil: LATER }],
  ]);
  assert.deepEqual(groupWayBack([1, 2, 3, 4], (iid) => before.get(iid), NOW), [
    { to: { state: 'opened' }, iids: [1, 3] },
    { to: { state: 'pending' }, iids: [2] },
    { to: { state: 'snoozed', snoozedUntil: LATER }, iids: [4] },
  ]);
});

test('the Undo line says where they went', () => {
  assert.equal(undoneText([{ state: 'opened' }], '#12'), 'Reopened #12');
  assert.equal(undoneText([{ state: 'pending' }], '#12'), '#12 is pending again');
  assert.equal(undoneText([{ state: 'pending' }, { state: 'pending' }], '2 tickets'), '2 tickets are pending again');
  assert.equal(undoneText([{ state: 'snoozed', snoozedUntil: LATER }], '#4'), '#4 is snoozed again');
  assert.equal(undoneText([{ state: 'opened' }, { state: 'pending' }], '2 tickets'), 'Restored 2 tickets');
});
