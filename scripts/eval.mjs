#!/usr/bin/env node
/**
 * Headless evaluation: serves the built app on localhost, opens its Evaluate view in headless
 * Chromium (or the browser given) with WebGPU on, runs a task suite against one model through
 * the same <edge-llm-eval> element a visitor uses, writes the edge-llm/eval@1 JSON and prints a
 * one-screen summary.
 *
 * Usage:
 *   npm run eval -- --engine <webllm|transformers> --model <catalog id | folder URL | local folder>
 *                   --suite <arithmetic|extraction|classification|instructions|file.jsonl>
 *                   [--lang en|zh] [--out result.json]
 *   Other options: --seed 13 and --count 60 (built-in suites), --max-tokens 128 (the output limit
 *   per item), --check-correctness (also compare this device's next-token choices with the CPU's),
 *   --dtype fp32 (transformers folders), --model-lib URL|path (web-llm folders), --device
 *   webgpu|wasm, --browser PATH, --browser-arg FLAG (repeatable), --stock-webgpu, --no-build,
 *   --timeout-minutes 120.
 *
 * A GPU in headless Chrome needs the flags scripts/bench.mjs lists. Without one, Chromium uses
 * SwiftShader (a CPU Vulkan): real, slow figures.
 *
 * Exit status: 0 done; 1 the model or the run failed; 2 bad arguments or an invalid suite file;
 * 3 no WebGPU.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { buildApp, modelRoots, resolveModel } from './cli-model.mjs';
import { startStaticServer } from './static-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const BUILT_IN = ['arithmetic', 'extraction', 'classification', 'instructions'];

function usage(message) {
  console.error(`eval: ${message}`);
  console.error(
    'usage: npm run eval -- --engine <webllm|transformers> --model <id | URL | folder> --suite <arithmetic|extraction|classification|instructions|file.jsonl> [--lang en|zh] [--out FILE]',
  );
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'webllm' },
      model: { type: 'string' },
      suite: { type: 'string' },
      lang: { type: 'string', default: 'en' },
      seed: { type: 'string', default: '13' },
      count: { type: 'string', default: '60' },
      'max-tokens': { type: 'string', default: '128' },
      'check-correctness': { type: 'boolean', default: false },
      dtype: { type: 'string', default: 'fp32' },
      'model-lib': { type: 'string' },
      device: { type: 'string', default: 'webgpu' },
      out: { type: 'string' },
      browser: { type: 'string' },
      'browser-arg': { type: 'string', multiple: true, default: [] },
      'stock-webgpu': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '120' },
    },
  }));
} catch (error) {
  usage(error.message);
}

const engine = values.engine;
if (engine !== 'webllm' && engine !== 'transformers')
  usage(`--engine must be webllm or transformers (got "${engine}")`);
if (!values.model) usage('--model is required');
if (!values.suite) usage(`--suite is required: ${BUILT_IN.join(', ')}, or a .jsonl file of your own`);
if (values.lang !== 'en' && values.lang !== 'zh') usage(`--lang must be en or zh (got "${values.lang}")`);
if (values.device !== 'webgpu' && values.device !== 'wasm') usage('--device must be webgpu or wasm');
const wholeNumber = (name, min) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min)
    usage(`--${name} must be a whole number of at least ${min} (got "${values[name]}")`);
  return n;
};
const maxTokens = wholeNumber('max-tokens', 1);
const timeoutMs = wholeNumber('timeout-minutes', 1) * 60_000;

let suite;
if (BUILT_IN.includes(values.suite)) {
  suite = { builtIn: values.suite, lang: values.lang, seed: wholeNumber('seed', 0), count: wholeNumber('count', 1) };
} else if (existsSync(values.suite)) {
  // Read here, checked in the page by the same reader the app uses.
  suite = { jsonl: readFileSync(values.suite, 'utf8'), name: basename(values.suite) };
} else {
  usage(`--suite "${values.suite}" is neither a built-in suite (${BUILT_IN.join(', ')}) nor a file`);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const out = resolve(values.out ?? join('eval-results', `edge-llm-eval-${stamp}.json`));
const executablePath = values.browser ?? CHROMIUM_PATH;
if (!existsSync(executablePath)) usage(`no browser at ${executablePath} (install Chromium, or pass --browser PATH)`);

if (!values['no-build']) {
  console.log('eval: building the app (skip with --no-build)…');
  if (!buildApp(ROOT)) {
    console.error('eval: the build failed');
    process.exit(1);
  }
}
if (!existsSync(join(DIST, 'index.html'))) usage('dist/index.html is missing: run npm run build first');

const server = await startStaticServer({
  roots: { '/': DIST, ...modelRoots({ model: values.model, modelLib: values['model-lib'] }) },
});
let model;
try {
  model = resolveModel({
    engine,
    model: values.model,
    dtype: values.dtype,
    modelLib: values['model-lib'],
    origin: server.url,
  });
} catch (error) {
  await server.close();
  usage(error.message);
}
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    ...CHROMIUM_ARGS.filter((arg) => !(values['stock-webgpu'] && arg === '--enable-unsafe-webgpu')),
    ...values['browser-arg'],
  ],
});

let exitCode = 0;
const watchdog = setTimeout(() => {
  console.error(`eval: gave up after ${values['timeout-minutes']} minutes`);
  process.exit(1);
}, timeoutMs);

try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`  [page] ${message.text()}`);
  });
  await page.goto(`${server.url}/?view=eval&engine=${engine}`);
  const gpu =
    values.device === 'webgpu'
      ? await page.evaluate(async () => {
          if (!navigator.gpu) return 'navigator.gpu is undefined';
          return (await navigator.gpu.requestAdapter()) ? '' : 'navigator.gpu.requestAdapter() returned null';
        })
      : '';
  if (gpu) {
    console.error(`eval: WebGPU is not available in this browser (${gpu}).`);
    console.error(
      '  Enable it with --browser-arg flags (see the header of scripts/bench.mjs), or run with --device wasm.',
    );
    exitCode = 3;
  } else {
    let lastMessage = '';
    await page.exposeFunction('edgeLlmEvalProgress', (message, fraction) => {
      if (message === lastMessage) return;
      lastMessage = message;
      console.log(`  [${String(Math.round(fraction * 100)).padStart(3)}%] ${message}`);
    });
    const outcome = await page.evaluate(
      async ({ model, settings, suite }) => {
        const app = document.querySelector('edge-llm-app');
        if (model.custom) app.customModels = model.custom;
        await customElements.whenDefined('edge-llm-eval');
        await app.updateComplete;
        // The app binds its picked model to the view: let its catalog settle before ours is set.
        const picker = () => app.shadowRoot.querySelector('edge-llm-model-picker');
        for (let i = 0; i < 300 && !picker()?.shadowRoot?.querySelector('[data-model-id]'); i++) {
          await new Promise((done) => setTimeout(done, 100));
        }
        // Defined is not yet rendered: the app places the view once its own import has settled.
        for (let i = 0; i < 300 && !app.shadowRoot.querySelector('edge-llm-eval'); i++) {
          await new Promise((done) => setTimeout(done, 100));
        }
        const view = app.shadowRoot.querySelector('edge-llm-eval');
        if (!view) throw new Error('the Evaluate view did not appear within 30 s');
        Object.assign(view, settings, { models: [model.id] });
        if (model.custom) view.customModels = model.custom;
        let warnings = [];
        if (suite.jsonl !== undefined) {
          const read = await view.useSuiteText(suite.jsonl, suite.name);
          if (!read.ok) {
            const title = `${suite.name} is not a valid suite`;
            return { ok: false, error: { title, message: read.errors[0], problems: read.errors } };
          }
          warnings = read.warnings;
        } else {
          Object.assign(view, { suite: suite.builtIn, suiteLang: suite.lang, seed: suite.seed, count: suite.count });
        }
        let error;
        view.addEventListener('edge-llm-eval-progress', (event) => {
          const { message, fraction, load } = event.detail;
          window.edgeLlmEvalProgress(load ? `${message} (${load.phase})` : message, fraction);
        });
        view.addEventListener('edge-llm-error', (event) => (error = event.detail));
        try {
          const result = await view.run();
          return { ok: true, result, markdown: view.exportText('markdown'), warnings };
        } catch (thrown) {
          // Settings the view refused before running (a count out of range) are bad arguments.
          const refused = thrown instanceof RangeError;
          const message = String(thrown?.message ?? thrown);
          return {
            ok: false,
            error: error ?? { title: refused ? 'Invalid settings' : 'The evaluation failed', message },
            ...(refused ? { refused: true } : {}),
          };
        }
      },
      {
        model,
        settings: { engine, device: values.device, maxTokens, checkCorrectness: values['check-correctness'] },
        suite,
      },
    );
    if (!outcome.ok) {
      console.error(`eval: ${outcome.error.title}: ${outcome.error.message}`);
      for (const problem of (outcome.error.problems ?? []).slice(1)) console.error(`  ${problem}`);
      exitCode = outcome.error.problems || outcome.refused ? 2 : 1;
    } else {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(outcome.result, null, 2)}\n`);
      printSummary(outcome);
      console.log(`\nWrote ${out}`);
    }
  }
} catch (error) {
  console.error(`eval: ${error.message}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close();
  await server.close();
}
process.exit(exitCode);

function printSummary({ result, markdown, warnings }) {
  const { adapter, browser: brand, platform } = result.device;
  const run = result.runs[0];
  const summary = result.summary[0];
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `\nDevice: ${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ')}` +
      `${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''} · ${brand.brand} ${brand.version} · ${platform}`,
  );
  console.log(
    `Suite: ${result.suite.name}${result.suite.lang ? ` (${result.suite.lang})` : ''}, ${result.suite.items} items` +
      `${result.suite.seed === undefined ? '' : `, seed ${result.suite.seed}`}, output limit ${result.settings.maxTokens} tokens`,
  );
  const { correct, total, rate, low, high } = summary.accuracy;
  console.log(
    `Accuracy: ${correct}/${total} = ${pct(rate)} (95% Wilson interval ${pct(low)}–${pct(high)}); ` +
      `${summary.secondsPerItem.toFixed(2)} s/item; decode ${summary.decodeTokensPerSecond.median.toFixed(1)} tok/s (median); ` +
      `TTFT ${summary.ttftMs.median.toFixed(0)} ms (median)`,
  );
  if (!run.complete) console.log(`Note: the run ended after ${total} of ${result.suite.items} items.`);
  if (run.correctness) console.log(`Correctness: ${run.correctness.message}`);
  for (const warning of warnings) console.log(`Warning: ${warning}`);
  console.log(`\n${markdown}`);
  console.log(`Reproduce: npm run eval -- ${process.argv.slice(2).join(' ')}`);
}
