// A digest of the code that writes the test fixtures, so a checkout whose generator changed
// (a new fixture, different weights) regenerates them instead of testing stale files.
// make-fixtures.mjs stores it beside the fixtures; tests/support/fixtures.ts compares.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS = dirname(fileURLToPath(import.meta.url));

/** The file beside the fixtures that holds the digest they were written with. */
export const DIGEST_FILE = '.generator-digest';

/**
 * Where the digest of a fixture folder written on its own (make-fixtures --large) is kept: beside
 * the folder, never in it, since the tests serve the folder as the model and count its files.
 */
export function folderDigestPath(out, folder) {
  return join(out, `${folder}${DIGEST_FILE}`);
}

/** sha256 of every script the fixtures come from (all of scripts/ but the twins, which stamp themselves). */
export function fixturesDigest() {
  const hash = createHash('sha256');
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'twins') visit(path);
      } else if (entry.name.endsWith('.mjs')) {
        hash.update(entry.name).update(readFileSync(path));
      }
    }
  };
  visit(SCRIPTS);
  return hash.digest('hex');
}
