import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPresenceHub } from './presence';

const alice = { id: 1, name: 'Alice' };
const mallory = { id: 2, name: 'Mallory' };

test('another session cannot join, move or end an entry under a client id it does not own', () => {
  const hub = createPresenceHub();
  const leave = hub.join(1, 'tab-aaaaaaaa', 'session-a', alice, 7);
  assert.ok(leave);
  assert.equal(hub.join(1, 'tab-aaaaaaaa', 'session-m', mallory), null);
  assert.equal(hub.join(2, 'tab-aaaaaaaa', 'session-m', mallory), null, 'not in another project either');
  assert.equal(hub.update(1, 'tab-aaaaaaaa', 'session-m', { iid: null, typing: false }), false);
  assert.deepEqual(hub.snapshot(1), [{ clientId: 'tab-aaaaaaaa', userId: 1, name: 'Alice', iid: 7, typing: false }]);
  assert.deepEqual(hub.snapshot(2), []);
  leave();
  assert.deepEqual(hub.snapshot(1), []);
  assert.ok(hub.join(2, 'tab-aaaaaaaa', 'session-m', mallory), 'a released id can be used again');
  hub.stop();
});

test('a reconnecting tab keeps its entry when its old subscription ends after the new one began', () => {
  const hub = createPresenceHub();
  const oldLeave = hub.join(1, 'tab-aaaaaaaa', 'session-a', alice, 3);
  const newLeave = hub.join(1, 'tab-aaaaaaaa', 'session-a', alice, 4);
  oldLeave?.();
  assert.deepEqual(hub.snapshot(1).map((p) => p.iid), [4]);
  assert.equal(hub.join(1, 'tab-aaaaaaaa', 'session-m', mallory), null, 'still owned while the new subscription lasts');
  newLeave?.();
  assert.deepEqual(hub.snapshot(1), []);
  hub.stop();
});
