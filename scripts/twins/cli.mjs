// `npm run fixtures -- --twin <name> [--formats onnx,mlc,gguf] [--out <dir>] [--mlc-library <wasm>] [--seed N] [--force]`
// Writes a twin (see index.mjs) and prints what it wrote, how big, and how long it took.

import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TWIN_SPECS } from './spec.mjs';
import { TWIN_FORMATS, writeTwin } from './index.mjs';

const USAGE =
  'usage: npm run fixtures -- --twin <name> [--formats onnx,mlc,gguf] [--out <dir>] [--mlc-library <wasm>] [--seed N] [--force]\n' +
  `  twins: ${Object.keys(TWIN_SPECS).join(', ')}; formats: ${TWIN_FORMATS.join(', ')}\n`;

/**
 * Runs the twin command line.
 * @param {string[]} argv arguments after the script name
 * @param {string} defaultOut the fixtures folder
 */
export function runTwinCli(argv, defaultOut) {
  const { values } = parseArgs({
    args: argv,
    options: {
      twin: { type: 'string' },
      formats: { type: 'string', default: TWIN_FORMATS.join(',') },
      out: { type: 'string', default: defaultOut },
      'mlc-library': { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.twin) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const out = resolve(values.out);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be a whole number (got "${values.seed}")`);
  const log = (line) => process.stdout.write(`make-fixtures: ${line}\n`);
  const results = writeTwin(values.twin, out, {
    formats: values.formats.split(',').filter(Boolean),
    ...(seed === undefined ? {} : { seed }),
    mlcLibrary: values['mlc-library'],
    force: values.force,
    log,
  });
  for (const result of results) {
    const where = relative(process.cwd(), result.folder) || '.';
    const size = `${(result.bytes / 1e6).toFixed(1)} MB`;
    const time = result.skipped ? 'already complete (--force to write again)' : `${result.seconds.toFixed(1)} s`;
    log(`${values.twin} ${result.format}: ${where}, ${size}, ${time}. ${result.detail}`);
  }
  return 0;
}
