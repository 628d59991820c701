/**
 * Ingest's one trip to the render worker (parse, body → Markdown, likely text → HTML) gives
 * exactly what the separate steps give, leaves out what it cannot know (cid: images, attachment
 * links), and outgoing mail is composed there too. Render workers run below the event loop's
 * priority.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { closeRenderPool, composeInWorker, emailBodyMarkdown, markdownToHtml, parseForIngest, prepareIngest, trimReplyAhead, warmRenderPool } from './index';
import { trimReply } from '../mail/inbound/reply-trim';
import { descriptionMarkdown, replyMarkdown } from '../mail/inbound/message-markdown';
import { RENDER_WORKER_NICENESS } from './thread-priority';
import { buildMime } from '../mail/outbound/mime';
import type { OutboundSpec } from '../mail/outbound/spec';

after(() => closeRenderPool());

const mail = (headers: string[], body: string) => Buffer.from([...headers, '', body].join('\r\n'));

test('a new mail: parsed, its body converted and its description rendered in one trip, as the separate steps would', async () => {
  const raw = mail(
    ['From: Ann <ann@customer.test>', 'To: desk@x.test', 'Subject: Printer', 'Message-ID: <p1@customer.test>', 'Content-Type: text/plain; charset=utf-8'],
    'Hello,\r\n\r\n/close\r\nThe **printer** is on fire: https://example.com/fire\r\n\r\n> quoted\r\n',
  );
  const ahead = await prepareIngest(raw);
  const parsed = await parseForIngest(raw);
  assert.deepEqual(ahead.parsed, parsed);
  const body = await emailBodyMarkdown(parsed.text, parsed.html);
  assert.equal(ahead.body, body);
  const md = descriptionMarkdown({ markdown: body, inlineUsed: new Set() }, []);
  assert.ok(!/^\/close/m.test(md), 'a quick action in customer mail stays text');
  assert.deepEqual(ahead.likely, { markdown: md, html: await markdownToHtml(md) });
  assert.match(ahead.likely?.html ?? '', /<strong>printer<\/strong>/);
});

test('a reply: the likely text is the trimmed note', async () => {
  const raw = mail(
    ['From: ann@customer.test', 'To: desk@x.test', 'Subject: Re: Printer', 'Message-ID: <p2@customer.test>', 'In-Reply-To: <t1@desk.test>'],
    'Thanks, it works now.\r\n\r\nOn Mon, Support wrote:\r\n> Try turning it off.\r\n',
  );
  const ahead = await prepareIngest(raw);
  const note = replyMarkdown({ markdown: ahead.body ?? '', inlineUsed: new Set() }, []).note;
  assert.equal(ahead.likely?.markdown, note);
  assert.equal(ahead.likely?.html, await markdownToHtml(note));
  // its quoted history was folded in the worker: ingest uses that, not the event loop
  assert.deepEqual(ahead.trimmed, trimReply(ahead.body ?? ''));
  assert.equal(ahead.trimmed?.visible.trim(), 'Thanks, it works now.');
});

test('a new mail carries no trimmed reply; a reply sent to a reply key without threading headers is trimmed in the worker, and shown whole if the worker gives up', async () => {
  const fresh = await prepareIngest(mail(['From: ann@customer.test', 'To: desk@x.test', 'Subject: Hi', 'Message-ID: <p9@customer.test>'], 'Hello\r\n\r\nOn Mon, Bob wrote:\r\n> x\r\n'));
  assert.equal(fresh.trimmed, undefined);
  const text = 'Works now.\n\nOn Mon, Support wrote:\n> Try again.';
  assert.deepEqual(await trimReplyAhead(text), trimReply(text));
  // a text the worker cannot finish in its budget (here none) is not folded at all
  const long = `Answer\n${'On Mon, Support wrote:\n> old\n'.repeat(200_000)}`;
  assert.deepEqual(await trimReplyAhead(long, 0), { visible: long, trimmed: '' });
});

test('attachments and cid: images are left to the caller: their links and URLs are not known in the worker', async () => {
  const withFile = mail(
    ['From: ann@customer.test', 'To: desk@x.test', 'Subject: Log', 'Message-ID: <p3@customer.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"'],
    '--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\r\nline 1\r\n--b--\r\n',
  );
  const a = await prepareIngest(withFile);
  assert.equal(a.parsed.attachments.length, 1);
  assert.ok(Buffer.isBuffer(a.parsed.attachments[0]?.content), 'attachment contents are Buffers again');
  assert.match(a.body ?? '', /See attached/);
  assert.equal(a.likely, undefined);

  const inline = mail(
    ['From: ann@customer.test', 'To: desk@x.test', 'Subject: Screenshot', 'Message-ID: <p4@customer.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/related; boundary="r"'],
    '--r\r\nContent-Type: text/html\r\n\r\n<p>Look: <img src="cid:shot1"></p>\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <shot1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n',
  );
  const b = await prepareIngest(inline);
  assert.equal(b.body, undefined, 'the HTML body is converted once its cid: images point at our copies');
  assert.equal(b.likely, undefined);
});

test('a body the Markdown renderer throws on is not a parse failure: the message comes back parsed, its text left to the fallbacks', async () => {
  const raw = mail(['From: ann@customer.test', 'To: desk@x.test', 'Subject: Dashes', 'Message-ID: <p5@customer.test>'], `${'- '.repeat(5000)}x`);
  const ahead = await prepareIngest(raw);
  assert.equal(ahead.parsed.subject, 'Dashes');
  assert.equal(ahead.likely, undefined, 'no rendering came back');
  assert.match(await markdownToHtml(ahead.body ?? ''), /- - -/, 'shown as escaped text');
});

test('a message that is not an email is refused with the reason quarantine shows', async () => {
  await assert.rejects(prepareIngest(Buffer.from('just some words\r\nwithout any header\r\n')), /no header fields|standard header fields/);
});

test('outgoing mail is composed in the worker: its template rendered and sanitised, the same MIME as built here', async () => {
  const spec: OutboundSpec = {
    from: { name: 'Acme Support', address: 'support@acme.test' },
    to: 'ann@customer.test',
    subject: 'Re: Printer',
    text: '',
    template: { source: 'Hello %{CUSTOMER_NAME}, thanks!\n\n<script>alert(1)</script>', vars: { CUSTOMER_NAME: 'Ann' } },
    messageId: '<out-1@acme.test>',
    headers: { 'Auto-Submitted': 'auto-replied' },
    date: '2026-11-30T10:00:00.000Z',
  };
  const raw = await composeInWorker(spec, [{ filename: 'a.txt', content: Buffer.from('file body'), contentType: 'text/plain' }]);
  assert.ok(raw && Buffer.isBuffer(raw));
  const text = raw.toString();
  assert.match(text, /Message-ID: <out-1@acme\.test>/i);
  assert.match(text, /Auto-Submitted: auto-replied/);
  assert.match(text, /Hello Ann, thanks!/);
  const htmlPart = text.slice(text.indexOf('Content-Type: text/html'));
  assert.match(htmlPart, /Hello Ann, thanks!/);
  assert.doesNotMatch(htmlPart, /<script|=3Cscript/i, 'the HTML part is sanitised (the text part may say it)');
  assert.match(text, /filename=a\.txt/);
  assert.match(text, /ZmlsZSBib2R5/, 'the attachment travels intact (base64 of "file body")');
  // same headers as the fallback on this thread
  const here = (await buildMime({ ...spec, template: undefined, text: 'x' }, [])).toString();
  assert.match(here, /Message-ID: <out-1@acme\.test>/i);
});

test('render workers run at a lower priority than the event loop (Linux)', { skip: process.platform !== 'linux' }, async () => {
  warmRenderPool();
  await markdownToHtml('warm **up**'); // a worker has started and lowered its priority
  const mine = os.getPriority();
  const nice = readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]));
  assert.ok(nice.includes(Math.min(19, mine + RENDER_WORKER_NICENESS)), `a thread at nice ${mine + RENDER_WORKER_NICENESS}: ${nice.join(',')}`);
  assert.equal(Number(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]), mine, 'the event loop keeps its priority');
});
