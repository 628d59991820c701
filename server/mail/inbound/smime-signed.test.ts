/**
 * S/MIME opaque-signed mail (`application/pkcs7-mime; smime-type=signed-data`, Outlook with
 * "send clear text signed message" off): the message inside the signature is read and shown —
 * its text and its files — instead of "its content is in the attached smime.p7m, which can't be
 * shown here". Through the real SMTP listener, then the CMS reader on hostile input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { Session, TestApp } from '../../testing/test-app';
import { mayBeOpaqueSigned, signedContent } from './smime-signed';
import { cpuMsOf } from '../../testing/thread-cpu';

let app: TestApp;
let rep: Session;

before(async () => {
  ({ app, rep } = await startDeskWithReporter());
});
after(() => app.close());

/**
 * `openssl smime -sign -nodetach -binary -noattr -nocerts -stream` (BER: indefinite lengths, the
 * content in a constructed OCTET STRING, as Outlook writes it) over a multipart/mixed entity: a
 * UTF-8 text and export.log. A throwaway EC key signed it; the signature is not checked.
 */
const SIGNED_BER = [
  'MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0B',
  'BwGggCSABIIBcENvbnRlbnQtVHlwZTogbXVsdGlwYXJ0L21peGVkOyBib3VuZGFy',
  'eT0iaW4iDQoNCi0taW4NCkNvbnRlbnQtVHlwZTogdGV4dC9wbGFpbjsgY2hhcnNl',
  'dD11dGYtOA0KQ29udGVudC1UcmFuc2Zlci1FbmNvZGluZzogOGJpdA0KDQpEemll',
  'xYQgZG9icnksDQoNCnRoZSBpbnZvaWNlIGV4cG9ydCBmYWlscyB3aXRoIGVycm9y',
  'IDUwMCBzaW5jZSB0aGUgdXBkYXRlLiBMb2cgYXR0YWNoZWQuDQoNCk1hcnRhDQot',
  'LWluDQpDb250ZW50LVR5cGU6IHRleHQvcGxhaW47IG5hbWU9ImV4cG9ydC5sb2ci',
  'DQpDb250ZW50LURpc3Bvc2l0aW9uOiBhdHRhY2htZW50OyBmaWxlbmFtZT0iZXhw',
  'b3J0LmxvZyINCg0KRVJST1IgNTAwIGF0IC9leHBvcnQNCi0taW4tLQ0KAAAAAAAA',
  'MYHAMIG9AgEBMFUwPTEXMBUGA1UEAwwOTWFydGEgS293YWxza2ExIjAgBgkqhkiG',
  '9w0BCQEWE21hcnRhQGN1c3RvbWVyLnRlc3QCFFzBVdQVGaQIjofDJsf/rmNOdopX',
  'MA0GCWCGSAFlAwQCAQUAMAoGCCqGSM49BAMCBEYwRAIgNUbSASvTb6B+sfGKxmRk',
  'KiWNsOtgZ4COgDDxi0kbL6QCIEmpyRkiWxYsnjC/kRgtV0vtzuKWf9QsWJLkVw+g',
  'hFzBAAAAAAAA',
].join('');

/** The same entity signed without -stream: DER, definite lengths. */
const SIGNED_DER = [
  'MIICcwYJKoZIhvcNAQcCoIICZDCCAmACAQExDzANBglghkgBZQMEAgEFADCCAYMG',
  'CSqGSIb3DQEHAaCCAXQEggFwQ29udGVudC1UeXBlOiBtdWx0aXBhcnQvbWl4ZWQ7',
  'IGJvdW5kYXJ5PSJpbiINCg0KLS1pbg0KQ29udGVudC1UeXBlOiB0ZXh0L3BsYWlu',
  'OyBjaGFyc2V0PXV0Zi04DQpDb250ZW50LVRyYW5zZmVyLUVuY29kaW5nOiA4Yml0',
  'DQoNCkR6aWXFhCBkb2JyeSwNCg0KdGhlIGludm9pY2UgZXhwb3J0IGZhaWxzIHdp',
  'dGggZXJyb3IgNTAwIHNpbmNlIHRoZSB1cGRhdGUuIExvZyBhdHRhY2hlZC4NCg0K',
  'TWFydGENCi0taW4NCkNvbnRlbnQtVHlwZTogdGV4dC9wbGFpbjsgbmFtZT0iZXhw',
  'b3J0LmxvZyINCkNvbnRlbnQtRGlzcG9zaXRpb246IGF0dGFjaG1lbnQ7IGZpbGVu',
  'YW1lPSJleHBvcnQubG9nIg0KDQpFUlJPUiA1MDAgYXQgL2V4cG9ydA0KLS1pbi0t',
  'DQoxgcIwgb8CAQEwVTA9MRcwFQYDVQQDDA5NYXJ0YSBLb3dhbHNrYTEiMCAGCSqG',
  'SIb3DQEJARYTbWFydGFAY3VzdG9tZXIudGVzdAIUXMFV1BUZpAiOh8Mmx/+uY052',
  'ilcwDQYJYIZIAWUDBAIBBQAwCgYIKoZIzj0EAwIESDBGAiEAhvRiPVCLlLEk0aUT',
  'dcsSoSWtMjPr7AX9/h/j3/J6kcICIQDGAAqPTmDv5UhI9uOmBpJoTtIyIPLf99Ed',
  'rYnuufAjZA==',
].join('');

