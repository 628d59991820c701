import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressPattern, asciiAddress, asciiAddressesIn } from './email-address';

test('IDN domains are shown in punycode, so a Cyrillic look-alike cannot pass for apple.com', () => {
  assert.equal(asciiAddress('c@аррӏе.com'), 'c@xn--80ak6aa92e.com');
  assert.equal(asciiAddress('e@пример.рф'), 'e@xn--e1afmkfd.xn--p1ai');
  assert.equal(asciiAddress('E@ПРИМЕР.РФ'), 'E@xn--e1afmkfd.xn--p1ai');
  assert.equal(asciiAddress('hans@bücher.de'), 'hans@xn--bcher-kva.de');
});

test('ASCII addresses and those already in punycode are unchanged', () => {
  for (const a of ['user@example.com', 'a@localhost', 'b@[10.1.2.3]', 'c@xn--80ak6aa92e.com', 'd@example.c0m', 'no-at-sign']) {
    assert.equal(asciiAddress(a), a);
  }
});

test('a domain IDN mapping would quietly turn into ASCII shows its foreign characters escaped', () => {
  // Full-width letters and ideographic full stops map to plain ones: shown, not hidden.
  assert.equal(asciiAddress('x@ａpple.com'), 'x@\\u{ff41}pple.com');
  assert.equal(asciiAddress('x@apple。com'), 'x@apple\\u{3002}com');
  assert.equal(asciiAddress('x@пример.рф:25'), 'x@\\u{43f}\\u{440}\\u{438}\\u{43c}\\u{435}\\u{440}.\\u{440}\\u{444}:25');
});

test('the pattern finds addresses whatever the domain', () => {
  const text = 'to a@localhost, b@[10.1.2.3]; (c@xn--80ak6aa92e.com) d@example.c0m "e@пример.рф" f@[IPv6:::1]. Done.';
  assert.deepEqual(text.match(addressPattern()), ['a@localhost', 'b@[10.1.2.3]', 'c@xn--80ak6aa92e.com', 'd@example.c0m', 'e@пример.рф', 'f@[IPv6:::1]']);
});

test('system note text gets every address in ASCII', () => {
  assert.equal(asciiAddressesIn('added c@аррӏе.com, e@пример.рф'), 'added c@xn--80ak6aa92e.com, e@xn--e1afmkfd.xn--p1ai');
  assert.equal(asciiAddressesIn('closed'), 'closed');
});
