/** `npm run bench -- <name>`: runs bench/<name>.ts, which prints its figures and writes bench/results/<name>.json. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'lib.ts' && !f.endsWith('.test.ts') && !f.endsWith('-load.ts'))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !existsSync(path.join(here, `${name}.ts`))) {
  process.stderr.write(
    `Usage: npm run bench -- <name>\nAvailable: ${available.length ? available.join(', ') : '(none yet)'}\n`,
  );
  process.exit(name ? 1 : 2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`), ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