const INNER = Buffer.from(
  'Content-Type: multipart/mixed; boundary="in"\r\n\r\n--in\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDzień dobry,\r\n\r\nthe invoice export fails with error 500 since the update. Log attached.\r\n\r\nMarta\r\n--in\r\nContent-Type: text/plain; name="export.log"\r\nContent-Disposition: attachment; filename="export.log"\r\n\r\nERROR 500 at /export\r\n--in--\r\n',
);

const mail = (b64: string, id: string, subject: string) =>
  [
    'From: Marta Kowalska <marta@customer.test>',
    `To: ${TO}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@customer.test>`,
    'Date: Tue, 01 Dec 2026 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: application/pkcs7-mime; smime-type=signed-data;',
    '\tname="smime.p7m"',
    'Content-Disposition: attachment; filename="smime.p7m"',
    'Content-Transfer-Encoding: base64',
    'X-Mailer: Microsoft Outlook 16.0',
    '',
    ...(b64.match(/.{1,76}/g) ?? []),
    '',
  ].join('\r\n');

test('an opaque-signed S/MIME email shows the text and files inside its signature, and no smime.p7m', async () => {
  assert.match(await sendOverSmtp(app, mail(SIGNED_BER, 'opaque-1', 'Invoice export fails'), 'marta@customer.test'), /Ok: ticket/);
  const t = (await rep.trpc.tickets.list.query({ projectPath: 'acme/app' })).items.find((x) => x.title === 'Invoice export fails');
  assert.ok(t);
  const d = (await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid })).description;
  assert.match(d, /^Dzień dobry,/, d);
  assert.match(d, /the invoice export fails with error 500 since the update\. Log attached\./);
  assert.match(d, /\[export\.log\]\(\/attachments\/[0-9a-f]{32}\/export\.log\)/);
  assert.ok(!/smime\.p7m|S\/MIME|can't be shown/.test(d), d);
});

test('the CMS reader takes the signed content out of BER and DER, and nothing out of anything else', () => {
  assert.deepEqual(signedContent(Buffer.from(SIGNED_BER, 'base64')), INNER);
  assert.deepEqual(signedContent(Buffer.from(SIGNED_DER, 'base64')), INNER);
  const der = Buffer.from(SIGNED_DER, 'base64');
  // cut short, or a byte of the structure changed: null, not a throw
  for (const n of [0, 1, 2, 20, 100, der.length - 1]) assert.equal(signedContent(der.subarray(0, n)), null, `first ${n} bytes`);
  assert.equal(signedContent(Buffer.from('not CMS at all')), null);
  // enveloped data (encrypted) has another content type: not opened
  const enveloped = Buffer.from(der);
  enveloped[14] = 0x03;
  assert.equal(signedContent(enveloped), null);
  assert.ok(mayBeOpaqueSigned('application/pkcs7-mime; smime-type=signed-data; name=smime.p7m'));
  assert.ok(mayBeOpaqueSigned('application/x-pkcs7-mime; name="smime.p7m"'));
  assert.ok(!mayBeOpaqueSigned('application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m'));
  assert.ok(!mayBeOpaqueSigned('multipart/signed; protocol="application/pkcs7-signature"'));
});

test('hostile CMS: deep nesting, endless indefinite lengths and huge declared lengths end quickly in null', () => {
  const inputs = [
    Buffer.alloc(2_000_000, 0x30), // 30 30 30 …: lengths that never fit
    Buffer.concat([Buffer.from([0x30, 0x80]), Buffer.alloc(4_000_000, 0).fill(Buffer.from([0x30, 0x80]))]), // nested indefinite, never closed
    Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06]),
    Buffer.concat([Buffer.from([0x30, 0x80, 0x06, 0x09]), Buffer.from('2a864886f70d010702', 'hex'), Buffer.from([0xa0, 0x80]), Buffer.alloc(1_000_000, 0x04).fill(Buffer.from([0x24, 0x80]))]),
  ];
  for (const input of inputs) {
    const { ms, value } = cpuMsOf(() => signedContent(input));
    assert.equal(value, null);
    assert.ok(ms < 500, `${ms.toFixed(0)} ms of CPU for ${input.length} bytes`);
  }
});
