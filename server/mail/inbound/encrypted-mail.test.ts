/**
 * PGP/MIME encrypted mail (RFC 3156) through the real SMTP listener: the ticket says the email is
 * encrypted and where its content is (encrypted.asc, not "attachment-1.bin"), and the "Version: 1"
 * control part is no file of its own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { Session, TestApp } from '../../testing/test-app';
import { isPgpEncrypted, opaqueBodyNote } from './opaque-body';

let app: TestApp;
let rep: Session;

before(async () => {
  ({ app, rep } = await startDeskWithReporter());
});
after(() => app.close());

const ARMOUR = ['-----BEGIN PGP MESSAGE-----', '', 'hQEMA5Fq3Vd0zc3TAQf/Yp0Xj8hS2ol5hV1lH8B2Q0m5zq3c8WJg1y0s4tYkGdL9', 'xH4r=', '-----END PGP MESSAGE-----'].join('\r\n');

/** As Thunderbird and Enigmail send it: the control part, then the armoured content, unnamed. */
const PGP_MAIL = [
  'From: Lena Fischer <lena@customer.test>',
  `To: ${TO}`,
  'Subject: Contract details',
  'Message-ID: <pgp-1@customer.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"',
  '',
  'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
  '--enc',
  'Content-Type: application/pgp-encrypted',
  'Content-Description: PGP/MIME version identification',
  '',
  'Version: 1',
  '',
  '--enc',
  'Content-Type: application/octet-stream',
  'Content-Description: OpenPGP encrypted message',
  'Content-Disposition: inline',
  '',
  ARMOUR,
  '',
  '--enc--',
  '',
].join('\r\n');

test('a PGP/MIME encrypted email becomes a ticket that says it is encrypted, with its content as encrypted.asc', async () => {
  assert.match(await sendOverSmtp(app, PGP_MAIL, 'lena@customer.test'), /Ok: ticket/);
  const t = (await rep.trpc.tickets.list.query({ projectPath: 'acme/app' })).items.find((x) => x.title === 'Contract details');
  assert.ok(t);
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.match(detail.description, /encrypted with OpenPGP: its content is in the attached encrypted\.asc/);
  assert.match(detail.description, /\[encrypted\.asc\]\(\/attachments\/[0-9a-f]{32}\/encrypted\.asc\)/);
  assert.ok(!/attachment-\d+\.bin|pgp-encrypted|Version: 1/.test(detail.description), detail.description);
});

test('PGP/MIME is recognised by the message type and its protocol only', () => {
  assert.ok(isPgpEncrypted('multipart/encrypted; protocol="application/pgp-encrypted"; boundary="x"'));
  assert.ok(isPgpEncrypted('multipart/encrypted;\r\n\tboundary=x; protocol=application/pgp-encrypted'));
  assert.ok(!isPgpEncrypted('multipart/mixed; boundary="x"'));
  assert.ok(!isPgpEncrypted('multipart/encrypted; protocol="application/x-other"'));
  const file = { content: Buffer.from('x'), contentType: 'application/octet-stream' };
  assert.equal(opaqueBodyNote([file], 'multipart/mixed; boundary="b"'), null);
});
