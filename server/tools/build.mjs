/**
 * The production build: the client (Vite → dist/client) and the server (esbuild → dist-server:
 * main.js, desk.js and the render worker, our TypeScript bundled, node_modules left external;
 * what the code imports on demand becomes content-hashed chunks, loaded when first needed).
 * Plain JavaScript so that starting needs no TypeScript loader. Each part is rebuilt only when
 * its sources are newer than its build, so `npm start` after a `git pull` never runs stale code.
 *
 * `node server/tools/build.mjs` (after npm install) builds what is stale; `--force` (npm run build)
 * rebuilds both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_BUILD_DIR = path.join(ROOT_DIR, 'dist-server');
const CLIENT_INDEX = path.join(ROOT_DIR, 'dist', 'client', 'index.html');
/** written last by a server build: the newest source mtime it saw before it started */
const SERVER_STAMP = path.join(SERVER_BUILD_DIR, 'build.json');

const SERVER_SOURCES = ['server', 'db', 'shared', 'package.json', 'tsconfig.json'];
const CLIENT_SOURCES = ['client', 'shared', 'vite.config.ts'];
const ENTRIES = { main: 'server/main.ts', desk: 'server/cli/desk.ts', worker: 'server/render/worker.ts' };

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const st = statSync(target);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

const newestOf = (sources) => Math.max(...sources.map((p) => newestMtime(path.join(ROOT_DIR, p))));

function readStamp() {
  try {
    return JSON.parse(readFileSync(SERVER_STAMP, 'utf8'));
  } catch {
    return {};
  }
}

export function serverIsStale() {
  return newestOf(SERVER_SOURCES) > (readStamp().sourcesMtime ?? 0);
}

export function clientIsStale() {
  return !existsSync(CLIENT_INDEX) || newestOf(CLIENT_SOURCES) > statSync(CLIENT_INDEX).mtimeMs;
}

/**
 * Bundles the server into a temporary directory, then moves each file into place (a rename,
 * atomic per file): a process starting meanwhile, or a second build racing this one, reads
 * either the old file or the new one, never half of one. Chunks are named by their content and
 * the previous build's are kept, so a server still running the previous build can load what it
 * imports on demand.
 */
export async function buildServer() {
  const sourcesMtime = newestOf(SERVER_SOURCES);
  const { build } = await import('esbuild');
  mkdirSync(SERVER_BUILD_DIR, { recursive: true });
  const tmp = mkdtempSync(path.join(SERVER_BUILD_DIR, '.tmp-'));
  try {
    await build({
      absWorkingDir: ROOT_DIR,
      entryPoints: ENTRIES,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    });
    copyBootFile(tmp);
    const files = readdirSync(tmp);
    const chunks = files.filter((f) => !isEntryFile(f));
    // chunks first, then the entries that import them
    for (const file of [...chunks, ...files.filter(isEntryFile)]) renameSync(path.join(tmp, file), path.join(SERVER_BUILD_DIR, file));
    const previous = readStamp().chunks ?? [];
    writeFileSync(`${SERVER_STAMP}.${process.pid}`, `${JSON.stringify({ sourcesMtime, builtAt: new Date().toISOString(), chunks })}\n`);
    renameSync(`${SERVER_STAMP}.${process.pid}`, SERVER_STAMP);
    // Older builds' files go; a file written in the last minutes may be a racing build's own.
    const keep = new Set([...files, ...previous, path.basename(SERVER_STAMP)]);
    const old = Date.now() - 10 * 60_000;
    for (const file of readdirSync(SERVER_BUILD_DIR)) {
      const full = path.join(SERVER_BUILD_DIR, file);
      if (keep.has(file) || file.startsWith('.tmp-')) continue;
      try {
        if (statSync(full).mtimeMs < old) rmSync(full, { force: true });
      } catch {
        // removed meanwhile by a racing build
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const isEntryFile = (file) => Object.keys(ENTRIES).some((name) => file === `${name}.js` || file === `${name}.js.map`) || file === 'boot.mjs';

/** The render pool starts workers through boot.mjs beside its own module. */
function copyBootFile(dir) {
  writeFileSync(path.join(dir, 'boot.mjs'), readFileSync(path.join(ROOT_DIR, 'server/render/boot.mjs')));
}

export function buildClient() {
  const result = spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the client build failed (vite exited with ${result.status})`);
}

/** Builds whatever is stale; `client: false` for the CLI, which serves no pages. */
export async function ensureBuilt({ client = true, quiet = false, force = false } = {}) {
  if (client && (force || clientIsStale())) {
    if (!quiet) process.stderr.write('Building the client (first start or changed sources)…\n');
    buildClient();
  }
  if (force || serverIsStale()) {
    if (!quiet) process.stderr.write('Building the server (first start or changed sources)…\n');
    await buildServer();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await ensureBuilt({ force: process.argv.includes('--force') });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
