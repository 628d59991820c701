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
