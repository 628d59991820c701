import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEmail } from './parse';
import { decodeFlowed } from './flowed';

function flowedMail(body: string, params = ''): Buffer {
  return Buffer.from(
    [
      'From: Vera Novak <vera@example.cz>',
      'To: support@example.com',
      'Subject: Re: build macros',
      'Message-ID: <flowed-quote-1@example.cz>',
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=UTF-8; format=flowed${params}`,
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\r\n'),
  );
}

test('a flowed quoted paragraph is joined without the quote markers of its continuation lines', async () => {
  // Thunderbird's bottom-post: the quoted lines end in a space (flowed), at depth 1 and 2
  const body = [
    'Dne 10.7.2025 13:48, Petr Dvorak napsal(a):',
    '> On 07/10/2025 12:29 PM, Vera Novak wrote:',
    '>> The macros live in the devel package, ',
    '>> which seems wrong to me.',
    '>',
    '> The main package carries them because module builds ',
    '> often do not need the devel package at all.',
    '',
    'Thanks, that explains it. For our builds it is ',
    'the same.',
    '',
    '-- ',
    'Vera',
  ].join('\r\n');
  const text = (await parseEmail(flowedMail(body))).text ?? '';
  assert.match(text, /^>> The macros live in the devel package, which seems wrong to me\.$/m);
  assert.match(text, /^> The main package carries them because module builds often do not need the devel package at all\.$/m);
  assert.match(text, /^Thanks, that explains it\. For our builds it is the same\.$/m);
  assert.ok(!/ > /.test(text), text);
  // the signature delimiter is never flowed
  assert.match(text, /^-- \nVera$/m);
});

test("a quote's blank flowed line does not swallow the next line; a depth change ends a paragraph", () => {
  // Outlook Express quotes with "> > " and leaves a blank "> > " line ending in a space
  assert.equal(decodeFlowed('>> > Reply above this line.\r\n>> > \r\n>> > Issue 6779 was updated.\r\n'), '>> > Reply above this line.\n>> > \n>> > Issue 6779 was updated.\n');
  // a flowed line followed by a line of another depth is not joined to it
  assert.equal(decodeFlowed('> quoted and flowed \nmine\n'), '> quoted and flowed \nmine\n');
  // space-stuffing at the top level goes; DelSp removes the space that broke the line
  assert.equal(decodeFlowed(' From here on\nit is plain'), 'From here on\nit is plain');
  assert.equal(decodeFlowed('Hel \nlo', true), 'Hello');
});

test('decoding flowed text is linear on hostile input', () => {
  for (const hostile of ['> '.repeat(400_000), `${'>'.repeat(300_000)} a \n`.repeat(3), 'a \n'.repeat(300_000), '> a \n>> b \n'.repeat(100_000)]) {
    const start = performance.now();
    decodeFlowed(hostile, true);
    // quadratic work on these takes minutes; a second is room for a loaded machine
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  }
});
