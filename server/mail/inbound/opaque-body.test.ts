import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opaqueBodyNote } from './opaque-body';

const file = (contentType: string, filename?: string) => ({ content: Buffer.from('x'), contentType, filename });
const MIXED = 'multipart/mixed; boundary="b"';

test('a TNEF or S/MIME attachment gives a line naming it; a hostile name cannot become Markdown; other attachments give none', () => {
  assert.match(opaqueBodyNote([file('application/ms-tnef', 'winmail.dat')], MIXED) ?? '', /attached winmail\.dat \(Outlook rich text\)/);
  assert.match(opaqueBodyNote([file('application/octet-stream', 'WINMAIL.DAT')], MIXED) ?? '', /attached WINMAIL\.DAT/);
  assert.match(opaqueBodyNote([file('application/x-pkcs7-mime', 'smime.p7m')], 'application/x-pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"') ?? '', /S\/MIME: its content is in the attached smime\.p7m/);
  assert.match(opaqueBodyNote([file('application/vnd.ms-tnef')], MIXED) ?? '', /attached winmail\.dat/);
  const hostile = opaqueBodyNote([file('application/ms-tnef', '](javascript:alert(1))*<img src=x>.dat')], MIXED) ?? '';
  assert.equal(/attached (.*) \(Outlook/.exec(hostile)?.[1], '(javascriptalert(1))img srcx.dat');
  assert.equal(opaqueBodyNote([file('application/pdf', 'invoice.pdf')], MIXED), null);
  assert.equal(opaqueBodyNote([file('application/pkcs7-signature', 'smime.p7s')], MIXED), null);
});

test('S/MIME only when the message itself is: its own type is pkcs7-mime, or its only part is smime.p7m; a signed document attached to a plain mail is not', () => {
  assert.match(opaqueBodyNote([file('application/pkcs7-mime', 'smime.p7m')], MIXED) ?? '', /S\/MIME/);
  // an Italian e-invoice (FatturaPA) sent with an empty body
  assert.equal(opaqueBodyNote([file('application/pkcs7-mime', 'IT01234567890_FPR17.xml.p7m')], MIXED), null);
  assert.equal(opaqueBodyNote([file('application/octet-stream', 'IT01234567890_FPR17.xml.p7m'), file('application/pdf', 'copy.pdf')], MIXED), null);
  assert.equal(opaqueBodyNote([file('application/pkcs7-mime', 'smime.p7m'), file('application/pdf', 'copy.pdf')], MIXED), null);
});
