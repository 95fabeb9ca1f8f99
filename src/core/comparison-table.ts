/**
 * The engine comparison as a table (pure): one row per compared entry and prompt length, each
 * figure beside its ratio to the best entry in the same run and at the same prompt length, the
 * share of the roofline bound, and peak memory beside the weights' size. The Benchmark view, the
 * Markdown export and the command line all show this one table.
 */
import { AGREEMENT_THRESHOLD, agreementPercent } from './agreement.js';
import { markdownCell } from './bench-export.js';
import type { BenchResult, BenchRun, RunSummary } from './bench-schema.js';
import type { ComparisonEntry } from './comparison-record.js';
import { formatBytes, formatDuration, formatPercentOfBound, formatRate } from './format.js';
import { measuredBandwidth, rooflineForRun } from './roofline.js';

/** What every figure of a synthetic-weights entry carries. */
export const SYNTHETIC_LABEL = 'synthetic weights: speed only, no quality';

/** Said above a comparison with synthetic entries: what their figures mean and what they do not. */
export const SYNTHETIC_NOTE =
  'Twins and previews are speed tests, not quality tests: their weights are random values with the real model’s shapes, so load, TTFT, prefill, decode and memory are the real model’s, and their replies mean nothing.';

export type ColumnKey =
  | 'coldLoadMs'
  | 'warmLoadMs'
  | 'ttftMs'
  | 'prefillTokensPerSecond'
  | 'decodeTokensPerSecond'
  | 'peakMemoryBytes'
  | 'rooflinePercent';

export interface ColumnInfo {
  key: ColumnKey;
  label: string;
  /** Which way is better: a lower time or memory, a higher rate or share. */
  better: 'lower' | 'higher';
  format(value: number | undefined): string;
}

export const COMPARISON_COLUMNS: readonly ColumnInfo[] = [
  { key: 'coldLoadMs', label: 'Cold load', better: 'lower', format: formatDuration },
  { key: 'warmLoadMs', label: 'Warm load', better: 'lower', format: formatDuration },
  { key: 'ttftMs', label: 'TTFT', better: 'lower', format: formatDuration },
  { key: 'prefillTokensPerSecond', label: 'Prefill', better: 'higher', format: formatRate },
  { key: 'decodeTokensPerSecond', label: 'Decode', better: 'higher', format: formatRate },
  { key: 'peakMemoryBytes', label: 'Peak memory', better: 'lower', format: formatBytes },
  { key: 'rooflinePercent', label: 'Roofline share', better: 'higher', format: formatPercentOfBound },
];

export interface ComparisonCell {
  value: number | undefined;
  /** value ÷ the best value of the column among rows at the same prompt length (1 is the best). */
  ratio: number | undefined;
}

export interface ComparisonRow {
  entry: ComparisonEntry;
  /** The prompt length the protocol asked for (rows are compared within one length). */
  promptLength: number | undefined;
  /** Where it computed, as the engine reported it: "webgpu", "cpu" or "wasm". */
  computedOn: string | undefined;
  cells: Record<ColumnKey, ComparisonCell>;
  /** "gpu" when the peak is GPU buffers (the tracker), "wasm" when it is the engine's WebAssembly heap. */
  memoryKind: 'gpu' | 'wasm' | undefined;
  weightBytes: number | undefined;
  /** Peak memory ÷ the weights' bytes: what the KV cache, activations and runtime add. */
  memoryOverWeights: number | undefined;
}

const median = (summary: RunSummary[keyof RunSummary]) => (summary.n > 0 ? summary.median : undefined);

function peakMemory(run: BenchRun): { bytes: number | undefined; kind: 'gpu' | 'wasm' | undefined } {
  // A peak of 0 is a run that used no GPU buffers (an engine on the CPU): not a measurement.
  const gpuPeak = run.peakGpuMemoryBytes.length > 0 ? Math.max(...run.peakGpuMemoryBytes) : 0;
  if (gpuPeak > 0) return { bytes: gpuPeak, kind: 'gpu' };
  if (run.engineRamBytes !== undefined) return { bytes: run.engineRamBytes, kind: 'wasm' };
  return { bytes: undefined, kind: undefined };
}

function rowOf(result: BenchResult, entry: ComparisonEntry, index: number | undefined): ComparisonRow {
  const run = index === undefined ? undefined : result.runs[index];
  const summary = index === undefined ? undefined : result.summary[index];
  const memory = run ? peakMemory(run) : { bytes: undefined, kind: undefined };
  const decode = summary ? median(summary.decodeTokensPerSecond) : undefined;
  // The roofline bound is the GPU's measured bandwidth: it bounds only what computed on the GPU.
  const roofline =
    run && decode !== undefined && run.computeDevice === 'webgpu'
      ? rooflineForRun({ ...run, decodeTokensPerSecond: decode }, measuredBandwidth(result.probe))
      : undefined;
  const values: Record<ColumnKey, number | undefined> = {
    coldLoadMs: run?.coldLoadMs,
    warmLoadMs: run?.warmLoadMs,
    ttftMs: summary ? median(summary.ttftMs) : undefined,
    prefillTokensPerSecond: summary ? median(summary.prefillTokensPerSecond) : undefined,
    decodeTokensPerSecond: decode,
    peakMemoryBytes: memory.bytes,
    rooflinePercent: roofline?.percent,
  };
  const cells = Object.fromEntries(
    COMPARISON_COLUMNS.map(({ key }) => [key, { value: values[key], ratio: undefined }]),
  ) as Record<ColumnKey, ComparisonCell>;
  return {
    entry,
    promptLength: run ? (run.targetPromptTokens ?? run.promptTokens) : undefined,
    computedOn: run?.computeDevice,
    cells,
    memoryKind: memory.kind,
    weightBytes: run?.weightBytes,
    memoryOverWeights: memory.bytes !== undefined && run?.weightBytes ? memory.bytes / run.weightBytes : undefined,
  };
}

