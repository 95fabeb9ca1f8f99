/** What the evaluation view shows and keeps: suite groups, labels, the scatter's summary, candidates, saved records. */
import { describe, expect, it } from 'vitest';
import { recommendationCandidates, recordForRun } from '../../src/core/eval/choose.js';
import { chosenSuite, USER_SUITE_PREFIX } from '../../src/core/eval/chosen-suite.js';
import { comparisonRows } from '../../src/core/eval/compare.js';
import { recommendModel } from '../../src/core/eval/recommend.js';
import {
  deviceKey,
  MAX_SAVED_RESULTS,
  mergeForExport,
  readSavedResults,
  readSavedSuites,
  sameResult,
  withResult,
  withSuite,
} from '../../src/core/eval/saved.js';
import { runLabel, scatterSummary, suiteGroups, suiteLabel } from '../../src/core/eval/shown.js';
import { builtInSuite } from '../../src/core/eval/suites.js';
import type { EvalResult } from '../../src/core/eval-schema.js';
import type { FitDevice } from '../../src/core/fit.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';
import { sampleEval, sampleItem, sampleRun } from './eval-fixture.js';

const MIB = 2 ** 20;

function at(result: EvalResult, createdAt: string): EvalResult {
  return { ...result, createdAt };
}

function otherDevice(result: EvalResult): EvalResult {
  return { ...result, device: { ...result.device, adapter: { ...result.device.adapter, description: 'RTX 4090' } } };
}

describe('suites and labels', () => {
  it('names a suite by name, language, items and seed', () => {
    expect(suiteLabel(sampleEval().suite)).toBe('arithmetic (en), 4 items, seed 13');
    expect(suiteLabel({ name: 'mine.jsonl', kind: 'user', items: 1, fingerprint: 'f' })).toBe('mine.jsonl, 1 item');
  });

  it('groups results by suite fingerprint, the newest group first', () => {
    const old = at(sampleEval(), '2025-01-01T00:00:00.000Z');
    const other = at(sampleEval(), '2025-02-01T00:00:00.000Z');
    other.suite = { ...other.suite, name: 'extraction', fingerprint: 'fnv1a32-00000001-4' };
    const newer = at(sampleEval(), '2025-01-05T00:00:00.000Z');
    const groups = suiteGroups([old, other, newer]);
    expect(groups.map((group) => [group.label, group.results.length])).toEqual([
      ['extraction (en), 4 items, seed 13', 1],
      ['arithmetic (en), 4 items, seed 13', 2],
    ]);
    expect(groups[1]!.results).toEqual([old, newer]);
  });

  it('names a run by its model, engine and, on the CPU, says so', () => {
    expect(runLabel(sampleRun())).toBe('SmolLM2-135M-Instruct@q4 · transformers.js');
    expect(runLabel({ engine: 'webllm', model: 'Qwen-q4f16_1-MLC', computeDevice: 'wasm' })).toBe(
      'Qwen-q4f16_1-MLC · web-llm (CPU)',
    );
    expect(runLabel({ engine: '<b>x</b>', model: 'm' })).toBe('m · <b>x</b>');
  });

  it('sums the scatter up in a sentence: the front with its figures, and what could not be drawn', () => {
    const fast = sampleRun({
      model: 'fast',
      items: [sampleItem('a', true, { decodeTokensPerSecond: 80, peakGpuMemoryBytes: 100 * MIB })],
    });
    const slow = sampleRun({ model: 'slow', items: [sampleItem('a', false, { decodeTokensPerSecond: 10 })] });
    const silent = sampleRun({ model: 'silent', items: [sampleItem('a', true, { outputTokens: 1 })] });
    const rows = comparisonRows([sampleEval([fast, slow, silent])]);
    expect(scatterSummary(rows, (row) => row.run.model)).toBe(
      'Accuracy against decode speed for 2 model runs, dot size by memory; on the Pareto front: fast (100%, 80.0 tok/s, 105 MB); 1 without a speed or memory figure not shown.',
    );
  });
});

