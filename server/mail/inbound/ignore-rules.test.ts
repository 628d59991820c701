import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoreReason } from './ignore-rules';
import { parseEmail } from './parse';

const reason = async (headers: string[]) =>
  ignoreReason(await parseEmail(Buffer.from(`${headers.join('\r\n')}\r\nTo: help@desk.test\r\nSubject: Hello\r\n\r\nHi\r\n`)), (a) => a === 'help@desk.test', () => false);

test('the ignore rules read every From as written, usable or not: a broken daemon or own address is still ignored', async () => {
  assert.equal(await reason(['From: "Mail Delivery Subsystem" <MAILER-DAEMON@>', 'Sender: relay@customer.test']), 'mailer-daemon');
  assert.equal(await reason(['From: Mail Delivery System <postmaster@mx..customer.test>', 'Reply-To: relay@customer.test']), 'mailer-daemon');
  assert.equal(await reason(['From: Paul <paul@customer.test>', 'From: <MAILER-DAEMON@mx..customer.test>']), 'mailer-daemon');
  assert.equal(await reason(['From: Paul <paul@customer.test>', 'From: "Help" <desk team help@desk.test>']), 'own-address');
  // a person with a broken address, and a person at all, are not ignored
  assert.equal(await reason(['From: "Order form" <orders@>', 'Sender: forms@shop.test']), null);
  assert.equal(await reason(['From: Paul <paul@customer.test>']), null);
});

test('a long spaced "<word … word@host>" sender is read in linear time (parse in the worker, the rules on the event loop)', async () => {
  // `/\S+$/` for the last word took ~1.7 s on the event loop at 40,000 characters, ~a minute at 300,000
  for (const n of [40_000, 300_000]) {
    const raw = Buffer.from(`From: <${'a'.repeat(n)} b@c.de>\r\nTo: help@desk.test\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\nhello\r\n`);
    let start = performance.now();
    const parsed = await parseEmail(raw);
    const parseMs = performance.now() - start;
    start = performance.now();
    assert.equal(await ignoreReason(parsed, (a) => a === 'help@desk.test', () => false), null);
    const rulesMs = performance.now() - start;
    assert.ok(parseMs < 1000 && rulesMs < 200, `${n}: parse ${parseMs.toFixed(0)} ms, rules ${rulesMs.toFixed(0)} ms`);
  }
});
