#!/usr/bin/env node
/**
 * Soak test: does edge-llm leak? Serves the built library on localhost, opens a page with one
 * <edge-llm-chat> (transformers.js, the generated tiny ONNX model, on WebGPU) in headless Chromium
 * and, through the element's public API:
 *   1. runs N cycles of load -> a 64-token reply -> unload, and after each unload reads the GPU
 *      memory the worker's tracker still counts (must be 0), the reply's peak GPU memory (cycle N
 *      within 5% of cycle 1), and the page's and the engine worker's JS heap after a forced GC
 *      (within 10% of cycle 1);
 *   2. holds one conversation of M turns in a context window kept full (the chat leaves the oldest
 *      exchanges out), and compares GPU memory, heaps and time to first token per prompt token
 *      after warm-up (the second fifth of the turns) with the last fifth; time is judged from 100
 *      turns on (the short version reports it: too few turns to tell a trend from a busy machine).
 * It prints each figure and ends with one JSON line.
 *
 * Usage: npm run soak                      (the long version: 30 cycles, 300 turns)
 *        npm run soak -- --short           (CI: 5 cycles, 40 turns)
 *        npm run soak -- --cycles 30 --turns 300 --no-build --browser PATH
 * Exit status: 0 no leak; 1 a check failed or the run did; 3 no WebGPU.
 *
 * Heaps are read with performance.measureUserAgentSpecificMemory() (the page is cross-origin
 * isolated) after gc() in the page and its workers: Chromium runs with --expose-gc and
 * ForceEagerMeasureMemory. Figures are this machine's, for this build; rerun to reproduce.
 */
/* global gc */ // Chromium runs with --expose-gc.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { DIGEST_FILE, fixturesDigest } from './fixtures-digest.mjs';
import { appSecurityHeaders } from './security-headers.mjs';
import { judgeSoak, median } from './soak-checks.mjs';
import { startStaticServer } from './static-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const FIXTURES_DIR = join(ROOT, 'tests', 'fixtures', 'generated');

/** The generated models, written again when the generator changed (as the tests do). */
function ensureFixtures() {
  const digestFile = join(FIXTURES_DIR, DIGEST_FILE);
  if (existsSync(digestFile) && readFileSync(digestFile, 'utf8').trim() === fixturesDigest()) return;
  const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'make-fixtures.mjs'), '--out', FIXTURES_DIR], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (made.status !== 0) process.exit(1);
}

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    cycles: { type: 'string' },
    turns: { type: 'string' },
    'reply-tokens': { type: 'string', default: '64' },
    'turn-tokens': { type: 'string', default: '24' },
    browser: { type: 'string', default: CHROMIUM_PATH },
    'no-build': { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles ?? (values.short ? 5 : 30));
const turns = Number(values.turns ?? (values.short ? 40 : 300));
const replyTokens = Number(values['reply-tokens']);
const turnTokens = Number(values['turn-tokens']);

