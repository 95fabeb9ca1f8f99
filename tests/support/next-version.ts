/**
 * A copy of the built app as its next version would be: one engine runtime file gets a new
 * content hash, and so does every file that names it, directly or through another renamed file
 * (as a real rebuild renames them). The service worker's manifest follows, so the browser sees a
 * new service worker, a new shell and a new runtime file.
 */
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEXT = /\.(js|mjs|html|css)$/;

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesOf(path) : [path];
  });
}

/** `name-HASH.ext` -> `name-HASHv2.ext`: still a hashed name, and a different one. */
function nextName(file: string): string {
  return file.replace(/-([\w-]+)(\.\w+)$/, '-$1v2$2');
}

/**
 * Copies `from` to `to` and turns the copy into the next version by renaming the runtime file
 * matching `runtime`. Returns the old and new names of the runtime file (relative to `to`).
 */
export function writeNextVersion(from: string, to: string, runtime: RegExp): { old: string; next: string } {
  cpSync(from, to, { recursive: true });
  const files = filesOf(to).filter((file) => !file.endsWith('.map'));
  const target = files.find((file) => runtime.test(file));
  if (!target) throw new Error(`No built file matches ${runtime}.`);
  const hashed = (file: string) => /\/assets\//.test(file);
  const texts = new Map(files.filter((file) => TEXT.test(file)).map((file) => [file, readFileSync(file, 'utf8')]));
  const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

  // Every hashed file that names a renamed file is renamed too, until nothing more changes.
  const renamed = new Set([target]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [file, text] of texts) {
      if (renamed.has(file) || !hashed(file)) continue;
      if ([...renamed].some((other) => text.includes(base(other)))) {
        renamed.add(file);
        grew = true;
      }
    }
  }
  const names = [...renamed].map((file) => [base(file), base(nextName(file))] as const);
  for (const [file, text] of texts) {
    let next = text;
    for (const [old, replacement] of names) next = next.replaceAll(old, replacement);
    if (next !== text) writeFileSync(file, next);
  }
  for (const file of renamed) renameSync(file, nextName(file));

  // The shell's unhashed files carry a revision in the service worker's manifest.
  const swPath = join(to, 'sw.js');
  let sw = readFileSync(swPath, 'utf8');
  for (const file of filesOf(to).filter((path) => path.endsWith('.html'))) {
    const url = relative(to, file);
    const revision = createHash('md5').update(readFileSync(file)).digest('hex');
    const escaped = url.replace(/[.]/g, '\\.');
    sw = sw.replace(new RegExp(`\\{[^{}]*"url":"${escaped}"[^{}]*\\}`), (entry) =>
      entry.replace(/"revision":"[0-9a-f]+"/, `"revision":"${revision}"`),
    );
  }
  writeFileSync(swPath, sw);
  return { old: relative(to, target), next: relative(to, nextName(target)) };
}
