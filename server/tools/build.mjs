/**
 * The production build: the client (Vite → dist/client) and the server (esbuild → dist-server:
 * main.js, desk.js and the render worker, our TypeScript bundled, node_modules left external;
 * what the code imports on demand becomes content-hashed chunks, loaded when first needed).
 * Plain JavaScript so that starting needs no TypeScript loader. Each part is rebuilt when its
 * sources differ from those it was built from — a fingerprint of every source file's path, size
 * and modification time, not "newer than the build": files put back with older times (a tarball
 * or rsync of another release, a rollback, a clock that was ahead) count too — so `npm start`
 * after a `git pull` never runs stale code.
 *
 * `node server/tools/build.mjs` (after npm install) builds what is stale; `--force` (npm run build)
 * rebuilds both.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_BUILD_DIR = path.join(ROOT_DIR, 'dist-server');
const CLIENT_INDEX = path.join(ROOT_DIR, 'dist', 'client', 'index.html');
/** written last by a server build: the fingerprint of the sources it was built from */
const SERVER_STAMP = path.join(SERVER_BUILD_DIR, 'build.json');
/** the same for the client (beside dist/client, which Vite empties and the server serves) */
const CLIENT_STAMP = path.join(ROOT_DIR, 'dist', 'client-build.json');

const SERVER_SOURCES = ['server', 'db', 'shared', 'package.json', 'tsconfig.json'];
// The client bundles its dependencies: an upgrade of one (package-lock.json) needs a new bundle.
const CLIENT_SOURCES = ['client', 'shared', 'vite.config.ts', 'package.json', 'package-lock.json'];
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

/** path, size and mtime of every file under `target` (node_modules skipped) */
function listFiles(target, rel, out) {
  let st;
  try {
    st = statSync(target);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    out.push(`${rel}\0${st.size}\0${st.mtimeMs}`);
    return;
  }
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules') continue;
    listFiles(path.join(target, entry), `${rel}/${entry}`, out);
  }
}

/** One hash of every source file's path, size and modification time: any change, older or newer, changes it. */
export function sourcesFingerprint(sources, root = ROOT_DIR) {
  const files = [];
  for (const p of sources) listFiles(path.join(root, p), p, files);
  return createHash('sha256').update(files.sort().join('\n')).digest('hex');
}

function readStamp(file = SERVER_STAMP) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** Written whole, then renamed into place. */
function writeStamp(file, value) {
  writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(value)}\n`);
  renameSync(`${file}.${process.pid}`, file);
}

export function serverIsStale() {
  return readStamp().sources !== sourcesFingerprint(SERVER_SOURCES);
}

export function clientIsStale() {
  return !existsSync(CLIENT_INDEX) || readStamp(CLIENT_STAMP).sources !== sourcesFingerprint(CLIENT_SOURCES);
}

/**
 * Bundles the server into a temporary directory, then moves each file into place (a rename,
 * atomic per file): a process starting meanwhile, or a second build racing this one, reads
 * either the old file or the new one, never half of one. Chunks are named by their content and
 * the previous build's are kept, so a server still running the previous build can load what it
 * imports on demand.
 */
export async function buildServer() {
  const sources = sourcesFingerprint(SERVER_SOURCES);
  const sourcesMtime = newestOf(SERVER_SOURCES);
  const { build } = await import('esbuild');
  mkdirSync(SERVER_BUILD_DIR, { recursive: true });
  const tmp = mkdtempSync(path.join(SERVER_BUILD_DIR, '.tmp-'));
  try {
    // Built for dist-server itself (the source maps name ../server/…, which is where the sources
    // are), written to the temporary directory first.
    const result = await build({
      absWorkingDir: ROOT_DIR,
      entryPoints: ENTRIES,
      outdir: SERVER_BUILD_DIR,
      write: false,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    });
    for (const file of result.outputFiles) {
      const target = path.join(tmp, path.relative(SERVER_BUILD_DIR, file.path));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    copyBootFile(tmp);
    const files = readdirSync(tmp);
    const chunks = files.filter((f) => !isEntryFile(f));
    // chunks first, then the entries that import them
    for (const file of [...chunks, ...files.filter(isEntryFile)]) renameSync(path.join(tmp, file), path.join(SERVER_BUILD_DIR, file));
    const previous = readStamp().chunks ?? [];
    writeStamp(SERVER_STAMP, { sources, sourcesMtime, builtAt: new Date().toISOString(), chunks });
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

/** how long the assets of a previous client build stay (a page opened before an upgrade loads them) */
const KEEP_RETIRED_ASSETS_MS = 7 * 24 * 60 * 60_000;
const CLIENT_ASSETS = path.join(ROOT_DIR, 'dist', 'client', 'assets');

export function buildClient() {
  const sources = sourcesFingerprint(CLIENT_SOURCES);
  const before = assetTimes();
  const result = spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the client build failed (vite exited with ${result.status})`);
  writeStamp(CLIENT_STAMP, { sources, builtAt: new Date().toISOString(), retired: retireOldAssets(before) });
}

/** Each client asset's modification time, before a build. */
function assetTimes() {
  try {
    return new Map(readdirSync(CLIENT_ASSETS).map((f) => [f, statSync(path.join(CLIENT_ASSETS, f)).mtimeMs]));
  } catch {
    return new Map();
  }
}

/**
 * A tab opened before an upgrade still has the old index.html, whose routes import chunks by
 * their old content-hashed names: those stay a week after the build that stopped writing them
 * (each file's retirement is recorded in the stamp), then go.
 */
function retireOldAssets(before) {
  const retired = { ...(readStamp(CLIENT_STAMP).retired ?? {}) };
  const now = Date.now();
  let files = [];
  try {
    files = readdirSync(CLIENT_ASSETS);
  } catch {
    return retired;
  }
  for (const file of files) {
    const full = path.join(CLIENT_ASSETS, file);
    // this build wrote it (Vite writes every output, changed or not): new, or touched since
    // (compared with the time before the build, not with the clock: a file the previous build
    // wrote a moment before this one started is still the previous build's)
    if (before.get(file) !== statSync(full).mtimeMs) {
      delete retired[file];
      continue;
    }
    retired[file] ??= now;
    if (now - retired[file] > KEEP_RETIRED_ASSETS_MS) {
      rmSync(full, { force: true });
      delete retired[file];
    }
  }
  for (const file of Object.keys(retired)) if (!files.includes(file)) delete retired[file];
  return retired;
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
