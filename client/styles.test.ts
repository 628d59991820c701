/**
 * The stylesheet is one flat list of rules (plus @media/@supports blocks). A rule left without
 * its closing brace is not a syntax error to the browser: with CSS nesting, every rule after it
 * silently becomes a descendant rule and stops applying (the bulk bar, chips and saved views once
 * lost their styles that way).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

function unclosedRules(css: string): string[] {
  const problems: string[] = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  let depth = 0;
  text.split('\n').forEach((line, i) => {
    // A selector at the start of a line opens a top-level rule: nothing may be open then,
    // except an at-rule block (whose own rules are indented).
    if (/^[^\s@}][^{]*\{\s*$/.test(line) && depth !== 0) problems.push(`line ${i + 1}: "${line.trim()}" starts inside an unclosed rule`);
    for (const ch of line) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth < 0) {
      problems.push(`line ${i + 1}: a "}" closes nothing`);
      depth = 0;
    }
  });
  if (depth !== 0) problems.push(`${depth} rule(s) never closed`);
  return problems;
}

test('every rule in styles.css is closed before the next begins', () => {
  const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
  assert.deepEqual(unclosedRules(css), []);
});

test('the check finds a rule left open', () => {
  assert.deepEqual(unclosedRules('.a {\n  color: red;\n.b {\n  color: blue;\n}\n'), ['line 3: ".b {" starts inside an unclosed rule', '1 rule(s) never closed']);
  assert.deepEqual(unclosedRules('@media (max-width: 600px) {\n  .a {\n    color: red;\n  }\n}\n.b {\n}\n'), []);
});
