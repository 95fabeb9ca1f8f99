/**
 * The correctness check's record (src/core/agreement.ts) as the result files keep it: with each
 * model run of an evaluation (`edge-llm/eval@1`) and with a benchmark (`edge-llm/bench@2`). One
 * shape and one reader, so the two files say the same thing the same way.
 */
import { boolean, fail, nonNegative, record, string } from './schema-checks.js';

/** What the check found: the share of positions where this device chose the CPU's next token. */
export interface CorrectnessRecord {
  /** What the run was compared with, e.g. "wasm" (the CPU in the same engine). */
  reference: string;
  positions: number;
  agreeing: number;
  maxLogprobDelta: number;
  firstDisagreement?: number;
  /** The verdict in words. */
  message: string;
}

/** A benchmark's check: the record, or why there is none ("this engine cannot be teacher-forced"). */
export type BenchCorrectness = { engine: string; model: string; computeDevice?: string; quantization?: string } & (
  ({ checked: true } & CorrectnessRecord) | { checked: false; message: string }
);

export function wholeNumber(value: unknown, path: string): number {
  const n = nonNegative(value, path);
  if (!Number.isInteger(n)) fail(`${path} must be a whole number (got ${n})`);
  return n;
}

/** Reads a {@link CorrectnessRecord} field by field; throws a SchemaFieldError naming the bad field. */
export function readCorrectnessRecord(value: unknown, path: string): CorrectnessRecord {
  const c = record(value, path);
  const out: CorrectnessRecord = {
    reference: string(c.reference, `${path}.reference`),
    positions: wholeNumber(c.positions, `${path}.positions`),
    agreeing: wholeNumber(c.agreeing, `${path}.agreeing`),
    maxLogprobDelta: nonNegative(c.maxLogprobDelta, `${path}.maxLogprobDelta`),
    message: string(c.message, `${path}.message`),
  };
  if (out.agreeing > out.positions)
    fail(`${path}.agreeing (${out.agreeing}) is more than ${path}.positions (${out.positions})`);
  if (c.firstDisagreement !== undefined)
    out.firstDisagreement = wholeNumber(c.firstDisagreement, `${path}.firstDisagreement`);
  return out;
}

/** Reads a benchmark's {@link BenchCorrectness}; throws a SchemaFieldError naming the bad field. */
export function readBenchCorrectness(value: unknown, path: string): BenchCorrectness {
  const c = record(value, path);
  const subject: { engine: string; model: string; computeDevice?: string; quantization?: string } = {
    engine: string(c.engine, `${path}.engine`),
    model: string(c.model, `${path}.model`),
  };
  if (c.computeDevice !== undefined) subject.computeDevice = string(c.computeDevice, `${path}.computeDevice`);
  if (c.quantization !== undefined) subject.quantization = string(c.quantization, `${path}.quantization`);
  if (boolean(c.checked, `${path}.checked`)) return { ...subject, checked: true, ...readCorrectnessRecord(c, path) };
  return { ...subject, checked: false, message: string(c.message, `${path}.message`) };
}
