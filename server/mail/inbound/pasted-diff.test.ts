/**
 * A diff or patch pasted into a plain-text email shows as a diff (a ```diff block), not as the
 * lists, rules and code blocks its `+`/`-` lines are in Markdown; what a customer puts in a fenced
 * block is their own text to the reply trimmer. Through the real SMTP listener, then the rules.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { Session, TestApp } from '../../testing/test-app';
import { bodyMarkdown, fenceDiffs } from './body';
import { trimReply } from './reply-trim';
import { cpuMsOf } from '../../testing/thread-cpu';

let app: TestApp;
let rep: Session;

before(async () => {
  ({ app, rep } = await startDeskWithReporter());
});
after(() => app.close());

const PATCH = [
  'Hi, the exporter crashes on empty rows. This patch fixes it for us:',
  '',
  'diff --git a/src/export.js b/src/export.js',
  'index 83db48f..bf269f4 100644',
  '--- a/src/export.js',
  '+++ b/src/export.js',
  '@@ -10,5 +10,5 @@ function exportRows(rows) {',
  '   for (const row of rows) {',
  '-        write(row.cells.join(","));',
  '+        if (!row.cells) continue;',
  '+        write(row.cells.join(","));',
  '   }',
  '-',
  ' }',
  '',
  'Could you include it in the next release?',
  '',
  '-- ',
  'Kim Ortega',
].join('\r\n');

test('a pasted patch becomes a ticket whose description shows it as a diff, with the prose around it as written', async () => {
  const raw = `From: Kim Ortega <kim@customer.test>\r\nTo: ${TO}\r\nSubject: Patch for empty rows\r\nMessage-ID: <patch-1@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${PATCH}\r\n`;
  assert.match(await sendOverSmtp(app, raw, 'kim@customer.test'), /Ok: ticket/);
  const t = (await rep.trpc.tickets.list.query({ projectPath: 'acme/app' })).items.find((x) => x.title === 'Patch for empty rows');
  assert.ok(t);
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.match(detail.description, /fixes it for us:\n\n```diff\ndiff --git a\/src\/export\.js b\/src\/export\.js\n[\s\S]*\n-\n }\n```\n\nCould you include it/);
  const html = detail.descriptionHtml;
  assert.match(html, /<pre><code[^>]*>diff --git/);
  assert.match(html, /\+        if \(!row\.cells\) continue;/, 'the added line with its indentation');
  assert.ok(!/<li>|<hr/.test(html), `no lists or rules from the diff's lines:\n${html}`);
  assert.match(html, /Could you include it in the next release\?/);
});

test('only a real diff is fenced: a hunk header and a changed line are needed, quoted and fenced text is left alone', () => {
  // lists and "---"/"+++" lines of a customer's own text
  const prose = 'Steps:\n- open the app\n- click Export\n\n--- Pros\n+++ Cons\nnothing';
  assert.equal(fenceDiffs(prose), prose);
  // a hunk header alone, with no changed line
  assert.equal(fenceDiffs('See @@ -1 +1 @@ in the log\n@@ -1,2 +1,2 @@\n context\n'), 'See @@ -1 +1 @@ in the log\n@@ -1,2 +1,2 @@\n context\n');
  // quoted (the history of a thread) and already fenced
  const quoted = 'ok\n> @@ -1 +1 @@\n> -a\n> +b';
  assert.equal(fenceDiffs(quoted), quoted);
  const fenced = '```\n@@ -1 +1 @@\n-a\n+b\n```';
  assert.equal(fenceDiffs(fenced), fenced);
  // a bare hunk, ended by a blank line and prose
  assert.equal(fenceDiffs('@@ -1 +1 @@\n-a\n+b\n\nThat is all'), '```diff\n@@ -1 +1 @@\n-a\n+b\n```\n\nThat is all');
  // a list after the diff and a blank line is the customer's own (review 10), a context line goes on
  assert.equal(fenceDiffs('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\n- item one\n- item two'), '```diff\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n```\n\n- item one\n- item two');
  assert.equal(fenceDiffs('@@ -1,3 +1,3 @@\n-a\n+b\n\n c'), '```diff\n@@ -1,3 +1,3 @@\n-a\n+b\n\n c\n```');
  // inside a hunk a blank line is a context line (its space stripped), and an indented one goes on (review 11)
  const indented = '@@ -10,7 +10,7 @@\n   const a = 1;\n-  const b = 2;\n+  const b = 3;\n\n   return a + b;\n }';
  assert.equal(fenceDiffs(indented), `\`\`\`diff\n${indented}\n\`\`\``);
  const stripped = '@@ -1,6 +1,6 @@\n import x\n\n-const a = 1\n+const a = 2\n\n done()';
  assert.equal(fenceDiffs(`${stripped}\n\nThanks`), `\`\`\`diff\n${stripped}\n\`\`\`\n\nThanks`);
  // `git format-patch`'s signature delimiter ends the diff; a removed "-" line inside it does not
  assert.equal(fenceDiffs('--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n-a\n--\n c\n--\n2.39.0'), '```diff\n--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n-a\n--\n c\n```\n--\n2.39.0');
});

test("a fenced block is the customer's own text to the reply trimmer: its `--` and `> ` lines do not cut the answer", () => {
  const reply = bodyMarkdown('Still failing with this change:\n\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n-a\n--\n+b\n c\n\nand psql says:\n\n```\n> select 1;\n```\n\nOn Mon, 3 Mar 2025 at 10:00, Support <s@desk.test> wrote:\n> Could you try the patch?', null);
  const t = trimReply(reply);
  assert.match(t.visible, /^Still failing with this change:\n\n```diff\n[\s\S]*\n-a\n--\n\+b\n c\n```\n\nand psql says:\n\n```\n> select 1;\n```$/);
  assert.match(t.trimmed, /^On Mon, 3 Mar 2025[\s\S]*Could you try the patch\?$/);
  // a fence never closed is text: the signature after it still folds
  assert.equal(trimReply('Thanks\n```\nlog\n-- \nBob').visible, 'Thanks\n```\nlog');
  // and it does not pair with a fence in the history below, hiding it (review 10)
  const ours = 'Hi Ada,\n\nRun this:\n\n```\nnpm ci\n```\n\nThanks, Sam';
  const stray = trimReply(`Here is what I ran:\n\`\`\`\nnpm ci\n\nIt failed.\n\n-----Original Message-----\nFrom: Sam <support@desk.test>\nSent: Tuesday, December 1, 2026 10:00 AM\nTo: Ada <ada@customer.test>\nSubject: Re: Build fails (#12)\n\n${ours}`);
  assert.equal(stray.visible, 'Here is what I ran:\n```\nnpm ci\n\nIt failed.');
  assert.match(stray.trimmed, /^-----Original Message-----[\s\S]*Thanks, Sam$/);
  // a closed fence holding what looks like a header block (pasted bounce headers) is the customer's (review 11)
  const headers = 'Here are the headers of the bounce:\n```\nFrom: Mail Delivery <mailer-daemon@x.com>\nDate: Tue, 1 Dec 2026 10:00:00 +0000\nTo: ada@customer.test\nSubject: Undelivered Mail\n```\n\nCan you check why it bounced?';
  assert.equal(trimReply(headers).visible, headers);
  // a closed fence holding a rule (YAML) is still the customer's own
  assert.equal(trimReply('My config:\n```\n---\nkey: 1\n--\n```\n\nOn Mon, 3 Mar 2025 at 10:00, Support <s@desk.test> wrote:\n> Send it').visible, 'My config:\n```\n---\nkey: 1\n--\n```');
});

test('fencing diffs stays linear on a long patch and on many hunk-like lines', () => {
  const hunk = ['@@ -1,2 +1,2 @@', '-old', '+new', ' same'];
  const big = Array.from({ length: 50_000 }, (_, i) => hunk[i % 4]).join('\n');
  const { ms, value: out } = cpuMsOf(() => fenceDiffs(big));
  assert.ok(out.startsWith('```diff\n@@ -1,2 +1,2 @@') && out.endsWith('\n```'));
  // lines that each start a diff but never hold a change: each is scanned once
  const starts = Array.from({ length: 50_000 }, () => '@@ -1 +1 @@ x').join('\n');
  const { ms: ms2, value: same } = cpuMsOf(() => fenceDiffs(starts));
  assert.equal(same, starts);
  assert.ok(ms < 500 && ms2 < 500, `took ${ms.toFixed(0)} ms and ${ms2.toFixed(0)} ms of CPU`);
});
