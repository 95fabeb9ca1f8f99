/**
 * The engine shoot-out through the CLI (`npm run bench -- --compare --twin ci-small`), as CI runs
 * it on the small twin: the agreement test (issue 12, item 4: engines given the same fp32 weights
 * choose the same next token at >= 99% of 128 forced positions) and the side-by-side table with
 * every engine listed, measured or with the reason it cannot run here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGREEMENT_THRESHOLD } from '../../src/core/agreement.ts';
import { parseBenchResult, type BenchResult } from '../../src/core/bench-schema.ts';
import { expect, test } from './test.ts';

function compare(args: string[]): { status: number | null; stdout: string; stderr: string; result?: BenchResult } {
  const out = join(mkdtempSync(join(tmpdir(), 'edge-llm-shootout-')), 'result.json');
  // `--no-build`: the browser tests already run against a fresh `npm run build`.
  const run = spawnSync(
    'npm',
    ['run', '--silent', 'bench', '--', '--no-build', '--compare', '--twin', 'ci-small', '--out', out, ...args],
    { encoding: 'utf8', timeout: 560_000 },
  );
  let result: BenchResult | undefined;
  try {
    const parsed = parseBenchResult(readFileSync(out, 'utf8'));
    if (parsed.ok) result = parsed.value;
  } catch {
    // No file: the run failed, and its status and stderr say why.
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, ...(result ? { result } : {}) };
}

test.describe('agreement across engines on the fp32 twin (128 forced positions)', () => {
  let run: ReturnType<typeof compare>;
  const share = (a: string, b: string) => {
    const comparison = run.result!.comparison!;
    const labels = comparison.entries.map((entry) => entry.label);
    const pair = comparison.agreement!.pairs.find(
      (p) => [labels[p.a], labels[p.b]].sort().join(' | ') === [a, b].sort().join(' | '),
    );
    if (!pair) throw new Error(`no agreement pair ${a} vs ${b}`);
    expect(pair.positions).toBe(128);
    return pair.agreeing / pair.positions;
  };

  test.beforeAll(() => {
    test.setTimeout(600_000);
    run = compare(['--agreement-only', '--precisions', 'fp32']);
  });

  test('every engine reads the same 128 tokens, and the CLI prints each pair with its verdict', () => {
    expect(run.result, run.stderr).toBeDefined();
    const agreement = run.result!.comparison!.agreement!;
    expect(agreement.notes).toEqual([]);
    expect(agreement.positions).toBe(128);
    expect(agreement.pairs).toHaveLength(3);
    expect(run.stdout).toMatch(
      /transformers\.js · CPU · fp32 vs llama\.cpp · CPU · F32: the same next token at [\d.]+% of 128 positions/,
    );
  });

  test('transformers.js on the CPU (WASM) and llama.cpp F32 agree at >= 99%', () => {
    expect(share('transformers.js · CPU · fp32', 'llama.cpp · CPU · F32')).toBeGreaterThanOrEqual(AGREEMENT_THRESHOLD);
  });

  // This failed at about 12% until the transformers.js adapter gave ONNX Runtime a device without
  // subgroups on SwiftShader's 4-lane subgroups, where its flash attention scores the wrong keys
  // (src/core/ort-subgroups.ts).
  test('transformers.js on WebGPU agrees with the CPU engines at >= 99%', () => {
    expect(share('transformers.js · WebGPU · fp32', 'transformers.js · CPU · fp32')).toBeGreaterThanOrEqual(
      AGREEMENT_THRESHOLD,
    );
    expect(share('transformers.js · WebGPU · fp32', 'llama.cpp · CPU · F32')).toBeGreaterThanOrEqual(
      AGREEMENT_THRESHOLD,
    );
  });
});

test('the shoot-out table lists every engine: measured ones with ratios, the others with why, twins labelled speed-only', async () => {
  test.setTimeout(600_000);
  const run = compare(['--skip-agreement', '--runs', '1', '--warmup', '0', '--decode-tokens', '8']);
  expect(run.status, run.stderr).toBe(0);
  const { comparison, runs } = run.result!;
  const byLabel = new Map(comparison!.entries.map((entry) => [entry.label, entry]));
  // No compiled web-llm library runs on the shipped runtime here; llama.cpp's WebGPU needs shader-f16.
  expect(byLabel.get('web-llm · WebGPU · q4f32_1')!.skipped).toMatch(
    /no compiled web-llm model library .*web-llm 0\.2\.86 runs only/,
  );
  expect(byLabel.get('llama.cpp · WebGPU · F32')!.skipped).toMatch(/shader-f16/);
  for (const label of [
    'transformers.js · WebGPU · fp32',
    'transformers.js · CPU · fp32',
    'transformers.js · WebGPU · q4',
    'transformers.js · CPU · q4',
    'llama.cpp · CPU · F32',
    'llama.cpp · CPU · Q4_0',
  ]) {
    const entry = byLabel.get(label)!;
    expect(entry.skipped, label).toBeUndefined();
    expect(entry.synthetic).toBe(true);
    const measured = runs[entry.runs[0]!]!;
    expect(measured.decodeTokensPerSecond.length, label).toBe(1);
    expect(measured.synthetic).toBe(true);
  }
  expect(run.stdout).toContain('Twins and previews are speed tests, not quality tests');
  expect(run.stdout).toMatch(
    /\| llama\.cpp · CPU · Q4_0 \(ran on cpu\), synthetic weights: speed only, no quality \| 128 \|/,
  );
  expect(run.stdout).toMatch(/\| web-llm · WebGPU · q4f32_1 \| – \| not measured: no compiled web-llm model library/);
  // Each row's figures carry their ratio to the best at the same prompt length: one is 1.00×.
  expect(run.stdout).toMatch(/tok\/s \(1\.00×\)/);
  // The roofline bounds what computed on the GPU only: the CPU rows say so instead of a share.
  const roofline = run.stdout.slice(run.stdout.indexOf('Roofline (decode')).split('\n').slice(1, 7);
  expect(roofline.filter((line) => /computed on the CPU/.test(line))).toHaveLength(4);
  expect(roofline.filter((line) => /measured [\d.]+ = [\d.]+%$/.test(line))).toHaveLength(2);
});