/** 8 GB of system memory: a 4 GiB budget. */
const LAPTOP: FitDevice = {
  features: [],
  deviceMemoryGB: 8,
  isFallbackAdapter: false,
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 16384 },
};

function catalogRecord(id: string, vramMB: number, vramIsEstimate = false): ModelRecord {
  return {
    id,
    engine: 'transformers',
    kind: 'chat',
    family: 'SmolLM2',
    parameters: '135M',
    parameterCount: 135e6,
    quantization: 'q4',
    vramMB,
    vramIsEstimate,
    contextWindow: 2048,
    requiredFeatures: [],
    bufferSizeRequiredBytes: undefined,
    lowResource: true,
    cached: false,
  };
}

describe('recommendation candidates', () => {
  it('takes the catalog’s declared memory, and what was measured where the catalog only estimates', () => {
    const run = sampleRun();
    expect(recordForRun(run, 300 * MIB, [catalogRecord(run.model, 900)]).vramMB).toBe(900);
    expect(recordForRun(run, 300 * MIB, [catalogRecord(run.model, 900, true)]).vramMB).toBe(300);
    const unlisted = recordForRun(run, 300 * MIB, []);
    expect(unlisted).toMatchObject({ id: run.model, engine: 'transformers', quantization: 'q4', vramMB: 300 });
  });

  it('counts only complete runs of this device, the newest per model', () => {
    const older = at(sampleEval([sampleRun({ items: [sampleItem('a', false)] })]), '2025-01-01T00:00:00.000Z');
    const newer = at(sampleEval([sampleRun()]), '2025-01-03T00:00:00.000Z');
    const cancelled = at(sampleEval([sampleRun({ model: 'half', complete: false })]), '2025-01-04T00:00:00.000Z');
    const elsewhere = otherDevice(at(sampleEval([sampleRun({ model: 'far' })]), '2025-01-05T00:00:00.000Z'));
    const here = deviceKey(newer.device);
    const rows = comparisonRows([older, newer, cancelled, elsewhere]);
    const candidates = recommendationCandidates(rows, [], (result) => deviceKey(result.device) === here);
    expect(candidates.map((c) => [c.label, c.accuracy.correct, c.accuracy.total])).toEqual([
      ['SmolLM2-135M-Instruct@q4 · transformers.js', 3, 4],
    ]);

    const recommendation = recommendModel(candidates, LAPTOP, [], 15);
    expect(recommendation.pick?.label).toBe('SmolLM2-135M-Instruct@q4 · transformers.js');
    expect(recommendation.reason).toMatch(/^SmolLM2-135M-Instruct@q4 · transformers\.js is the most accurate/);
    expect(recommendModel(candidates, LAPTOP, [], 50).reason).toMatch(
      /^No model that fits this device decodes at 50\.0 tok\/s or more/,
    );
  });
});

