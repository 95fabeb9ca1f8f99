#!/usr/bin/env node
/**
 * UI streaming benchmark: the engine double in the worker streams tokens through comlink into the
 * real built app in headless Chromium. Each run has two phases:
 *
 * 1. flood: the double streams as fast as it can. Gives tokens/s delivered to the screen (first
 *    token event to the reply's last text on screen), the main-thread busy share while streaming
 *    (the renderer main thread's task time / wall time) and the longest main-thread task.
 * 2. paced: the double streams a steady 6,000 tokens/s, faster than any model on a consumer GPU,
 *    so main-thread time can be attributed to token positions. Gives the per-token main-thread
 *    cost around token 5,000 over the cost around token 100 (tokens 5,000-5,500 against 100-600):
 *    1.0 means appending stays as cheap as the reply grows.
 *
 * Main-thread figures come from a Chrome trace (RunTask events on CrRendererMain), so they
 * include style, layout and paint, not only script.
 *
 * Reproduce: npm run bench:ui            (builds first)
 *            node scripts/bench-ui.mjs --tokens 12000 --runs 3
 * Targets: >= 5,000 tokens/s delivered, per-token cost ratio <= 1.5.
 */
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '12000' },
    runs: { type: 'string', default: '3' },
  },
});
const TOKENS = Number(values.tokens);
const RUNS = Number(values.runs);
const EARLY = [100, 600];
const LATE = [5000, 5500];
const TARGET_TOKENS_PER_SECOND = 5000;
const TARGET_RATIO = 1.5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Main-thread tasks of the page's renderer, and the token marks the page left, from a trace. */
function readTrace(buffer) {
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  const marks = events.filter((event) => event.cat?.includes('blink.user_timing') && /^tokens:\d+$/.test(event.name));
  const pid = marks[0]?.pid;
  const mainTid = events.find(
    (event) => event.pid === pid && event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  )?.tid;
  const tasks = events
    .filter(
      (event) =>
        event.pid === pid &&
        event.tid === mainTid &&
        event.name === 'ThreadControllerImpl::RunTask' &&
        event.ph === 'X',
    )
    .map((event) => ({ start: event.ts / 1000, end: (event.ts + event.dur) / 1000 }));
  const tokenMarks = marks
    .map((event) => ({ at: event.ts / 1000, tokens: Number(event.name.slice('tokens:'.length)) }))
    .sort((a, b) => a.at - b.at);
  return { tasks, tokenMarks };
}

function busyBetween(tasks, from, to) {
  let busy = 0;
  for (const task of tasks) busy += Math.max(0, Math.min(task.end, to) - Math.max(task.start, from));
  return busy;
}

/** Main-thread ms per token between the marks that bracket a token range. */
function costPerToken(trace, [fromToken, toToken]) {
  const start = trace.tokenMarks.find((mark) => mark.tokens >= fromToken);
  const end = trace.tokenMarks.find((mark) => mark.tokens >= toToken);
  if (!start || !end || end.tokens <= start.tokens) throw new Error(`No token marks around ${fromToken}-${toToken}`);
  return busyBetween(trace.tasks, start.at, end.at) / (end.tokens - start.tokens);
}

