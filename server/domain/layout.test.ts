/**
 * The domain's layout rules (docs/architecture.md, "Domain layout"), checked on the source:
 * every module sits in a capability folder, no import cycle joins domain modules, and the domain
 * never reaches into the API, the HTTP routes or the mail code that parses, receives or sends.
 * Imports are read with regular expressions (type-only imports count: a cycle of types is still
 * a cycle for the reader). Tests are exempt: they may drive the whole app.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DOMAIN = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.dirname(DOMAIN);

/**
 * What the domain may use from `server/mail/`: pure vocabulary shared with the mail code, no
 * network, no database, no parsing of mail. Everything else there calls the domain, never the
 * other way round.
 */
const MAIL_VOCABULARY = new Set([
  'mail/addresses.ts', // our addresses and the keys inside them (SPEC §1)
  'mail/outbound/spec.ts', // what the outbox stores for one email (a type)
  'mail/outbound/templates.ts', // customer email template kinds, placeholders, defaults
]);

/** Parts of `server/` that sit above the domain and call it. */
const ABOVE_DOMAIN = ['trpc/', 'http/', 'http.ts', 'app.ts', 'main.ts', 'cli/', 'tools/', 'testing/'];

const STATIC_IMPORT = /^\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]/gm;
const BARE_IMPORT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const isTest = (file: string) => file.endsWith('.test.ts');

/** The file a relative import names, or undefined for a package. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [STATIC_IMPORT, BARE_IMPORT, DYNAMIC_IMPORT].flatMap((re) => [...text.matchAll(re)].map((m) => m[1] as string));
  return [...new Set(specs.map((s) => resolveImport(file, s)).filter((f): f is string => f !== undefined))];
}

/** Every elementary cycle a depth-first walk meets, each once, as `a → b → a`. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        // One key per cycle whichever module the walk entered it by.
        const start = loop.indexOf([...loop].sort()[0] as string);
        const key = [...loop.slice(start), ...loop.slice(0, start)].join(' → ');
        if (!cycles.has(key)) cycles.set(key, [...loop, next]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

const modules = sourceFiles(DOMAIN).filter((f) => !isTest(f));
/** `server/domain/notes/notes.ts` for messages; `fromServer` gives `domain/notes/notes.ts` for the rules. */
const rel = (file: string) => path.relative(path.dirname(SERVER), file).split(path.sep).join('/');
const fromServer = (file: string) => path.relative(SERVER, file).split(path.sep).join('/');

function domainGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of modules) graph.set(rel(file), importsOf(file).filter((f) => modules.includes(f)).map(rel).sort());
  return graph;
}

test('the cycle finder finds a cycle, and none where there is none', () => {
  assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
});

test('every domain module sits in a capability folder', () => {
  const loose = modules.filter((f) => path.dirname(f) === DOMAIN).map(rel);
  if (loose.length) assert.fail(`modules at the root of server/domain; put each in the folder of its capability (docs/architecture.md, "Domain layout"): ${loose.join(', ')}`);
});

test('no import cycle between domain modules', () => {
  const graph = domainGraph();
  assert.ok([...graph.values()].some((deps) => deps.length > 0), 'no imports between domain modules were found: the scanner is broken');
  const cycles = findCycles(graph).map((c) => c.join(' → '));
  if (cycles.length) assert.fail(`import cycles in server/domain; a lower module must not import one that builds on it (compose them in a module above both):\n  ${cycles.join('\n  ')}`);
});

test('the domain imports nothing above it, and from server/mail only its pure vocabulary', () => {
  const breaks: string[] = [];
  for (const file of modules) {
    for (const target of importsOf(file)) {
      const to = fromServer(target);
      if (to.startsWith('..')) continue;
      const above = ABOVE_DOMAIN.some((p) => to === p || to.startsWith(p));
      const mail = to.startsWith('mail/') && !MAIL_VOCABULARY.has(to);
      if (above || mail) breaks.push(`${rel(file)} imports ${rel(target)}`);
    }
  }
  if (breaks.length) {
    assert.fail(
      `the domain must not import the API, HTTP routes, app wiring, or mail parsing, sources and transports; from server/mail only ${[...MAIL_VOCABULARY].map((m) => `server/${m}`).join(', ')} (move what needs more out of the domain, to the caller):\n  ${breaks.join('\n  ')}`,
    );
  }
});

test('mail code (sources, ingest pipeline, outbound worker) reaches tables only through the domain', () => {
  const SCHEMA = path.join(path.dirname(SERVER), 'db', 'schema');
  const breaks: string[] = [];
  for (const file of sourceFiles(path.join(SERVER, 'mail')).filter((f) => !isTest(f))) {
    for (const target of importsOf(file)) {
      if (target === SCHEMA || target.startsWith(`${SCHEMA}${path.sep}`) || target.startsWith(`${SCHEMA}.`)) breaks.push(`${rel(file)} imports ${rel(target)}`);
    }
  }
  assert.deepEqual(breaks, [], 'server/mail must call domain functions instead of reading or writing tables');
});