describe('saved records', () => {
  it('keys a device by its adapter, browser brand and platform, not the browser version', () => {
    const result = sampleEval();
    const updated = { ...result.device, browser: { ...result.device.browser, version: '999' } };
    expect(deviceKey(updated)).toBe(deviceKey(result.device));
    expect(deviceKey(otherDevice(result).device)).not.toBe(deviceKey(result.device));
  });

  it('reads back valid results and drops damaged ones', () => {
    const good = JSON.parse(JSON.stringify(sampleEval()));
    const bad = { ...good, runs: [{ ...good.runs[0], complete: 'yes' }] };
    expect(readSavedResults([good, bad, 'junk'])).toEqual([sampleEval()]);
    expect(readSavedResults(undefined)).toEqual([]);
    expect(readSavedResults({ 0: good })).toEqual([]);
  });

  it('adds a result once, newest last, and keeps at most the limit', () => {
    const first = at(sampleEval(), '2025-01-01T00:00:00.000Z');
    const second = at(sampleEval(), '2025-01-02T00:00:00.000Z');
    expect(withResult([first, second], first)).toEqual([second, first]);
    expect(sameResult(first, { ...first })).toBe(true);
    expect(sameResult(first, otherDevice(first))).toBe(false);
    const many = Array.from({ length: MAX_SAVED_RESULTS }, (_, i) =>
      at(sampleEval(), new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString()),
    );
    const kept = withResult(many, second);
    expect(kept).toHaveLength(MAX_SAVED_RESULTS);
    expect(kept[0]).toBe(many[1]);
    expect(kept.at(-1)).toBe(second);
  });

  it('keeps well-formed suites, one per name', () => {
    const suite = { name: 'mine.jsonl', text: '{"prompt":"x","answer":"a","match":"exact"}', savedAt: 1 };
    expect(readSavedSuites([suite, { name: '', text: 'x', savedAt: 1 }, { name: 'n', text: 5, savedAt: 1 }])).toEqual([
      suite,
    ]);
    expect(withSuite([suite, { ...suite, name: 'b' }], { ...suite, text: 'new', savedAt: 2 })).toEqual([
      { ...suite, name: 'b' },
      { ...suite, text: 'new', savedAt: 2 },
    ]);
  });

  it('exports a suite’s results of this device as one file when their settings agree', () => {
    const a = at(sampleEval([sampleRun({ model: 'a' })]), '2025-01-01T00:00:00.000Z');
    const b = at(sampleEval([sampleRun({ model: 'b' })]), '2025-01-02T00:00:00.000Z');
    const merged = mergeForExport([a, b]);
    expect(merged?.createdAt).toBe(b.createdAt);
    expect(merged?.runs.map((run) => run.model)).toEqual(['a', 'b']);
    expect(merged?.summary).toHaveLength(2);
    const longer = { ...b, settings: { ...b.settings, maxTokens: 256 } };
    expect(mergeForExport([a, longer])).toBe(longer);
    expect(mergeForExport([])).toBeUndefined();
  });
});

describe('chosenSuite', () => {
  const choice = { suite: 'arithmetic', lang: 'zh' as const, count: 3, seed: 13 };

  it('makes a built-in suite from its seed, language and count', () => {
    const chosen = chosenSuite(choice, []);
    expect(chosen.ok && chosen.suite).toEqual(builtInSuite('arithmetic', 'zh', { seed: 13, count: 3 }));
    expect(chosenSuite({ ...choice, count: 0 }, [])).toEqual({
      ok: false,
      error: 'Check the settings: A suite has 1 to 10000 items (asked for 0).',
    });
    expect(chosenSuite({ ...choice, suite: 'poetry' }, [])).toEqual({
      ok: false,
      error: 'There is no built-in suite "poetry".',
    });
  });

  it('reads a kept suite back, checking it again', () => {
    const text = '{"prompt": "2+2?", "answer": 4, "match": "number"}';
    const kept = [{ name: 'mine.jsonl', text, savedAt: 1 }];
    const chosen = chosenSuite({ ...choice, suite: `${USER_SUITE_PREFIX}mine.jsonl` }, kept);
    expect(chosen.ok && chosen.suite).toMatchObject({ name: 'mine.jsonl', kind: 'user', items: [{ id: 'line-1' }] });
    expect(chosenSuite({ ...choice, suite: 'user:gone.jsonl' }, kept)).toEqual({
      ok: false,
      error: 'The suite "gone.jsonl" is not kept in this browser: choose its file again.',
    });
    const broken = [{ name: 'bad.jsonl', text: '{"prompt": "x"}\n{', savedAt: 1 }];
    expect(chosenSuite({ ...choice, suite: 'user:bad.jsonl' }, broken)).toEqual({
      ok: false,
      error:
        'bad.jsonl is not a valid suite: line 1: match is missing (one of exact, number, regex, choice, json-keys) (and 1 more problems)',
    });
  });
});
