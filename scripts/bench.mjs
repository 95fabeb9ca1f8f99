#!/usr/bin/env node
/**
 * Headless device benchmark for fleets: serves the built app on localhost, opens its Bench view
 * in headless Chromium (or the browser given) with WebGPU on, runs the same protocol through
 * the same <edge-llm-bench> code a visitor uses (GPU probe, model protocol, correctness check),
 * writes the edge-llm/bench@2 JSON and prints a one-screen summary.
 *
 * Usage:
 *   npm run bench -- --engine <webllm|transformers|llamacpp> --model <catalog id | folder URL | local folder>
 *                    [--runs N] [--out results.json] [--browser PATH] [--probe-only]
 *   llama.cpp: --model is a catalog id, the URL of a .gguf file (the first part of a split model),
 *   a local .gguf file or a local folder holding one; --threads N (default: cores minus one). The
 *   app is served cross-origin isolated so llama.cpp can run threads.
 *   Other options: --dtype fp32 (transformers folders), --model-lib URL|path (web-llm folders),
 *   --warmup 1, --decode-tokens 128, --prompt-lengths 128,512,1024, --device webgpu|wasm,
 *   --browser-arg FLAG (repeatable), --stock-webgpu (no --enable-unsafe-webgpu: WebGPU as the
 *   browser ships it), --skip-correctness (no correctness check after the protocol), --no-build
 *   (use dist/ as built), --timeout-minutes 60.
 *
 * On a machine with a real GPU, Chrome or Chromium needs WebGPU enabled in headless mode:
 *   Linux:   --browser /usr/bin/google-chrome --browser-arg=--enable-features=Vulkan --browser-arg=--use-angle=vulkan
 *   Windows / macOS: --browser "<path to Chrome>" (WebGPU is on by default; --enable-unsafe-webgpu is added anyway)
 * Without a GPU, Chromium falls back to SwiftShader (a CPU Vulkan): real, slow figures.
 *
 * Engine shoot-out: npm run bench -- --compare --twin <smollm2-135m|qwen2.5-0.5b|ci-small>
 *                    [--precisions fp32,q4] [--devices webgpu,wasm] [--skip-agreement | --agreement-only]
 *                    [--threads N] [--runs N] ...
 *   writes the twin's ONNX and GGUF files if they are missing (scripts/twins/), runs the protocol
 *   on every engine and device (those that cannot run here are listed with the reason), compares
 *   the full-precision engines' next-token choices over one forced sequence, and prints one table
 *   with each figure's ratio to the fastest. Defaults there: --decode-tokens 32 --prompt-lengths 128.
 *
 * Exit status: 0 done; 1 the benchmark or the model failed; 2 bad arguments; 3 no WebGPU.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchWithTemporaryProfile } from './chromium.mjs';
import { ensureTwinFiles, twinPlan, twinRoots } from './bench-compare.mjs';
import { startStaticServer } from './static-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'generated');
const DIST = join(ROOT, 'dist');

function usage(message) {
  console.error(`bench: ${message}`);
  console.error(
    'usage: npm run bench -- --engine <webllm|transformers|llamacpp> --model <id | URL | folder> [--runs N] [--threads N] [--out FILE] [--browser PATH] [--probe-only]',
  );
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'webllm' },
      model: { type: 'string' },
      dtype: { type: 'string', default: 'fp32' },
      'model-lib': { type: 'string' },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      'decode-tokens': { type: 'string' },
      'prompt-lengths': { type: 'string' },
      compare: { type: 'boolean', default: false },
      twin: { type: 'string' },
      precisions: { type: 'string', default: 'fp32,q4' },
      devices: { type: 'string', default: 'webgpu,wasm' },
      'skip-agreement': { type: 'boolean', default: false },
      'agreement-only': { type: 'boolean', default: false },
      device: { type: 'string', default: 'webgpu' },
      threads: { type: 'string' },
      out: { type: 'string' },
      browser: { type: 'string' },
      'browser-arg': { type: 'string', multiple: true, default: [] },
      'probe-only': { type: 'boolean', default: false },
      'stock-webgpu': { type: 'boolean', default: false },
      'skip-correctness': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '60' },
    },
  }));
} catch (error) {
  usage(error.message);
}

const engine = values.engine;
if (engine !== 'webllm' && engine !== 'transformers' && engine !== 'llamacpp')
  usage(`--engine must be webllm, transformers or llamacpp (got "${engine}")`);
const compare = values.compare;
if (compare && !values.twin) usage('--compare needs --twin <name> (smollm2-135m, qwen2.5-0.5b or ci-small)');
if (!compare && !values['probe-only'] && !values.model) usage('--model is required (or use --probe-only)');
values['decode-tokens'] ??= compare ? '32' : '128';
values['prompt-lengths'] ??= compare ? '128' : '128,512,1024';
if (values.device !== 'webgpu' && values.device !== 'wasm') usage('--device must be webgpu or wasm');
const wholeNumber = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a whole number (got "${values[name]}")`);
  return n;
};
const settings = {
  runs: wholeNumber('runs'),
  warmupRuns: wholeNumber('warmup'),
  decodeTokens: wholeNumber('decode-tokens'),
  promptLengths: values['prompt-lengths'],
  skipCorrectness: values['skip-correctness'],
};
const timeoutMs = wholeNumber('timeout-minutes') * 60_000;
const threads = values.threads === undefined ? undefined : wholeNumber('threads');
if (threads === 0) usage('--threads must be at least 1');
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const out = resolve(values.out ?? join('bench-results', `edge-llm-bench-${stamp}.json`));
const executablePath = values.browser ?? CHROMIUM_PATH;
if (!existsSync(executablePath)) {
  usage(`no browser at ${executablePath} (install Chromium, or pass --browser PATH)`);
}

if (!values['no-build']) {
  console.log('bench: building the app (skip with --no-build)…');
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('bench: the build failed');
    process.exit(1);
  }
}
if (!existsSync(join(DIST, 'index.html'))) usage('dist/index.html is missing: run npm run build first');

/** A local .gguf file, or the first .gguf in a local folder (the first part of a split model). */
function localGguf(given) {
  const path = resolve(given);
  if (statSync(path).isFile()) return { dir: dirname(path), file: basename(path) };
  const file = readdirSync(path)
    .filter((name) => /\.gguf$/i.test(name) && !/-0000[2-9]-of-|-000[1-9]\d-of-/.test(name))
    .sort()[0];
  if (!file) usage(`no .gguf file in ${given}`);
  return { dir: path, file };
}

