/**
 * Installs the system packages the tests need when they are missing: apt-get when running as
 * root, otherwise a clear message saying what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

interface Need {
  what: string;
  /** present when this file exists */
  probe: string;
  aptPackages: string[];
}

export const NEEDS: Need[] = [
  { what: 'Chromium (browser tests)', probe: '/usr/bin/chromium', aptPackages: ['chromium'] },
  { what: 'Dovecot (a real IMAP server for ingest tests)', probe: '/usr/sbin/dovecot', aptPackages: ['dovecot-imapd'] },
  { what: 'swaks (a real command-line SMTP client)', probe: '/usr/bin/swaks', aptPackages: ['swaks'] },
  { what: 'PostgreSQL (the second database engine; a private cluster per test run)', probe: '/usr/lib/postgresql/15/bin/initdb', aptPackages: ['postgresql'] },
];

export function ensureSystemPackages(needs: Need[] = NEEDS): void {
  const missing = needs.filter((n) => !existsSync(n.probe));
  if (missing.length === 0) return;
  const packages = missing.flatMap((n) => n.aptPackages);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `Missing for the tests: ${missing.map((m) => m.what).join(', ')}.\n` +
        `Install them with: sudo apt-get install -y ${packages.join(' ')}  (then run npm test again)`,
    );
  }
  process.stdout.write(`Installing test system packages: ${packages.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (install().status !== 0) {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    if (install().status !== 0) throw new Error(`apt-get could not install: ${packages.join(' ')}`);
  }
  const still = missing.filter((n) => !existsSync(n.probe));
  if (still.length > 0) throw new Error(`Still missing after install: ${still.map((s) => s.probe).join(', ')}`);
}
