/**
 * What an operator reads is what the server reads: README's Configuration table names exactly
 * the variables server/config.ts validates, and the defaults it states for the node's name hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV_VARIABLES, loadConfig } from './config';
import { ROOT_DIR } from './paths';

function readmeSection(title: string): string {
  const readme = readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test("README's Configuration table lists every variable config.ts reads, and no other", () => {
  const documented = new Set<string>();
  for (const line of readmeSection('Configuration').split('\n')) {
    const first = line.startsWith('| `') ? line.split('|')[1]! : '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) documented.add(m[1]!);
  }
  const read = new Set(ENV_VARIABLES);
  assert.deepEqual({ undocumented: [...read].filter((v) => !documented.has(v)).sort(), unknown: [...documented].filter((v) => !read.has(v)).sort() }, { undocumented: [], unknown: [] });
});

test('NODE_NAME defaults to the host name (the domain appends the process id once)', () => {
  assert.equal(loadConfig({}).nodeName, os.hostname());
  assert.equal(loadConfig({ NODE_NAME: 'node-a' }).nodeName, 'node-a');
});
