import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opaqueBodyNote } from './opaque-body';

const file = (contentType: string, filename?: string) => ({ content: Buffer.from('x'), contentType, filename });

test('a TNEF or S/MIME attachment gives a line naming it; a hostile name cannot become Markdown; other attachments give none', () => {
  assert.match(opaqueBodyNote([file('application/ms-tnef', 'winmail.dat')]) ?? '', /attached winmail\.dat \(Outlook rich text\)/);
  assert.match(opaqueBodyNote([file('application/octet-stream', 'WINMAIL.DAT')]) ?? '', /attached WINMAIL\.DAT/);
  assert.match(opaqueBodyNote([file('application/x-pkcs7-mime', 'smime.p7m')]) ?? '', /S\/MIME: its content is in the attached smime\.p7m/);
  assert.match(opaqueBodyNote([file('application/vnd.ms-tnef')]) ?? '', /attached winmail\.dat/);
  const hostile = opaqueBodyNote([file('application/ms-tnef', '](javascript:alert(1))*<img src=x>.dat')]) ?? '';
  assert.equal(/attached (.*) \(Outlook/.exec(hostile)?.[1], '(javascriptalert(1))img srcx.dat');
  assert.equal(opaqueBodyNote([file('application/pdf', 'invoice.pdf')]), null);
  assert.equal(opaqueBodyNote([file('application/pkcs7-signature', 'smime.p7s')]), null);
});
