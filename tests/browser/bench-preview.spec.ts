/**
 * "Measure without downloading" (issue 12, item 5) for llama.cpp, end to end: the Benchmark view
 * reads only the GGUF header of the ci-small F32 twin from a server that answers range requests
 * (bytes counted at the server), runs the protocol on synthetic weights, labels every figure, and
 * leaves nothing in the browser's storage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from '../../src/core/bench-schema.ts';
import { ensureTwin } from '../support/fixtures.ts';
import type { Page } from '@playwright/test';
import { chooseModel, expect, test } from './test.ts';

interface Served {
  url: string;
  requests: { range: string | undefined; status: number; bytes: number }[];
}

/**
 * Serves one file at `url` through the browser context's routing (which sees the engine worker's
 * requests too), answering single byte ranges with 206, and records what each request got.
 */
async function serveWithRanges(page: Page, url: string, file: Uint8Array): Promise<Served> {
  const requests: Served['requests'] = [];
  await page.context().route(url, async (route) => {
    const range = route.request().headers()['range'];
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (!match) {
      requests.push({ range, status: 200, bytes: file.length });
      await route.fulfill({ status: 200, body: Buffer.from(file), headers: { 'Content-Length': String(file.length) } });
      return;
    }
    const start = Number(match[1]);
    const end = Math.min(match[2] ? Number(match[2]) : file.length - 1, file.length - 1);
    const body = Buffer.from(file.subarray(start, end + 1));
    requests.push({ range, status: 206, bytes: body.length });
    await route.fulfill({
      status: 206,
      body,
      headers: { 'Content-Range': `bytes ${start}-${end}/${file.length}`, 'Content-Length': String(body.length) },
    });
  });
  return { url, requests };
}

test('measures a llama.cpp model from its GGUF header alone: range requests only, synthetic labels, nothing stored', async ({
  page,
  server,
  consoleErrors,
}) => {
  test.setTimeout(240_000);
  const folder = ensureTwin('ci-small', ['gguf']).gguf!;
  const name = 'ci-small-f32.gguf';
  const file = new Uint8Array(readFileSync(join(folder, name)));
  const gguf = await serveWithRanges(page, `${server.url}/range-only/${name}`, file);
  {
    await page.goto(`${server.url}/?engine=llamacpp&view=bench`);
    const storedBefore = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
    await page.evaluate((url) => {
      document.querySelector('edge-llm-app')!.customModels = { llamacpp: [{ url, name: 'ci-small twin (F32)' }] };
    }, gguf.url);
    await chooseModel(page, gguf.url);
    await expect(page.locator('edge-llm-bench input[name="model"]')).toHaveValue(gguf.url);
    const result = await page
      .evaluate(async () => {
        const bench = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!;
        Object.assign(bench, {
          device: 'wasm',
          runs: 1,
          warmupRuns: 0,
          decodeTokens: 8,
          promptLengths: '64',
          probeOptions: { runs: 3, bandwidthBytes: 8 * 2 ** 20, matmulSize: 128, matvecRows: 512, matvecCols: 1024 },
        });
        await bench.updateComplete;
        const done = new Promise<BenchResult>((resolve, reject) => {
          bench.addEventListener('edge-llm-bench-done', (event) => resolve((event as CustomEvent<BenchResult>).detail));
          bench.addEventListener('edge-llm-error', (event) =>
            reject(new Error(JSON.stringify((event as CustomEvent).detail))),
          );
        });
        (bench.shadowRoot!.querySelector('button[data-action="preview"]') as HTMLButtonElement).click();
        return done;
      })
      .catch((error: Error) => {
        throw new Error(
          `${error.message}\nrequests: ${JSON.stringify(gguf.requests)}\nconsole: ${consoleErrors.join('\n')}`,
        );
      });

    // Every request to the file was a range request, and together they read a small part of it.
    expect(gguf.requests.length).toBeGreaterThan(0);
    expect(gguf.requests.every((r) => r.status === 206 && r.range !== undefined)).toBe(true);
    const served = gguf.requests.reduce((sum, r) => sum + r.bytes, 0);
    expect(served).toBeLessThan(file.length / 10);

    const [run] = result.runs;
    expect(run).toMatchObject({ engine: 'llamacpp', synthetic: true, computeDevice: 'cpu' });
    expect(run!.weightBytes).toBeGreaterThan(file.length * 0.9);
    expect(result.summary[0]!.decodeTokensPerSecond.median).toBeGreaterThan(0);
    expect(result.notes?.join(' ')).toMatch(/synthetic weights are made afresh at every load and never stored/);
    await expect(page.locator('edge-llm-bench [data-synthetic]').first()).toContainText(
      'synthetic weights: speed only, no quality',
    );

    // Nothing of the model was stored: the browser's storage grew by far less than the file.
    const storedAfter = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? 0));
    expect(storedAfter - storedBefore).toBeLessThan(file.length / 10);
    const stored = await page.evaluate(async () => {
      const names: string[] = [];
      const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
        for await (const [entry, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
          names.push(prefix + entry);
          if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${entry}/`);
        }
      };
      await walk(await navigator.storage.getDirectory(), '');
      return names;
    });
    expect(stored.filter((entry) => /gguf|ci-small/i.test(entry))).toEqual([]);
  }
});
