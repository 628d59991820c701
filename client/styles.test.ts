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

/** The stylesheet's colour variables, light (`:root`) or dark (`prefers-color-scheme: dark`, on top of light). */
function palette(css: string, dark: boolean): Map<string, string> {
  const vars = new Map<string, string>();
  const blocks = [/^:root \{([\s\S]*?)\n\}/m.exec(css)?.[1] ?? ''];
  if (dark) blocks.push(/prefers-color-scheme: dark\) \{\s*:root \{([\s\S]*?)\}/.exec(css)?.[1] ?? '');
  for (const block of blocks) for (const m of block.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6});/gi)) vars.set(m[1] as string, m[2] as string);
  return vars;
}

/** A rule's colour for `prop` as the variable it names: `.segment .count` → background → `--surface-2`. */
function ruleVar(css: string, selector: string, prop: string): string {
  const body = new RegExp(`^${selector.replace(/[.[\]'()]/g, '\\$&')} \\{([^}]*)\\}`, 'm').exec(css)?.[1] ?? '';
  return new RegExp(`(?:^|\\s)${prop}:\\s*var\\((--[\\w-]+)\\)`).exec(body)?.[1] ?? `${selector} sets no ${prop}`;
}

function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

test('small coloured text keeps 4.5:1 (WCAG AA) in light and dark: the tabs’ counts, the active tab, label chips', () => {
  const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
  const countBg = ruleVar(css, '.segment .count', 'background');
  const pairs: [what: string, fg: string, bg: string][] = [
    ['a tab’s count', ruleVar(css, '.segment', 'color'), countBg],
    ['the active tab’s count', ruleVar(css, ".segment[aria-pressed='true']", 'color'), countBg],
    ['the active tab', ruleVar(css, ".segment[aria-pressed='true']", 'color'), ruleVar(css, ".segment[aria-pressed='true']", 'background')],
    ['a label chip', ruleVar(css, '.label', 'color'), ruleVar(css, '.label', 'background')],
  ];
  for (const dark of [false, true]) {
    const colors = palette(css, dark);
    for (const [what, fg, bg] of pairs) {
      const [f, b] = [colors.get(fg), colors.get(bg)];
      assert.ok(f && b, `${what}: ${fg} on ${bg} are colour variables`);
      assert.ok(contrast(f, b) >= 4.5, `${what} (${dark ? 'dark' : 'light'}): ${fg} ${f} on ${bg} ${b} is ${contrast(f, b).toFixed(2)}:1`);
    }
  }
});
