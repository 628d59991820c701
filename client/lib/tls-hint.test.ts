import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tlsHint } from './tls-hint';

test('OpenSSL\'s answer to TLS spoken to a plain-text port gets a hint about the Security choice', () => {
  assert.match(tlsHint('801C0DDDDA7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:') ?? '', /choose STARTTLS/);
  assert.equal(tlsHint('535 5.7.8 Authentication credentials invalid'), null);
  assert.equal(tlsHint('connect ECONNREFUSED 127.0.0.1:2525'), null);
});
