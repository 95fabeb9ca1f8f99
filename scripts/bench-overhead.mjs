#!/usr/bin/env node
/**
 * What the chat's UI costs the model (issue 12, item 6): decode tokens/s of one model in one
 * engine worker, replying through `<edge-llm-chat>` (transcript, Markdown, live figures, saving
 * off) and through the same worker with no UI at all (`leaseModel`, the library's element-free
 * API, which shares the chat's loaded model), alternated in one run (UI, engine, engine, UI, ...)
 * so that a busy machine's drift falls on both. Target: the UI's decode rate >= 99% of the
 * engine's alone.
 *
 * The model is a real-size twin (random weights of the real shapes: a speed test, never a quality
 * test), read by transformers.js; the same prompt and greedy decoding every round.
 *
 * Reproduce: npm run bench:overhead                       (builds first)
 *            node scripts/bench-overhead.mjs --no-build --twin smollm2-135m --device wasm --rounds 8 --tokens 64
 * Prints each round, the medians, their ratio, and one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { startStaticServer } from './static-server.mjs';
import { twinFolder, writeTwin } from './twins/index.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'generated');
const DIST = join(ROOT, 'dist');
const TARGET = 0.99;
const SYSTEM = 'You are a helpful, concise assistant.';
const PROMPT = 'Tell me about the lighthouse on the northern cape, and the people who kept it.';

const { values } = parseArgs({
  options: {
    twin: { type: 'string', default: 'smollm2-135m' },
    device: { type: 'string', default: 'wasm' },
    dtype: { type: 'string', default: 'fp32' },
    rounds: { type: 'string', default: '8' },
    tokens: { type: 'string', default: '64' },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const tokens = Number(values.tokens);
if (!Number.isInteger(rounds) || rounds < 2 || rounds % 2 !== 0)
  throw new Error('--rounds must be an even number >= 2');
if (!Number.isInteger(tokens) || tokens < 8) throw new Error('--tokens must be an integer >= 8');
if (values.device !== 'wasm' && values.device !== 'webgpu') throw new Error('--device is wasm or webgpu');

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

if (!values['no-build']) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
writeTwin(values.twin, FIXTURES, { formats: ['onnx'], log: (line) => console.log(`bench:overhead: ${line}`) });

const hostDir = mkdtempSync(join(tmpdir(), 'edge-llm-overhead-'));
const server = await startStaticServer({
  roots: { '/': DIST, '/host/': hostDir, '/twin/': twinFolder(FIXTURES, values.twin, 'onnx') },
});
const model = `${server.url}/twin@${values.dtype}`;
const key = { engine: 'transformers', model, device: values.device };
writeFileSync(
  join(hostDir, 'index.html'),
  `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>UI overhead</title>
    <script type="module" src="/lib/edge-llm.js"></script></head>
  <body>
    <edge-llm-chat id="chat" engine="transformers" model="${model}" device="${values.device}"
      max-tokens="${tokens}" temperature="0" system-prompt="${SYSTEM}"></edge-llm-chat>
  </body>
</html>`,
);

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
let exitCode = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error(`  [page] ${error.message}`));
  await page.goto(`${server.url}/host/`);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  console.log(`bench:overhead: loading ${values.twin} (${values.dtype}) on ${values.device} ...`);
  const load = await page.evaluate(() => document.getElementById('chat').load());
  console.log(`bench:overhead: loaded in ${(load.durationMs / 1000).toFixed(1)} s`);

  // A first reply of each kind, not counted: code loaded on first use (the Markdown renderer)
  // and the engine's first-run work stay out of the measured rounds.
  const order = ['ui', 'engine'];
  for (let round = 0; round < rounds; round += 1) order.push(round % 4 === 0 || round % 4 === 3 ? 'ui' : 'engine');
  const figures = { ui: [], engine: [] };
  for (const [index, mode] of order.entries()) {
    const stats = await page.evaluate(
      async ({ mode, key, system, prompt, tokens }) => {
        if (mode === 'ui') {
          const chat = document.getElementById('chat');
          chat.reset();
          return chat.send(prompt);
        }
        const { leaseModel } = await import('/lib/edge-llm.js');
        window.engineLease ??= leaseModel(key);
        if (!window.engineLease.loaded) throw new Error('the lease does not share the chat’s loaded model');
        const messages = [
          { role: 'system', content: system },
          { role: 'user', content: prompt },
        ];
        return window.engineLease.generate({ messages, maxTokens: tokens, temperature: 0 }, () => undefined);
      },
      { mode, key, system: SYSTEM, prompt: PROMPT, tokens },
    );
    const counted = index >= 2;
    if (counted) figures[mode].push(stats.decodeTokensPerSecond);
    console.log(
      `  ${counted ? `round ${String(index - 1).padStart(2)}` : 'warm-up '} ${mode === 'ui' ? 'chat UI    ' : 'engine only'}: ` +
        `${stats.outputTokens} tokens, decode ${stats.decodeTokensPerSecond.toFixed(2)} tok/s, TTFT ${Math.round(stats.ttftMs)} ms`,
    );
  }
  const ui = median(figures.ui);
  const engine = median(figures.engine);
  const ratio = ui / engine;
  console.log(
    `\nDecode, median of ${rounds / 2} each: chat UI ${ui.toFixed(2)} tok/s, engine alone ${engine.toFixed(2)} tok/s: ` +
      `UI at ${(ratio * 100).toFixed(1)}% of the engine (target >= ${TARGET * 100}%): ${ratio >= TARGET ? 'met' : 'NOT met'}`,
  );
  console.log('Twin: random weights of the real shapes, a speed test, not a quality test.');
  console.log(
    `Reproduce: node scripts/bench-overhead.mjs --no-build --twin ${values.twin} --device ${values.device} --dtype ${values.dtype} --rounds ${rounds} --tokens ${tokens}`,
  );
  console.log(
    JSON.stringify({
      twin: values.twin,
      dtype: values.dtype,
      device: values.device,
      tokens,
      uiDecodeTokensPerSecond: figures.ui,
      engineDecodeTokensPerSecond: figures.engine,
      ratio,
      target: TARGET,
      met: ratio >= TARGET,
    }),
  );
  if (ratio < TARGET) exitCode = 1;
} catch (error) {
  console.error(`bench:overhead: ${error.message}`);
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(hostDir, { recursive: true, force: true });
}
process.exit(exitCode);
