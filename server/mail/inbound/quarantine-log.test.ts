/**
 * Malformed mail is expected input: it goes to quarantine with its reason and a line in the log,
 * not an error with a stack trace (which would page an operator for a spammer's mail).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedProject, startTestApp, type TestApp } from '../../testing/test-app';
import { setLogLevel } from '../../log';

let app: TestApp;
before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedProject(app, 'acme/app');
});
after(() => app.close());

test('a mail with no From, Reply-To or Sender is quarantined with the reason, logged as info without a stack', async () => {
  const raw = ['To: incoming+acme-app-1-issue-@desk.test', 'Subject: Who am I', 'Message-ID: <nobody-1@customer.test>', '', 'Hello?', ''].join('\r\n');
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  setLogLevel('info');
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  let out;
  try {
    out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(out.status, 'quarantined', JSON.stringify(out));
  assert.match(out.status === 'quarantined' ? out.error : '', /no From, Reply-To or Sender address/);
  const entries = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"message quarantined"')).map((l) => JSON.parse(l) as { level: string; reason?: string; err?: unknown });
  assert.equal(entries.length, 1, lines.join(''));
  assert.equal(entries[0]?.level, 'info');
  assert.match(entries[0]?.reason ?? '', /nobody to answer/);
  assert.equal(entries[0]?.err, undefined, 'no stack trace');
});

test('a mail whose only sender address is broken ("foo@bar@baz") is quarantined, saying which address', async () => {
  const raw = ['From: "Foo" <foo@bar@baz>', 'To: incoming+acme-app-1-issue-@desk.test', 'Subject: Cheap watches', 'Message-ID: <broken-from-1@spam.test>', '', 'Buy now', ''].join('\r\n');
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.equal(out.status, 'quarantined', JSON.stringify(out));
  assert.match(out.status === 'quarantined' ? out.error : '', /"foo@bar@baz" is not a valid email address/);
});
