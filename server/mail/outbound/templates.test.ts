import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoActiveUrl, HOSTILE_URLS } from '../../testing/hostile-urls';
import { customerNames, defaultTemplate, fill, unknownPlaceholders, type Vars } from './templates';
import { markdownToSafeHtml, render } from './render-template';
import { cpuMsOf } from '../../testing/thread-cpu';

const vars: Vars = {
  ISSUE_ID: '#7',
  ISSUE_PATH: 'acme/app#7',
  ISSUE_URL: '',
  ISSUE_DESCRIPTION: 'Printer <b>on</b> fire',
  UNSUBSCRIBE_URL: 'https://desk.test/unsubscribe/abc',
  SYSTEM_HEADER: '',
  SYSTEM_FOOTER: 'ACME Support',
  ADDITIONAL_TEXT: '',
  REJECTION_REASON: '',
  CUSTOMER_NAME: '',
  CUSTOMER_FIRST_NAME: '',
  NOTE_TEXT: 'Hello <script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3))',
};

test('placeholders allow spaces inside the braces; unknown ones stay and are reported', () => {
  assert.equal(fill('Ticket %{ ISSUE_ID } / %{ISSUE_PATH}', vars), 'Ticket #7 / acme/app#7');
  assert.equal(fill('Hi %{CUSTOMER_EMAIL}', vars), 'Hi %{CUSTOMER_EMAIL}');
  // the name placeholders are known (mail7): only the others are reported
  assert.deepEqual(unknownPlaceholders('%{ISSUE_ID} %{ CUSTOMER_NAME } %{CUSTOMER_EMAIL} %{FOO}'), ['CUSTOMER_EMAIL', 'FOO']);
});

test('the default thank-you text is GitLab\'s', () => {
  const r = render(defaultTemplate('thank_you'), vars, 'Re: x (#7)');
  assert.match(r.text, /Thank you for your support request! We are tracking your request as ticket #7, and will respond as soon as we can\./);
  assert.match(r.html, /We are tracking your request as ticket #7/);
  assert.match(r.text, /Unsubscribe from this thread: https:\/\/desk\.test\/unsubscribe\/abc/);
  assert.match(r.text, /ACME Support\n$/);
});

test('customer text in placeholders cannot inject script or active markup', () => {
  const r = render('%{NOTE_TEXT}\n\n%{ISSUE_DESCRIPTION}', vars, '<script>x</script>');
  assert.ok(!/<script/i.test(r.html), r.html);
  assert.ok(!/onerror/i.test(r.html), r.html);
  assert.ok(!/javascript:/i.test(r.html), r.html);
  assert.match(r.html, /<title>&lt;script&gt;x&lt;\/script&gt;<\/title>/);
});

test('in email HTML, a scheme hidden by control, invisible or encoded characters is dropped from links and images', () => {
  for (const url of HOSTILE_URLS) {
    for (const md of [`[x](${url})`, `<${url}>`, `<a href="${url}">x</a>`, `![x](${url})`, `<img src="${url}">`]) {
      assertNoActiveUrl(markdownToSafeHtml(md), JSON.stringify(md));
    }
  }
  const html = markdownToSafeHtml('<a href="\u2028javascript:alert(1)">x</a> [ok](https://ok.test/) <img src="\u2028javascript:alert(2)"> ![logo](https://ok.test/l.png)');
  assert.match(html, /<a>x<\/a> <a href="https:\/\/ok\.test\/"/);
  assert.doesNotMatch(html, /alert\(2\)/, 'the refused image is gone');
  assert.match(html, /<img src="https:\/\/ok\.test\/l\.png" alt="logo" \/>/);
});

test("a customer's escaped <word> reads as typed in both parts of the email", () => {
  const r = render('%{NOTE_TEXT}', { ...vars, NOTE_TEXT: 'Error: \\<missing config> after \\<Ctrl>+\\<C>' }, 'Re: x');
  assert.match(r.text, /^Error: <missing config> after <Ctrl>\+<C>$/m);
  assert.match(r.html, /Error: &lt;missing config&gt; after &lt;Ctrl&gt;\+&lt;C&gt;/);
});

test('filling a template stays linear on long runs of blanks (a template may hold 100,000 characters)', () => {
  const blanks = `${' '.repeat(100_000)}x %{ISSUE_ID}`;
  const { ms } = cpuMsOf(() => {
    assert.equal(fill(blanks, vars), `${' '.repeat(100_000)}x #7`);
    assert.equal(fill(`Hi${' '.repeat(50_000)}%{CUSTOMER_FIRST_NAME}, and${'\t'.repeat(50_000)}`, { ...vars, CUSTOMER_FIRST_NAME: '' }), `Hi, and${'\t'.repeat(50_000)}`);
  });
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms of CPU (quadratic: minutes)`);
  assert.equal(fill('Thanks, %{CUSTOMER_NAME}! Hi %{CUSTOMER_FIRST_NAME},', { ...vars, CUSTOMER_NAME: '', CUSTOMER_FIRST_NAME: '' }), 'Thanks! Hi,');
  assert.equal(fill('Hi %{CUSTOMER_FIRST_NAME},', { ...vars, CUSTOMER_FIRST_NAME: 'Ada' }), 'Hi Ada,');
});

test("a customer's display name is read in bounded time, however long (names are kept to 200 characters)", () => {
  const { ms, value: n } = cpuMsOf(() => customerNames(`a${`"'`.repeat(50_000)}b`));
  assert.ok(ms < 200, `took ${ms.toFixed(0)} ms of CPU (unbounded: seconds)`);
  assert.equal(n.name.length <= 200, true);
});