/** Fills each cell's ratio to the best value of its column among `rows`. */
function rate(rows: ComparisonRow[]): void {
  for (const column of COMPARISON_COLUMNS) {
    const values = rows
      .map((row) => row.cells[column.key].value)
      .filter((value): value is number => value !== undefined && Number.isFinite(value) && value > 0);
    if (values.length === 0) continue;
    const best = column.better === 'lower' ? Math.min(...values) : Math.max(...values);
    for (const row of rows) {
      const cell = row.cells[column.key];
      if (cell.value !== undefined && cell.value > 0) cell.ratio = cell.value / best;
    }
  }
}

/**
 * The comparison's rows: measured entries once per prompt length (ratios within that length),
 * then the entries that were not measured, with why. Empty when the result compares nothing.
 */
export function comparisonRows(result: BenchResult): ComparisonRow[] {
  const comparison = result.comparison;
  if (!comparison) return [];
  const measured = comparison.entries.flatMap((entry) => entry.runs.map((index) => rowOf(result, entry, index)));
  const lengths = [...new Set(measured.map((row) => row.promptLength))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const ordered = lengths.flatMap((length) => {
    const group = measured.filter((row) => row.promptLength === length);
    rate(group);
    return group;
  });
  const skipped = comparison.entries
    .filter((entry) => entry.runs.length === 0)
    .map((entry) => rowOf(result, entry, undefined));
  return [...ordered, ...skipped];
}

/** Why an entry has no figures: why it could not run, or that this run did not time engines. */
export function notMeasured(entry: ComparisonEntry): string {
  return entry.skipped ?? 'this run compared next-token choices only (--agreement-only).';
}

/** "0.42×"; "–" without a ratio. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}

/** The weights' size and what the peak is: "GPU" (the tracker) or "WASM heap". */
export function memoryNote(row: ComparisonRow): string {
  const kind = row.memoryKind === 'gpu' ? 'GPU' : row.memoryKind === 'wasm' ? 'WASM heap' : 'not measured';
  const over = row.memoryOverWeights === undefined ? '' : `, ${row.memoryOverWeights.toFixed(2)}× the weights`;
  return `${kind}; weights ${formatBytes(row.weightBytes)}${over}`;
}

/** The table in Markdown: each figure as "value (ratio)", synthetic rows labelled, skipped rows with why. */
export function comparisonMarkdown(result: BenchResult): string {
  const rows = comparisonRows(result);
  if (rows.length === 0) return '';
  const header = ['Engine · device · weights', 'Prompt', ...COMPARISON_COLUMNS.map((c) => c.label), 'Memory'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of rows) {
    const name = `${row.entry.label}${row.computedOn ? ` (ran on ${row.computedOn})` : ''}`;
    if (row.entry.runs.length === 0) {
      lines.push(
        `| ${markdownCell(name)} | – | ${markdownCell(`not measured: ${notMeasured(row.entry)}`)} |${' |'.repeat(COMPARISON_COLUMNS.length)}`,
      );
      continue;
    }
    const cells = COMPARISON_COLUMNS.map((column) => {
      const cell = row.cells[column.key];
      return `${column.format(cell.value)} (${formatRatio(cell.ratio)})`;
    });
    const label = row.entry.synthetic ? `${name}, ${SYNTHETIC_LABEL}` : name;
    lines.push(
      `| ${[markdownCell(label), String(row.promptLength ?? '–'), ...cells, markdownCell(memoryNote(row))].join(' | ')} |`,
    );
  }
  const agreement = agreementLines(result).map((line) => `- ${markdownCell(line)}`);
  const note = rows.some((row) => row.entry.synthetic) ? `${SYNTHETIC_NOTE}\n\n` : '';
  return `${note}${lines.join('\n')}\n${agreement.length > 0 ? `\nAgreement of next-token choices (teacher forcing):\n${agreement.join('\n')}\n` : ''}`;
}

/** True when every pair of the comparison's agreement meets {@link AGREEMENT_THRESHOLD}; undefined without pairs. */
export function agreementMet(result: BenchResult): boolean | undefined {
  const pairs = result.comparison?.agreement?.pairs ?? [];
  if (pairs.length === 0) return undefined;
  return pairs.every((pair) => pair.positions > 0 && pair.agreeing / pair.positions >= AGREEMENT_THRESHOLD);
}

/**
 * Each pair of the agreement in words, with its verdict against {@link AGREEMENT_THRESHOLD}: "a vs b:
 * the same next token at 100% of 128 positions (largest log-probability difference 0.0012): meets 99%".
 */
export function agreementLines(result: BenchResult): string[] {
  const comparison = result.comparison;
  const agreement = comparison?.agreement;
  if (!comparison || !agreement) return [];
  const label = (index: number) => comparison.entries[index]?.label ?? `entry ${index}`;
  return [
    ...agreement.pairs.map((pair) => {
      const share = agreementPercent(pair.agreeing, pair.positions);
      const first =
        pair.firstDisagreement === undefined ? '' : `, first difference at position ${pair.firstDisagreement}`;
      const verdict = pair.positions > 0 && pair.agreeing / pair.positions >= AGREEMENT_THRESHOLD ? 'meets' : 'BELOW';
      return `${label(pair.a)} vs ${label(pair.b)}: the same next token at ${share} of ${pair.positions} positions (largest log-probability difference ${pair.maxLogprobDelta.toPrecision(2)}${first}): ${verdict} the ${AGREEMENT_THRESHOLD * 100}% threshold`;
    }),
    ...agreement.notes,
  ];
}