if (!values['no-build']) {
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
ensureFixtures();

const hostDir = mkdtempSync(join(tmpdir(), 'edge-llm-soak-'));
const server = await startStaticServer({
  roots: { '/': DIST, '/fixtures/': FIXTURES_DIR, '/soak/': hostDir },
  isolate: true,
  headers: appSecurityHeaders(),
});
const model = `${server.url}/fixtures/onnx-tiny@fp32`;
writeFileSync(
  join(hostDir, 'index.html'),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>edge-llm soak</title>
<script type="module" src="/lib/edge-llm.js"></script></head>
<body><edge-llm-chat engine="transformers" device="webgpu" model="${model}" temperature="0"></edge-llm-chat></body></html>`,
);

const browser = await chromium.launch({
  executablePath: values.browser,
  headless: true,
  // gc() in the page and its workers; memory measured at once rather than at the next GC.
  // Bytecode flushing drops and recompiles idle functions at each GC: a sawtooth of up to a third
  // of a small heap that is not a leak, so it is off here.
  args: [
    ...CHROMIUM_ARGS,
    '--js-flags=--expose-gc --no-flush-bytecode',
    '--enable-blink-features=ForceEagerMeasureMemory',
  ],
});
const print = (line) => console.log(line);
const mb = (bytes) => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(2)} MB`);
let exitCode = 0;

try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`  [page] ${message.text()}`);
  });
  await page.goto(`${server.url}/soak/`);
  const gpu = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  if (!gpu) {
    console.error('soak: WebGPU is not available in this browser.');
    process.exit(3);
  }
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);

  const chat = (call, ...args) =>
    page.evaluate(
      async ({ call, args }) => {
        const element = document.querySelector('edge-llm-chat');
        const result = await element[call](...args);
        return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
      },
      { call, args },
    );
  const setTokens = (tokens) =>
    page.evaluate((tokens) => (document.querySelector('edge-llm-chat').maxTokens = tokens), tokens);
  /**
   * The page's and the engine worker's JS heap after a full GC in each, from the browser's own
   * per-context breakdown (performance.memory does not exist in workers).
   */
  const heapsOnce = async () => {
    // Twice, a task apart: the first collection queues finalizers whose memory the second frees.
    const collect = async () => {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc();
    };
    for (const worker of page.workers()) await worker.evaluate(collect).catch(() => undefined);
    return page.evaluate(async () => {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc();
      const { breakdown } = await performance.measureUserAgentSpecificMemory();
      const sum = (match) =>
        breakdown
          .filter((entry) => entry.types.includes('JavaScript') && entry.attribution.some(match))
          .reduce((total, entry) => total + entry.bytes, 0);
      return {
        pageHeap: sum((where) => where.scope === 'Window'),
        workerHeap: sum((where) => where.scope === 'DedicatedWorkerGlobalScope' && /engine.*worker/i.test(where.url)),
      };
    });
  };
  /**
   * The smallest of three readings a moment apart: what the harness itself allocates to ask
   * (Playwright's evaluations live in the page's realm too) comes and goes; a leak stays.
   */
  const heaps = async () => {
    const readings = [];
    for (let i = 0; i < 3; i += 1) {
      readings.push(await heapsOnce());
      await page.waitForTimeout(200);
    }
    const least = (key) => Math.min(...readings.map((reading) => reading[key]));
    return { pageHeap: least('pageHeap'), workerHeap: least('workerHeap') };
  };

  print(
    `edge-llm soak: ${cycles} cycles of load -> ${replyTokens} tokens -> unload (after one warm-up cycle), then ${turns} turns`,
  );
  print(`model: the generated tiny ONNX model (speed and memory only), transformers.js on WebGPU`);
  const cycleFigures = [];
  await setTokens(replyTokens);
  // One cycle first that is not counted: code loaded on first use (the Markdown renderer, the
  // engine's runtime) and caches filled once are not leaks. Cycle 1 is the baseline after it.
  await chat('load');
  await chat('send', 'Warm up.');
  await chat('unload');
  await chat('reset');
  for (let cycle = 1; cycle <= cycles; cycle += 1) {
    await chat('reset');
    await chat('load');
    const stats = await chat('send', 'Tell me a long story about the sea.');
    await chat('unload');
    const memory = await chat('memory');
    const heap = await heaps();
    const figures = {
      cycle,
      outputTokens: stats.outputTokens,
      peakGpuBytes: stats.gpuMemoryPeakBytes,
      gpuAfterUnloadBytes: memory.currentBytes,
      ...heap,
    };
    cycleFigures.push(figures);
    print(
      `cycle ${String(cycle).padStart(2)}: ${stats.outputTokens} tokens, reply peak GPU ${mb(figures.peakGpuBytes)}, ` +
        `after unload GPU ${mb(figures.gpuAfterUnloadBytes)}, heap page ${mb(heap.pageHeap)} / worker ${mb(heap.workerHeap)}`,
    );
  }

  await chat('reset');
  await setTokens(turnTokens);
  await chat('load');
  const turnFigures = [];
  for (let turn = 1; turn <= turns; turn += 1) {
    const stats = await chat('send', `Turn ${turn}: go on with the story, and add a new sailor to it.`);
    const memory = await chat('memory');
    const sample = turn % 5 === 0 || turn === 1 || turn === turns;
    const heap = sample ? await heaps() : {};
    turnFigures.push({
      turn,
      promptTokens: stats.promptTokens,
      ttftMs: stats.ttftMs,
      gpuBytes: memory.currentBytes,
      ...heap,
    });
    if (sample) {
      print(
        `turn ${String(turn).padStart(3)}: prompt ${stats.promptTokens} tokens, TTFT ${stats.ttftMs.toFixed(0)} ms, ` +
          `GPU ${mb(memory.currentBytes)}, heap page ${mb(heap.pageHeap)} / worker ${mb(heap.workerHeap)}`,
      );
    }
  }
  await chat('unload');

  const verdict = judgeSoak(cycleFigures, turnFigures);
  for (const check of verdict.checks)
    print(`${check.informational ? 'info' : check.passed ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  if (!verdict.passed) exitCode = 1;
  print(
    JSON.stringify({
      schema: 'edge-llm/soak@1',
      passed: verdict.passed,
      cycles,
      turns,
      replyTokens,
      turnTokens,
      checks: verdict.checks,
      firstCycle: cycleFigures[0],
      lastCycle: cycleFigures.at(-1),
      medianTtftMs: median(turnFigures.map((figure) => figure.ttftMs)),
      userAgent: await page.evaluate(() => navigator.userAgent),
    }),
  );
} catch (error) {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(hostDir, { recursive: true, force: true });
}
process.exit(exitCode);
