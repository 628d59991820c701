/** Work on untrusted text stays linear: crafted bodies that made a pass quadratic (review round 8). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeTagLike, unescapeTagLike } from './angle-brackets';
import { tidy } from './body';
import { render } from '../outbound/render-template';

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

test('escapeTagLike stays linear on a line of unmatched backtick runs of many lengths', () => {
  let head = '';
  for (let l = 632; l >= 2; l--) head += '`'.repeat(l) + ' ';
  const line = `<b> ${head}${'` '.repeat(Math.floor((600_000 - head.length) / 2))}`;
  // against a benign line of the same length and as many backtick runs, on the same machine (quadratic: ~6× it)
  const benign = `<b> ${'`x` '.repeat(150_000)}`;
  const base = Math.min(timed(() => escapeTagLike(benign)), timed(() => escapeTagLike(benign)));
  const ms = timed(() => escapeTagLike(line));
  assert.ok(ms < 2 * base + 40, `600 K chars took ${ms.toFixed(0)} ms; a benign line of that length ${base.toFixed(1)} ms`);
  // and code spans are still found: the tag inside one stays, the one outside is escaped
  assert.equal(escapeTagLike('<b> and `<i>`'), '\\<b> and `<i>`');
});

test('tidy stays linear on long runs of blank lines and of trailing blanks', () => {
  // quadratic, these took 9 s; against a benign text of the same length on the same machine
  const benign = 'ab\n'.repeat(100_000);
  const base = Math.min(timed(() => tidy(benign)), timed(() => tidy(benign)));
  const blanks = `a${'\n'.repeat(120_000)}b`;
  const spaces = `a${' '.repeat(200_000)}b\n`;
  const ms = timed(() => {
    assert.equal(tidy(blanks), blanks);
    assert.equal(tidy(spaces), spaces.trimEnd());
  });
  assert.ok(ms < 20 * base + 100, `took ${ms.toFixed(0)} ms; a benign text ${base.toFixed(1)} ms`);
  assert.equal(tidy('\n\n  x  \t\r\n y\u00a0 \n\n'), '  x\n y');
});

test("the text part keeps a backslash-angle inside code as written (grep's \\<word\\>), and shows an escaped <word> outside code as typed", () => {
  const vars = { SYSTEM_HEADER: '', SYSTEM_FOOTER: '', ISSUE_URL: '', ISSUE_ID: '#1', UNSUBSCRIBE_URL: '', ADDITIONAL_TEXT: '', ISSUE_PATH: 'a/b#1', ISSUE_DESCRIPTION: '', NOTE_TEXT: "```\ngrep -c '\\<timeout\\>' app.log\n```\n\nand `sed 's/\\<x\\>/y/'` after \\<Ctrl>" };
  const r = render('%{NOTE_TEXT}', vars as never, 'Re: x');
  assert.match(r.text, /grep -c '\\<timeout\\>' app\.log/);
  assert.match(r.text, /sed 's\/\\<x\\>\/y\/'/);
  assert.match(r.text, /after <Ctrl>/);
  assert.equal(unescapeTagLike('a \\\\<b> c'), 'a \\\\<b> c', 'a literal backslash before it stays');
});