async function streamOnce(browser, url, modelId) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}?engine=double`);
  const chat = page.locator('edge-llm-chat');
  await page.locator(`edge-llm-model-picker tr[data-model-id="${modelId}"] input[type="radio"]`).check();
  await chat.locator('button[data-action="load"]').click();
  await chat.locator('[role="status"]', { hasText: `${modelId} ready` }).waitFor();
  await chat.locator('details.settings summary').click();
  await chat.locator('input[name="max-tokens"]').fill(String(TOKENS));
  await chat.locator('input[name="max-tokens"]').press('Tab');

  // The page marks every token event (for the trace) and times the reply on its own clock.
  const finished = page.evaluate(
    () =>
      new Promise((resolve) => {
        const element = document.querySelector('edge-llm-app').shadowRoot.querySelector('edge-llm-chat');
        let first;
        element.addEventListener('edge-llm-token', (event) => {
          first ??= performance.now();
          performance.mark(`tokens:${event.detail.totalTokens}`);
        });
        element.addEventListener(
          'edge-llm-done',
          (event) => {
            // The last text reaches the screen with the frame after the final batch.
            requestAnimationFrame(() =>
              setTimeout(() => {
                const shown = element.shadowRoot
                  .querySelector('edge-llm-transcript')
                  .shadowRoot.querySelector('article[data-role="assistant"]:last-of-type .text').textContent.length;
                resolve({
                  first,
                  last: performance.now(),
                  tokens: event.detail.outputTokens,
                  chars: event.detail.text.length,
                  shown,
                });
              }),
            );
          },
          { once: true },
        );
      }),
  );
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing', '__metadata'] });
  const input = chat.locator('textarea[name="message"]');
  await input.fill('Stream as fast as you can.');
  await input.press('Enter');
  const result = await finished;
  const raw = await browser.stopTracing();
  const trace = readTrace(raw);
  if (process.env.BENCH_DEBUG)
    console.log(trace.tokenMarks.length, trace.tasks.length, JSON.stringify(trace.tokenMarks.slice(0, 5)), result);
  await page.close();

  if (result.shown !== result.chars)
    throw new Error(`Only ${result.shown} of ${result.chars} characters reached the screen`);
  const firstMark = trace.tokenMarks[0];
  const lastMark = trace.tokenMarks.at(-1);
  const streamTasks = trace.tasks.filter((task) => task.end > firstMark.at && task.start < lastMark.at);
  const wall = Math.max(1, lastMark.at - firstMark.at);
  return { result, trace, streamTasks, busyShare: busyBetween(trace.tasks, firstMark.at, lastMark.at) / wall };
}

async function runOnce(browser, url) {
  const flood = await streamOnce(browser, url, 'double-flood');
  const paced = await streamOnce(browser, url, 'double-paced');
  return {
    tokens: flood.result.tokens,
    tokensPerSecond: (flood.result.tokens * 1000) / (flood.result.last - flood.result.first),
    busyShare: flood.busyShare,
    longestTaskMs: Math.max(0, ...[...flood.streamTasks, ...paced.streamTasks].map((task) => task.end - task.start)),
    pacedBusyShare: paced.busyShare,
    earlyCostMs: costPerToken(paced.trace, EARLY),
    lateCostMs: costPerToken(paced.trace, LATE),
  };
}

const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'silent' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const runs = [];
try {
  for (let run = 1; run <= RUNS; run += 1) {
    const result = await runOnce(browser, url);
    runs.push(result);
    console.log(
      `run ${run}: ${result.tokens} tokens, ${Math.round(result.tokensPerSecond)} tok/s on screen, ` +
        `main thread busy ${(result.busyShare * 100).toFixed(1)}% (flood) / ${(result.pacedBusyShare * 100).toFixed(1)}% (6,000 tok/s), longest task ${result.longestTaskMs.toFixed(1)} ms, ` +
        `per-token cost ${(result.earlyCostMs * 1000).toFixed(1)} us @100 vs ${(result.lateCostMs * 1000).toFixed(1)} us @5000`,
    );
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}

const summary = {
  tokensPerSecond: Math.round(median(runs.map((run) => run.tokensPerSecond))),
  perTokenCostRatio: Number(median(runs.map((run) => run.lateCostMs / run.earlyCostMs)).toFixed(2)),
  longestTaskMs: Number(median(runs.map((run) => run.longestTaskMs)).toFixed(1)),
  mainThreadBusyShare: Number(median(runs.map((run) => run.busyShare)).toFixed(3)),
  mainThreadBusyShareAt6000: Number(median(runs.map((run) => run.pacedBusyShare)).toFixed(3)),
  runs: runs.length,
  tokensPerRun: TOKENS,
};
console.log(
  `median of ${runs.length} runs: ${summary.tokensPerSecond} tok/s delivered (target >= ${TARGET_TOKENS_PER_SECOND}), ` +
    `per-token cost ratio ${summary.perTokenCostRatio} (target <= ${TARGET_RATIO}), longest task ${summary.longestTaskMs} ms, ` +
    `main thread busy ${(summary.mainThreadBusyShare * 100).toFixed(1)}%`,
);
console.log('Reproduce: npm run bench:ui  (or: node scripts/bench-ui.mjs --tokens 12000 --runs 3 after npm run build)');
console.log(JSON.stringify(summary));
if (summary.tokensPerSecond < TARGET_TOKENS_PER_SECOND || summary.perTokenCostRatio > TARGET_RATIO)
  process.exitCode = 1;
