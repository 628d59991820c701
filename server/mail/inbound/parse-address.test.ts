import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spacedAngleAddresses, usableAddress } from './parse-address';
import { parseEmail } from './parse';

test('broken sender addresses: slips are mended, what is no address is refused, unusual but valid addresses pass', () => {
  assert.equal(usableAddress('claudia.shu@yahoo.com.'), 'claudia.shu@yahoo.com');
  assert.equal(usableAddress('millions@example.com>'), 'millions@example.com');
  assert.equal(usableAddress('<a@b.test>'), 'a@b.test');
  for (const bad of ['foo@bar@baz', 'foo@', '@bar.com', 'foo', 'a@b..com', 'a@-b.com', 'a b@c.test', 'a@b.test,c@d.test', `${'x'.repeat(300)}@b.test`]) assert.equal(usableAddress(bad), null, bad);
  for (const good of ['root@localhost', 'a@[192.0.2.1]', '"john smith"@example.com', 'jü@bücher.de', 'first.last+tag@sub.example.co.uk', 'o\'brien@example.ie', 'x@mail_relay.corp']) assert.equal(usableAddress(good), good, good);
});

test('address checks stay linear on a hostile 300,000-character header', () => {
  const t = performance.now();
  assert.equal(usableAddress(`${'<'.repeat(150_000)}${'>'.repeat(150_000)}`), null);
  assert.equal(usableAddress(`a@${'b.'.repeat(150_000)}`), null);
  assert.equal(spacedAngleAddresses(`${'<a b@c '.repeat(40_000)}>`).length, 1);
  assert.equal(spacedAngleAddresses('<x'.repeat(150_000)).length, 0);
  // a few ms; quadratic work on 300,000 characters would take minutes, so a second leaves room
  // for a loaded machine and still catches it
  assert.ok(performance.now() - t < 1000, `${Math.round(performance.now() - t)} ms`);
});

test('parsed mail keeps only usable addresses and names the broken senders', async () => {
  const raw = [
    'From: <power quadrant system@example.com>',
    'Reply-To: "Foo" <foo@bar@baz>',
    'Sender: Web Shop <forms@shop.test>',
    'To: help@desk.test, bad@',
    'Cc: "Ann" <ann@customer.test>, <@nowhere.test>, bob@customer.test.',
    'Subject: hi',
    '',
    'hello',
    '',
  ].join('\r\n');
  const m = await parseEmail(Buffer.from(raw));
  assert.equal(m.from, null);
  assert.deepEqual(m.replyTo, []);
  assert.equal(m.sender?.address, 'forms@shop.test');
  assert.deepEqual(m.unusableSenders.sort(), ['foo@bar@baz', 'power quadrant system@example.com']);
  assert.deepEqual(m.to.map((a) => a.address), ['help@desk.test']);
  assert.deepEqual(m.cc.map((a) => a.address), ['ann@customer.test', 'bob@customer.test']);
});

test('senders at Thai, Hindi and Tamil domains (punycode, decoded by mailparser; combining marks) are authors, not broken', async () => {
  for (const [written, address] of [
    ['info@xn--42cl2bj2hxbd2g.xn--o3cw4h', 'info@ทีเอชนิค.ไทย'],
    ['seva@xn--c2bd4bq1db8d.xn--h2brj9c', 'seva@डाटामेल.भारत'],
    ['a@xn--xkc2dl3a5ee0h.xn--xkc2dl3a5ee0h', 'a@இந்தியா.இந்தியா'],
  ]) {
    const m = await parseEmail(Buffer.from(`From: Somchai <${written}>\r\nTo: help@desk.test\r\nSubject: Order\r\n\r\nHello\r\n`));
    assert.equal(m.from?.address, address, written);
    assert.deepEqual(m.unusableSenders, []);
  }
  assert.equal(usableAddress('seva@डाटामेल.भारत'), 'seva@डाटामेल.भारत');
  // a label still starts with a letter or digit, and ends with no hyphen
  for (const bad of ['a@\u093e\u091f.in', 'a@-bad.com', 'a@bad-.com', 'a@a..b']) assert.equal(usableAddress(bad), null, bad);
});

test('<two words@host> is found outside quoted names and comments, matched exactly, in UTF-8', async () => {
  const from = async (header: string) => {
    const m = await parseEmail(Buffer.from(`From: ${header}\r\nReply-To: <power quadrant system@example.com>, <tem@example.com>\r\nTo: help@desk.test\r\nSubject: hi\r\n\r\nhello\r\n`));
    return { from: m.from?.address ?? null, replyTo: m.replyTo.map((a) => a.address), unusable: m.unusableSenders };
  };
  // a quoted display name holding a spaced "address" names the real one after it
  assert.equal((await from('"Help <help desk@acme.com>" <desk@acme.com>')).from, 'desk@acme.com');
  assert.equal((await from('desk@acme.com (Help <help desk@acme.com>)')).from, 'desk@acme.com');
  // a spaced entry does not veto an unrelated address that merely ends the same way
  const r = await from('Ann <ann@acme.com>');
  assert.deepEqual(r.replyTo, ['tem@example.com']);
  assert.deepEqual(r.unusable, ['power quadrant system@example.com']);
  // a UTF-8 spaced address is seen too: not "müller@x.de", an address the sender never wrote
  const utf8 = await from('Jür <jürgen müller@x.de>');
  assert.equal(utf8.from, null);
  assert.deepEqual(utf8.unusable, ['jürgen müller@x.de', 'power quadrant system@example.com']);
  assert.deepEqual(spacedAngleAddresses('"a <b c@d>" (e <f g@h>) <i j@k> <"l m"@n>'), ['i j@k']);
});
