/**
 * The headless CLI (`npm run bench`), as CI and fleets run it: the tiny generated ONNX model on
 * transformers.js in headless Chromium, the JSON checked against the edge-llm/bench@2 schema,
 * and each way it must fail with a clear message and its own exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchResult } from '../../src/core/bench-schema.ts';
import { ensureFixtures, FIXTURES_DIR } from '../support/fixtures.ts';
import { expect, test } from './test.ts';

const TINY = join(FIXTURES_DIR, 'onnx-tiny');

function bench(args: string[]) {
  // `--no-build`: the browser tests already run against a fresh `npm run build`.
  const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--no-build', ...args], {
    encoding: 'utf8',
    timeout: 280_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('npm run bench writes a schema-valid result for the tiny model and prints a summary', async () => {
  test.setTimeout(300_000);
  ensureFixtures();
  const out = join(mkdtempSync(join(tmpdir(), 'edge-llm-bench-')), 'result.json');
  const run = bench([
    '--engine',
    'transformers',
    '--model',
    TINY,
    '--runs',
    '2',
    '--decode-tokens',
    '16',
    '--out',
    out,
  ]);
  expect(run.status, run.stderr).toBe(0);

  const parsed = parseBenchResult(readFileSync(out, 'utf8'));
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (!parsed.ok) return;
  const result = parsed.value;
  expect(result.protocol).toMatchObject({ runs: 2, warmupRuns: 1, decodeTokens: 16 });
  expect(result.probe?.kernels.bandwidth.check?.passed).toBe(true);
  expect(result.runs.map((r) => r.targetPromptTokens)).toEqual([128, 488]);
  for (const [i, run] of result.runs.entries()) {
    expect(run.decodeTokensPerSecond).toHaveLength(2);
    expect(result.summary[i]!.decodeTokensPerSecond.median).toBeGreaterThan(0);
  }

  expect(run.stdout).toContain('Device: google swiftshader (fallback adapter)');
  expect(run.stdout).toMatch(/bandwidth kernel \/ copyBufferToBuffer: [\d.]+%/);
  expect(run.stdout).toContain('| Device | Engine | Model |');
  expect(run.stdout).toMatch(/Roofline .*\n .*= at most \d+ tokens\/s; measured [\d.]+ = [\d.]+%/);
  // The correctness check ran after the protocol: WebGPU and WASM agree on the tiny model.
  expect(result.correctness).toMatchObject({ checked: true, reference: 'wasm', positions: 256, agreeing: 256 });
  expect(run.stdout).toContain('Correctness: This device computes this model like the CPU');
  expect(run.stdout).toContain(`Wrote ${out}`);
});

test('npm run bench --engine llamacpp records where llama.cpp computed and on how many threads, per run', async () => {
  test.setTimeout(300_000);
  ensureFixtures();
  const out = join(mkdtempSync(join(tmpdir(), 'edge-llm-bench-')), 'result.json');
  const run = bench([
    '--engine',
    'llamacpp',
    '--model',
    join(FIXTURES_DIR, 'gguf-tiny', 'edge-tiny-q8_0.gguf'),
    '--threads',
    '2',
    '--runs',
    '2',
    '--decode-tokens',
    '16',
    '--prompt-lengths',
    '128',
    '--out',
    out,
  ]);
  expect(run.status, run.stderr).toBe(0);
  const parsed = parseBenchResult(readFileSync(out, 'utf8'));
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (!parsed.ok) return;
  expect(parsed.value.schema).toBe('edge-llm/bench@2');
  // llama.cpp cannot be teacher-forced (yet): the check says so instead of failing the benchmark.
  expect(parsed.value.correctness).toMatchObject({
    engine: 'llamacpp',
    checked: false,
    message: 'Not checked: this engine cannot be teacher-forced (it has no pass over a fixed sequence).',
  });
  const [only] = parsed.value.runs;
  // The CLI serves the app cross-origin isolated: both threads ran, on the CPU (no shader-f16).
  expect(only).toMatchObject({ engine: 'llamacpp', computeDevice: 'cpu', computeThreads: 2 });
  expect(only!.computeReason).toMatch(/shader-f16/);
  expect(only!.decodeTokensPerSecond).toHaveLength(2);
  // GPU memory is not measured for this engine: no samples rather than zeros.
  expect(only!.peakGpuMemoryBytes).toEqual([]);
  expect(run.stdout).toMatch(/Computed on: cpu, 2 thread\(s\)/);
});

test('--probe-only measures the GPU without a model', async () => {
  test.setTimeout(120_000);
  const out = join(mkdtempSync(join(tmpdir(), 'edge-llm-bench-')), 'probe.json');
  const run = bench(['--probe-only', '--out', out]);
  expect(run.status, run.stderr).toBe(0);
  const parsed = parseBenchResult(readFileSync(out, 'utf8'));
  expect(parsed.ok && parsed.value.runs).toEqual([]);
  expect(parsed.ok && parsed.value.probe?.kernels.matvecQ4.status).toBe('ok');
});

test('fails clearly: no WebGPU, a missing model, bad arguments', async () => {
  test.setTimeout(120_000);
  // Debian's Chromium offers no WebGPU adapter here without --enable-unsafe-webgpu.
  const noGpu = bench(['--probe-only', '--stock-webgpu']);
  expect(noGpu.status).toBe(3);
  expect(noGpu.stderr).toContain('WebGPU is not available in this browser');

  const missing = bench(['--engine', 'transformers', '--model', 'http://127.0.0.1:9/nothing-here', '--runs', '1']);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/^bench: .+: .*http:\/\/127\.0\.0\.1:9\/nothing-here/m);

  const badArgs = bench(['--engine', 'llama-cpp', '--model', 'x']);
  expect(badArgs.status).toBe(2);
  expect(badArgs.stderr).toContain('--engine must be webllm, transformers or llamacpp (got "llama-cpp")');
});
