/**
 * `npm start` and `npm run desk`: runs the compiled server (dist-server/main.js) or CLI
 * (dist-server/desk.js) in this very process, building first whatever is missing or older than
 * its sources. No TypeScript is compiled on an ordinary start; `npm run dev` runs the sources.
 *
 *   node server/tools/launch.mjs main            the server (builds the client too)
 *   node server/tools/launch.mjs desk <args…>    the operator CLI
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ROOT_DIR, SERVER_BUILD_DIR } from './build.mjs';

const [target] = process.argv.splice(2, 1);
if (target !== 'main' && target !== 'desk') {
  process.stderr.write('Usage: node server/tools/launch.mjs main|desk [args…]\n');
  process.exit(2);
}
checkDependencies();
try {
  await ensureBuilt({ client: target === 'main' });
} catch (err) {
  // an install without the dev dependencies (`npm ci --omit=dev`, NODE_ENV=production) cannot build
  const missing = err && typeof err === 'object' && 'code' in err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND');
  process.stderr.write(
    missing
      ? `\n  Threadline needs a build, and building needs the development dependencies (Vite, esbuild): run \`npm install\` without --omit=dev (and without NODE_ENV=production).\n  (${err.message.split('\n')[0]})\n\n`
      : `${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
}
// stack traces in logs name the TypeScript sources, not the bundle
process.setSourceMapsEnabled(true);
if (target === 'main' && process.env.npm_lifecycle_event) stopWithNpm();
await import(pathToFileURL(path.join(SERVER_BUILD_DIR, `${target}.js`)).href);

/**
 * `npm start` runs us under `sh -c`: a SIGTERM sent to npm alone (Docker's PID 1, `kill <pid of
 * npm>`, a supervisor that signals only its main process) ends npm and that shell but never
 * reaches this process, which would keep serving — and holding the ports — with nobody to stop
 * it. So under npm, our parent going away is our SIGTERM: the server drains and exits as usual.
 */
function stopWithNpm() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 250).unref();
}

/**
 * The packages package.json pins, as installed: none missing (no `npm install` yet, or a `git
 * pull` that added one: the server would die on its first import of it, naming only a file), and
 * a warning when a version differs (a pull that changed package-lock.json without `npm install`).
 */
function checkDependencies() {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8'));
  const missing = [];
  const differ = [];
  for (const [name, version] of Object.entries(pkg.dependencies ?? {})) {
    let installed;
    try {
      installed = JSON.parse(readFileSync(path.join(ROOT_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      missing.push(name);
      continue;
    }
    if (installed !== version) differ.push(`${name} ${installed} (package.json: ${version})`);
  }
  const some = (list) => `${list.slice(0, 3).join(', ')}${list.length > 3 ? ` and ${list.length - 3} more` : ''}`;
  if (missing.length > 0) {
    process.stderr.write(`\n  Threadline's dependencies are not installed (${some(missing)}): run \`npm install\` first (again after a \`git pull\` that changed package-lock.json).\n\n`);
    process.exit(1);
  }
  if (differ.length > 0) process.stderr.write(`Warning: installed dependencies differ from package.json: ${some(differ)}. Run \`npm install\`.\n`);
}
