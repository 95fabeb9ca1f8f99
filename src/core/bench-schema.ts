/**
 * The device benchmark's result file: a versioned, plain-JSON record of one device, its GPU
 * probe and repeated runs per engine and model. `validateBenchResult` checks anything read
 * back (a file, a share link) field by field and names the first bad field; strings are kept
 * as plain data and never evaluated or rendered as markup here.
 */
import type { GpuProbeReport } from '../shared/engine-api.js';
import { percentile } from './stats.js';

export const BENCH_SCHEMA = 'edge-llm/bench@1' as const;
export const BENCH_SCHEMA_MAJOR = 1;

/** Most samples in one metric array. */
export const MAX_SAMPLES = 10_000;
/** Longest string accepted anywhere in the file. */
export const MAX_STRING_LENGTH = 1_000;
/** Most runs, features or limits in one file. */
export const MAX_ENTRIES = 1_000;
/** Longest text `parseBenchResult` reads (characters). */
export const MAX_TEXT_LENGTH = 20_000_000;

export interface BenchDevice {
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  features: string[];
  limits: Record<string, number>;
  browser: { brand: string; version: string };
  platform: string;
  hardwareConcurrency?: number;
  deviceMemoryGB?: number;
}

export interface BenchRun {
  engine: string;
  model: string;
  promptTokens: number;
  ttftMs: number[];
  prefillTokensPerSecond: number[];
  decodeTokensPerSecond: number[];
  peakGpuMemoryBytes: number[];
  coldLoadMs?: number;
  warmLoadMs?: number;
}

/** Median and 10th/90th percentiles (NaN when n is 0) of one metric's samples. */
export interface MetricSummary {
  median: number;
  p10: number;
  p90: number;
  n: number;
}

export const BENCH_METRICS = [
  'ttftMs',
  'prefillTokensPerSecond',
  'decodeTokensPerSecond',
  'peakGpuMemoryBytes',
] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];

export type RunSummary = Record<BenchMetric, MetricSummary>;

export interface BenchResult {
  schema: typeof BENCH_SCHEMA;
  /** ISO 8601 time the benchmark finished. */
  createdAt: string;
  device: BenchDevice;
  probe?: GpuProbeReport;
  runs: BenchRun[];
  /** One entry per run, in the same order, derived from the run's samples. */
  summary: RunSummary[];
}

export type ValidationResult = { ok: true; value: BenchResult } | { ok: false; error: string };

export function summarizeMetric(samples: readonly number[]): MetricSummary {
  return {
    median: percentile(samples, 50),
    p10: percentile(samples, 10),
    p90: percentile(samples, 90),
    n: samples.length,
  };
}

export function summarizeRun(run: BenchRun): RunSummary {
  return Object.fromEntries(BENCH_METRICS.map((metric) => [metric, summarizeMetric(run[metric])])) as RunSummary;
}

/** A result with its summary computed from the runs. */
export function createBenchResult(input: {
  device: BenchDevice;
  runs: BenchRun[];
  probe?: GpuProbeReport;
  createdAt?: string;
}): BenchResult {
  const result: BenchResult = {
    schema: BENCH_SCHEMA,
    createdAt: input.createdAt ?? new Date().toISOString(),
    device: input.device,
    runs: input.runs,
    summary: input.runs.map(summarizeRun),
  };
  if (input.probe) result.probe = input.probe;
  return result;
}

class BenchValidationError extends Error {}

