/**
 * The headless evaluation CLI (`npm run eval`) as a fleet runs it: the tiny generated ONNX model
 * on transformers.js in headless Chromium, the JSON checked by the edge-llm/eval@1 validator, and
 * each way it must fail with a clear message and its own exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvalResult } from '../../src/core/eval-schema.ts';
import { ensureFixtures, FIXTURES_DIR } from '../support/fixtures.ts';
import { expect, test } from './test.ts';

const TINY = join(FIXTURES_DIR, 'onnx-tiny');

function evaluate(args: string[]) {
  // `--no-build`: the browser tests already run against a fresh `npm run build`.
  const run = spawnSync('npm', ['run', '--silent', 'eval', '--', '--no-build', ...args], {
    encoding: 'utf8',
    timeout: 280_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('npm run eval writes a schema-valid result for the tiny model and prints a summary', async () => {
  test.setTimeout(300_000);
  ensureFixtures();
  const out = join(mkdtempSync(join(tmpdir(), 'edge-llm-eval-')), 'result.json');
  const run = evaluate([
    '--engine',
    'transformers',
    '--model',
    TINY,
    '--suite',
    'classification',
    '--lang',
    'zh',
    '--count',
    '4',
    '--max-tokens',
    '6',
    '--check-correctness',
    '--out',
    out,
  ]);
  expect(run.status, run.stderr).toBe(0);

  const parsed = parseEvalResult(readFileSync(out, 'utf8'));
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (!parsed.ok) return;
  const result = parsed.value;
  expect(result.suite).toMatchObject({ name: 'classification', kind: 'built-in', lang: 'zh', seed: 13, items: 4 });
  expect(result.settings).toEqual({ maxTokens: 6, temperature: 0 });
  const [evaluated] = result.runs;
  expect(evaluated).toMatchObject({
    engine: 'transformers',
    computeDevice: 'webgpu',
    quantization: 'fp32',
    complete: true,
  });
  expect(evaluated!.items).toHaveLength(4);
  expect(evaluated!.items.every((item) => item.outputTokens > 0 && item.ms > 0)).toBe(true);
  expect(evaluated!.correctness).toMatchObject({ reference: 'wasm', positions: 256, agreeing: 256 });
  expect(result.summary[0]!.accuracy.total).toBe(4);
  expect(result.summary[0]!.decodeTokensPerSecond.median).toBeGreaterThan(0);

  expect(run.stdout).toContain('Device: google swiftshader (fallback adapter)');
  expect(run.stdout).toContain('Suite: classification (zh), 4 items, seed 13, output limit 6 tokens');
  expect(run.stdout).toMatch(/Accuracy: \d\/4 = [\d.]+% \(95% Wilson interval [\d.]+%–[\d.]+%\); [\d.]+ s\/item/);
  expect(run.stdout).toContain('Correctness: This device computes this model like the CPU');
  expect(run.stdout).toContain('| Device | Suite | Engine | Model | Accuracy (95% CI) |');
  expect(run.stdout).toContain(`Wrote ${out}`);
});

test('fails clearly: an invalid suite file, a missing model, bad arguments', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'edge-llm-eval-'));
  const suite = join(dir, 'mine.jsonl');
  writeFileSync(
    suite,
    '{"prompt": "2+2?", "answer": 4, "match": "number"}\n{"prompt": "x", "answer": "a", "match": "choice"}\n',
  );
  const invalid = evaluate(['--engine', 'transformers', '--model', TINY, '--suite', suite]);
  expect(invalid.status).toBe(2);
  expect(invalid.stderr).toContain(
    'eval: mine.jsonl is not a valid suite: line 2: choices is missing (match "choice" needs the list of answers)',
  );

  const missing = evaluate([
    '--engine',
    'transformers',
    '--model',
    'http://127.0.0.1:9/nothing-here',
    '--suite',
    'arithmetic',
    '--count',
    '1',
  ]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/^eval: .+: .*http:\/\/127\.0\.0\.1:9\/nothing-here/m);

  const noSuite = evaluate(['--engine', 'transformers', '--model', TINY, '--suite', 'poetry']);
  expect(noSuite.status).toBe(2);
  expect(noSuite.stderr).toContain(
    'eval: --suite "poetry" is neither a built-in suite (arithmetic, extraction, classification, instructions) nor a file',
  );
  const badLang = evaluate(['--engine', 'transformers', '--model', TINY, '--suite', 'arithmetic', '--lang', 'fr']);
  expect(badLang.status).toBe(2);
  expect(badLang.stderr).toContain('eval: --lang must be en or zh (got "fr")');
});