/** Where the model comes from: a catalog id, a folder URL, or a local folder served here. */
function resolveModel(origin) {
  const given = values.model;
  if (!given) return { id: '', custom: undefined };
  if (engine === 'llamacpp') {
    let url;
    if (/^https?:\/\//.test(given)) url = given;
    else if (existsSync(given)) url = `${origin}/models/${localGguf(given).file}`;
    if (!url) return { id: given, custom: undefined };
    if (!/\.gguf$/i.test(new URL(url).pathname)) usage('a llama.cpp model URL must end in .gguf');
    return { id: url, custom: { llamacpp: [{ url }] } };
  }
  let url;
  if (/^https?:\/\//.test(given)) url = given.replace(/\/+$/, '');
  else if (existsSync(given) && statSync(given).isDirectory()) url = `${origin}/models/${basename(resolve(given))}`;
  if (!url) return { id: given, custom: undefined };
  if (engine === 'transformers') {
    return { id: `${url}@${values.dtype}`, custom: { transformers: [{ url, dtype: values.dtype }] } };
  }
  const lib = values['model-lib'];
  if (!lib) usage('a web-llm model folder needs --model-lib (the compiled model library, .wasm)');
  const libUrl = /^https?:\/\//.test(lib) ? lib : `${origin}/model-lib/${basename(lib)}`;
  const id = basename(url);
  return { id, custom: { webllm: [{ model: url, model_id: id, model_lib: libUrl }] } };
}

const roots = { '/': DIST };
if (values.model && !/^https?:\/\//.test(values.model) && existsSync(values.model)) {
  if (engine === 'llamacpp') roots['/models/'] = localGguf(values.model).dir;
  else roots[`/models/${basename(resolve(values.model))}/`] = resolve(values.model);
}
if (values['model-lib'] && !/^https?:\/\//.test(values['model-lib'])) {
  roots['/model-lib/'] = dirname(resolve(values['model-lib']));
}
if (compare) {
  try {
    ensureTwinFiles(values.twin, FIXTURES, (line) => console.log(`bench: ${line}`));
  } catch (error) {
    usage(error.message);
  }
  Object.assign(roots, twinRoots(FIXTURES, values.twin));
}
// Cross-origin isolated, as the app's own servers are: llama.cpp needs it for threads.
const server = await startStaticServer({ roots, isolate: true });
const model = compare ? { id: '', custom: undefined } : resolveModel(server.url);
let plan;
try {
  plan = compare
    ? twinPlan(values.twin, server.url, {
        precisions: values.precisions.split(',').filter(Boolean),
        devices: values.devices.split(',').filter(Boolean),
        threads,
        agreement: !values['skip-agreement'],
        speed: !values['agreement-only'],
      })
    : undefined;
} catch (error) {
  await server.close();
  usage(error.message);
}
// A persistent profile (fresh, deleted afterwards), so the model the cold load stores is there for
// the warm load, as in a normal browser window.
const browser = await launchWithTemporaryProfile(chromium, {
  executablePath,
  headless: true,
  args: [
    // --stock-webgpu leaves WebGPU as the browser ships it, to see what a fleet's default offers.
    ...CHROMIUM_ARGS.filter((arg) => !(values['stock-webgpu'] && arg === '--enable-unsafe-webgpu')),
    ...values['browser-arg'],
  ],
});

let exitCode = 0;
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${values['timeout-minutes']} minutes`);
  process.exit(1);
}, timeoutMs);

try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`  [page] ${message.text()}`);
  });
  const gpu = await (async () => {
    await page.goto(`${server.url}/?view=bench&engine=${engine}`);
    return page.evaluate(async () => {
      if (!navigator.gpu) return 'navigator.gpu is undefined';
      const adapter = await navigator.gpu.requestAdapter();
      return adapter ? '' : 'navigator.gpu.requestAdapter() returned null';
    });
  })();
  if (gpu) {
    console.error(`bench: WebGPU is not available in this browser (${gpu}).`);
    console.error(
      '  Enable it with --browser-arg flags (see the header of scripts/bench.mjs), or use a browser with WebGPU.',
    );
    exitCode = 3;
  } else {
    let lastMessage = '';
    await page.exposeFunction('edgeLlmBenchProgress', (message, fraction) => {
      if (message === lastMessage) return;
      lastMessage = message;
      console.log(`  [${String(Math.round(fraction * 100)).padStart(3)}%] ${message}`);
    });
    const outcome = await page.evaluate(
      async ({ model, settings, device, threads, probeOnly, plan }) => {
        const app = document.querySelector('edge-llm-app');
        if (model.custom) app.customModels = model.custom;
        await customElements.whenDefined('edge-llm-bench');
        await app.updateComplete;
        // The app binds its picked model to the bench: let its catalog settle before ours is set.
        const picker = () => app.shadowRoot.querySelector('edge-llm-model-picker');
        for (let i = 0; i < 300 && !picker()?.shadowRoot?.querySelector('[data-model-id]'); i++) {
          await new Promise((done) => setTimeout(done, 100));
        }
        // Defined is not yet rendered: the app places the view once its own import has settled.
        for (let i = 0; i < 300 && !app.shadowRoot.querySelector('edge-llm-bench'); i++) {
          await new Promise((done) => setTimeout(done, 100));
        }
        const bench = app.shadowRoot.querySelector('edge-llm-bench');
        if (!bench) throw new Error('the Benchmark view did not appear within 30 s');
        Object.assign(bench, settings, { device, threads, ...(model.id ? { model: model.id } : {}) });
        if (model.custom) bench.customModels = model.custom;
        let error;
        bench.addEventListener('edge-llm-bench-progress', (event) =>
          window.edgeLlmBenchProgress(event.detail.message, event.detail.fraction),
        );
        bench.addEventListener('edge-llm-error', (event) => (error = event.detail));
        try {
          const result = plan ? await bench.compare(plan) : probeOnly ? await bench.probe() : await bench.run();
          await bench.updateComplete;
          const roofline = [...bench.shadowRoot.querySelectorAll('[data-roofline] li')].map((li) =>
            li.textContent.replace(/\s+/g, ' ').trim(),
          );
          return {
            result,
            markdown: result.runs.length || result.comparison ? bench.exportText('markdown') : '',
            roofline,
          };
        } catch (thrown) {
          return { error: error ?? { title: 'The benchmark failed', message: String(thrown?.message ?? thrown) } };
        }
      },
      { model, settings, device: values.device, threads, probeOnly: values['probe-only'], plan },
    );
    if (outcome.error) {
      console.error(`bench: ${outcome.error.title}: ${outcome.error.message}`);
      exitCode = 1;
    } else {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(outcome.result, null, 2)}\n`);
      printSummary(outcome);
      console.log(`\nWrote ${out}`);
      // The agreement test (issue 12): engines on the same full-precision weights must choose the
      // same next token at >= 99% of the forced positions (src/core/agreement.ts's threshold).
      const below = (outcome.result.comparison?.agreement?.pairs ?? []).filter(
        (pair) => !(pair.positions > 0 && pair.agreeing / pair.positions >= 0.99),
      );
      if (below.length > 0) {
        console.error(`bench: ${below.length} pair(s) of engines agreed below 99%: see "Agreement" above.`);
        exitCode = 1;
      }
    }
  }
} catch (error) {
  console.error(`bench: ${error.message}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close();
  await server.close();
}
process.exit(exitCode);

function fmt(summary) {
  if (!summary) return '–';
  const round = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  return `${round(summary.median)} (${round(summary.p10)}–${round(summary.p90)})`;
}

function printSummary({ result, markdown, roofline }) {
  const { adapter, browser: brand, platform } = result.device;
  console.log(
    `\nDevice: ${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ')}` +
      `${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''} · ${brand.brand} ${brand.version} · ${platform}`,
  );
  const probe = result.probe;
  if (probe) {
    console.log('GPU probe (median, p10–p90):');
    for (const [id, kernel] of Object.entries(probe.kernels)) {
      const figure =
        [
          kernel.gbPerSecond ? `${fmt(kernel.gbPerSecond)} GB/s` : '',
          kernel.gflopPerSecond ? `${fmt(kernel.gflopPerSecond)} GFLOP/s` : '',
        ]
          .filter(Boolean)
          .join(' · ') || kernel.status;
      const check = kernel.check ? (kernel.check.passed ? 'check passed' : 'CHECK FAILED') : '';
      console.log(`  ${id.padEnd(10)} ${kernel.size.padEnd(16)} ${figure.padEnd(48)} ${check}`);
    }
    if (probe.kernelToCopyRatio !== undefined) {
      console.log(`  bandwidth kernel / copyBufferToBuffer: ${(probe.kernelToCopyRatio * 100).toFixed(1)}%`);
    }
  }
  if (markdown) console.log(`\n${markdown}`);
  const run = result.runs[0];
  if (run?.computeDevice && !result.comparison) {
    const threads = run.computeThreads === undefined ? '' : `, ${run.computeThreads} thread(s)`;
    console.log(`Computed on: ${run.computeDevice}${threads}${run.computeReason ? ` (${run.computeReason})` : ''}`);
  }
  if (roofline.length)
    console.log(`Roofline (decode tokens/s ≤ bandwidth ÷ bytes read per token):\n  ${roofline.join('\n  ')}`);
  if (result.correctness) console.log(`Correctness: ${result.correctness.message}`);
  for (const note of result.notes ?? []) console.log(`Note: ${note}`);
  console.log(`\nReproduce: npm run bench -- ${process.argv.slice(2).join(' ')}`);
}
