#!/usr/bin/env node
/**
 * Prints the main-thread JavaScript a visitor downloads before choosing a model (the page's
 * entry chunk and its static imports, gzip-compressed) and fails when it exceeds the budget.
 * Worker and engine chunks are loaded later and listed separately.
 *
 * Usage: node scripts/report-bundle-size.mjs [dist folder] [budget KB]
 * Reproduce: npm run build (the app: 60 KB; the library a host page loads, dist/lib: 30 KB)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const BUDGET_KB = Number(process.argv[3] ?? 60);
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const gzipKB = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length / 1024;

const entries = Object.values(manifest).filter((chunk) => chunk.isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
// The app's page when there is one (embed.html is documentation); else the library's entry.
const pageKeys = manifest['index.html'] ? ['index.html'] : Object.keys(manifest).filter((key) => manifest[key].isEntry);
for (const key of pageKeys) visit(key);

let total = 0;
console.log(`${dist}: main-thread JavaScript loaded before a model is chosen (gzip):`);
for (const file of [...initial].filter((file) => file.endsWith('.js'))) {
  const size = gzipKB(file);
  total += size;
  console.log(`  ${file.padEnd(48)} ${size.toFixed(1).padStart(7)} KB`);
}
console.log(`  ${'total'.padEnd(48)} ${total.toFixed(1).padStart(7)} KB (budget ${BUDGET_KB} KB)`);

const lazy = readdirSync(join(dist, 'assets'))
  .map((name) => `assets/${name}`)
  .filter((file) => file.endsWith('.js') && !initial.has(file));
if (lazy.length > 0) {
  console.log('Loaded later, off the main thread or on demand (worker, engines):');
  for (const file of lazy) console.log(`  ${file.padEnd(48)} ${gzipKB(file).toFixed(1).padStart(7)} KB`);
}
console.log(
  JSON.stringify({ mainThreadGzipKB: Number(total.toFixed(1)), budgetKB: BUDGET_KB, entries: entries.length }),
);
if (total > BUDGET_KB) {
  console.error(`Main-thread JavaScript is ${total.toFixed(1)} KB gzip, over the ${BUDGET_KB} KB budget.`);
  process.exit(1);
}
