/** Databases as an older release left them: the migrations folders cut before a given migration. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A copy of a migrations folder holding only the migrations before the one whose tag ends in `tag`. */
export function migrationsBefore(folder: string, tag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-mig-'));
  cpSync(folder, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(tag));
  assert.ok(cut > 0, `no migration ${tag} in ${folder}`);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}
