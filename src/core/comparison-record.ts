/**
 * The engine comparison a benchmark file may carry (`comparison`, added to edge-llm/bench without
 * changing its version: readers that do not know it ignore it; see docs/benchmark-protocol.md):
 * which engine, device and weights each entry was, where its runs are in the file, why an entry
 * was not measured, and the agreement of the engines' next-token choices over one forced
 * sequence. The figures themselves stay in `runs`; every ratio is derived (comparison-table.ts).
 */
import { array, boolean, fail, nonNegative, record, string } from './schema-checks.js';

/** Most entries or agreement pairs in one comparison. */
export const MAX_COMPARISON_ENTRIES = 64;

export interface ComparisonEntry {
  /** How the entry is named on screen, e.g. "transformers.js · WebGPU · fp32". */
  label: string;
  engine: string;
  model: string;
  /** The device asked for: "webgpu" or "wasm" (where it really computed is in its runs). */
  device: string;
  /** The weights' format, e.g. "fp32", "q4", "F32", "Q4_0", "q4f32_1". */
  precision: string;
  /** Indexes into `runs` of this entry's runs (one per prompt length); empty when not measured. */
  runs: number[];
  /** Why it was not measured (the runtime cannot run here, the load failed...). */
  skipped?: string;
  /** True when the weights were random ones of the real shapes (a twin or a preview): speed only, no quality. */
  synthetic?: boolean;
}

export interface AgreementPair {
  /** Indexes into `entries`. */
  a: number;
  b: number;
  positions: number;
  agreeing: number;
  maxLogprobDelta: number;
  firstDisagreement?: number;
}

export interface ComparisonAgreement {
  /** Tokens of the forced sequence every engine read. */
  positions: number;
  pairs: AgreementPair[];
  /** Entries that could not take part, and why. */
  notes: string[];
}

export interface BenchComparison {
  /** What was compared, e.g. "smollm2-135m twin" or "catalog models". */
  subject: string;
  entries: ComparisonEntry[];
  agreement?: ComparisonAgreement;
}

function entry(value: unknown, path: string, runCount: number): ComparisonEntry {
  const e = record(value, path);
  const runs = array(e.runs, `${path}.runs`, MAX_COMPARISON_ENTRIES, 'runs').map((index, i) => {
    const n = nonNegative(index, `${path}.runs[${i}]`);
    if (!Number.isInteger(n) || n >= runCount) fail(`${path}.runs[${i}] must name one of the file's ${runCount} runs`);
    return n;
  });
  const out: ComparisonEntry = {
    label: string(e.label, `${path}.label`),
    engine: string(e.engine, `${path}.engine`),
    model: string(e.model, `${path}.model`),
    device: string(e.device, `${path}.device`),
    precision: string(e.precision, `${path}.precision`),
    runs,
  };
  if (e.skipped !== undefined) out.skipped = string(e.skipped, `${path}.skipped`);
  if (e.synthetic !== undefined) out.synthetic = boolean(e.synthetic, `${path}.synthetic`);
  return out;
}

function pair(value: unknown, path: string, entries: number): AgreementPair {
  const p = record(value, path);
  const index = (key: 'a' | 'b') => {
    const n = nonNegative(p[key], `${path}.${key}`);
    if (!Number.isInteger(n) || n >= entries) fail(`${path}.${key} must name one of the ${entries} entries`);
    return n;
  };
  const positions = nonNegative(p.positions, `${path}.positions`);
  const agreeing = nonNegative(p.agreeing, `${path}.agreeing`);
  if (agreeing > positions) fail(`${path}.agreeing must not exceed ${path}.positions`);
  const out: AgreementPair = {
    a: index('a'),
    b: index('b'),
    positions,
    agreeing,
    maxLogprobDelta: nonNegative(p.maxLogprobDelta, `${path}.maxLogprobDelta`),
  };
  if (p.firstDisagreement !== undefined) {
    out.firstDisagreement = nonNegative(p.firstDisagreement, `${path}.firstDisagreement`);
  }
  return out;
}

/** Reads a comparison back field by field (`runCount`: the runs in the same file). */
export function readComparison(value: unknown, path: string, runCount: number): BenchComparison {
  const c = record(value, path);
  const entries = array(c.entries, `${path}.entries`, MAX_COMPARISON_ENTRIES, 'entries').map((e, i) =>
    entry(e, `${path}.entries[${i}]`, runCount),
  );
  const out: BenchComparison = { subject: string(c.subject, `${path}.subject`), entries };
  if (c.agreement !== undefined) {
    const a = record(c.agreement, `${path}.agreement`);
    out.agreement = {
      positions: nonNegative(a.positions, `${path}.agreement.positions`),
      pairs: array(a.pairs, `${path}.agreement.pairs`, MAX_COMPARISON_ENTRIES, 'pairs').map((p, i) =>
        pair(p, `${path}.agreement.pairs[${i}]`, entries.length),
      ),
      notes: array(a.notes, `${path}.agreement.notes`, MAX_COMPARISON_ENTRIES, 'notes').map((note, i) =>
        string(note, `${path}.agreement.notes[${i}]`),
      ),
    };
  }
  return out;
}