function fail(message: string): never {
  throw new BenchValidationError(message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${path} must be an object (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(`${path} must be a string (got ${describe(value)})`);
  if (value.length > MAX_STRING_LENGTH) {
    fail(`${path} is too long (${value.length} characters; at most ${MAX_STRING_LENGTH})`);
  }
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(`${path} must be true or false (got ${describe(value)})`);
  return value;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${path} must be a finite number`);
  return value;
}

function nonNegative(value: unknown, path: string): number {
  const n = finite(value, path);
  if (n < 0) fail(`${path} must not be negative (got ${n})`);
  return n;
}

function optionalNonNegative(value: unknown, path: string): number | undefined {
  return value === undefined ? undefined : nonNegative(value, path);
}

function array(value: unknown, path: string, max: number, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${path} must be an array (got ${describe(value)})`);
  if (value.length > max) fail(`${path} has too many ${what} (${value.length}; at most ${max})`);
  return value;
}

function samples(value: unknown, path: string): number[] {
  return array(value, path, MAX_SAMPLES, 'samples').map((item, i) => nonNegative(item, `${path}[${i}]`));
}

function checkSchema(value: unknown): void {
  if (typeof value !== 'string') {
    fail(`not an edge-llm benchmark file (schema is ${value === undefined ? 'missing' : describe(value)})`);
  }
  const shown = JSON.stringify(value.slice(0, 80));
  const match = /^edge-llm\/bench@(\d+)(?:\.\d+)*$/.exec(value);
  if (!match) fail(`not an edge-llm benchmark file (schema ${shown}, expected "${BENCH_SCHEMA}")`);
  const major = Number(match[1]);
  if (major > BENCH_SCHEMA_MAJOR) {
    fail(`made by a newer edge-llm (schema ${shown}); this version reads "${BENCH_SCHEMA}": update edge-llm`);
  }
  if (major < BENCH_SCHEMA_MAJOR) fail(`unsupported old benchmark file (schema ${shown}, expected "${BENCH_SCHEMA}")`);
}

function device(value: unknown): BenchDevice {
  const d = record(value, 'device');
  const a = record(d.adapter, 'device.adapter');
  const b = record(d.browser, 'device.browser');
  const limits = record(d.limits, 'device.limits');
  const limitKeys = Object.keys(limits);
  if (limitKeys.length > MAX_ENTRIES) {
    fail(`device.limits has too many entries (${limitKeys.length}; at most ${MAX_ENTRIES})`);
  }
  const out: BenchDevice = {
    adapter: {
      vendor: string(a.vendor, 'device.adapter.vendor'),
      architecture: string(a.architecture, 'device.adapter.architecture'),
      description: string(a.description, 'device.adapter.description'),
      isFallbackAdapter: boolean(a.isFallbackAdapter, 'device.adapter.isFallbackAdapter'),
    },
    features: array(d.features, 'device.features', MAX_ENTRIES, 'entries').map((f, i) =>
      string(f, `device.features[${i}]`),
    ),
    // Object.fromEntries defines own properties, so a key such as "__proto__" stays plain data.
    limits: Object.fromEntries(
      limitKeys.map((key) => {
        string(key, 'a device.limits key');
        return [key, finite(limits[key], `device.limits[${JSON.stringify(key)}]`)];
      }),
    ),
    browser: { brand: string(b.brand, 'device.browser.brand'), version: string(b.version, 'device.browser.version') },
    platform: string(d.platform, 'device.platform'),
  };
  const cores = optionalNonNegative(d.hardwareConcurrency, 'device.hardwareConcurrency');
  if (cores !== undefined) out.hardwareConcurrency = cores;
  const memory = optionalNonNegative(d.deviceMemoryGB, 'device.deviceMemoryGB');
  if (memory !== undefined) out.deviceMemoryGB = memory;
  return out;
}

function probe(value: unknown): GpuProbeReport {
  const p = record(value, 'probe');
  if (p.schema !== 'edge-llm/probe@1') {
    fail(`probe.schema must be "edge-llm/probe@1" (got ${JSON.stringify(String(p.schema).slice(0, 80))})`);
  }
  record(p.kernels, 'probe.kernels');
  return p as unknown as GpuProbeReport;
}

function run(value: unknown, path: string): BenchRun {
  const r = record(value, path);
  const out: BenchRun = {
    engine: string(r.engine, `${path}.engine`),
    model: string(r.model, `${path}.model`),
    promptTokens: nonNegative(r.promptTokens, `${path}.promptTokens`),
    ttftMs: samples(r.ttftMs, `${path}.ttftMs`),
    prefillTokensPerSecond: samples(r.prefillTokensPerSecond, `${path}.prefillTokensPerSecond`),
    decodeTokensPerSecond: samples(r.decodeTokensPerSecond, `${path}.decodeTokensPerSecond`),
    peakGpuMemoryBytes: samples(r.peakGpuMemoryBytes, `${path}.peakGpuMemoryBytes`),
  };
  const cold = optionalNonNegative(r.coldLoadMs, `${path}.coldLoadMs`);
  if (cold !== undefined) out.coldLoadMs = cold;
  const warm = optionalNonNegative(r.warmLoadMs, `${path}.warmLoadMs`);
  if (warm !== undefined) out.warmLoadMs = warm;
  return out;
}

/**
 * Checks a parsed benchmark file and returns a fresh copy holding only known fields. The
 * summary is recomputed from the samples, so a file cannot claim figures its samples lack.
 */
export function validateBenchResult(json: unknown): ValidationResult {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      fail(`not an edge-llm benchmark file (expected an object, got ${describe(json)})`);
    }
    const root = json as Record<string, unknown>;
    checkSchema(root.schema);
    const createdAt = string(root.createdAt, 'createdAt');
    if (!/^\d{4}-\d{2}-\d{2}T/.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
      fail(`createdAt must be an ISO 8601 date and time (got ${JSON.stringify(createdAt.slice(0, 80))})`);
    }
    const runs = array(root.runs, 'runs', MAX_ENTRIES, 'runs').map((r, i) => run(r, `runs[${i}]`));
    return {
      ok: true,
      value: createBenchResult({
        createdAt,
        device: device(root.device),
        runs,
        ...(root.probe === undefined ? {} : { probe: probe(root.probe) }),
      }),
    };
  } catch (error) {
    if (error instanceof BenchValidationError) return { ok: false, error: error.message };
    // A getter, a proxy or a stack overflow on absurd nesting: still an answer, never a throw.
    return { ok: false, error: `not a readable benchmark file (${String(error)})` };
  }
}

/** Parses and validates the text of a benchmark file. */
export function parseBenchResult(text: string): ValidationResult {
  if (text.length > MAX_TEXT_LENGTH) {
    return { ok: false, error: `the file is too large (${text.length} characters; at most ${MAX_TEXT_LENGTH})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the file is truncated or not JSON (${(error as Error).message})` };
  }
  return validateBenchResult(json);
}
