/**
 * Benchmark results as CSV (one row per run) and as a Markdown table, with the file names and
 * formats the evaluation's exports share. Every cell that comes
 * from the file is treated as untrusted text: CSV cells are quoted per RFC 4180 and guarded
 * against spreadsheet formulas; Markdown cells cannot break the table or inject markup.
 */
import { agreementPercent } from './agreement.js';
import { BENCH_METRICS, type BenchMetric, type BenchResult, type BenchRun } from './bench-schema.js';
import type { BenchCorrectness } from './correctness-record.js';
import type { ProbeKernelId, SampleSummary } from '../shared/engine-api.js';

/** How each charted figure is named on screen. */
export const METRIC_LABELS: Record<BenchMetric, string> = {
  ttftMs: 'Time to first token (ms)',
  prefillTokensPerSecond: 'Prefill tokens/s',
  decodeTokensPerSecond: 'Decode tokens/s',
  peakGpuMemoryBytes: 'Peak GPU memory (MiB)',
};

/** How each GPU probe kernel is named on screen. */
export const KERNEL_LABELS: Record<ProbeKernelId, string> = {
  bandwidth: 'Memory bandwidth (read + write kernel)',
  copy: 'copyBufferToBuffer, same size',
  matmulF32: 'f32 matrix multiply (tiled)',
  matmulF16: 'f16 matrix multiply (shader-f16)',
  matvecQ4: '4-bit dequantize + mat-vec',
};

export type ExportFormat = 'json' | 'csv' | 'markdown';

/** Each export format's file extension and MIME type. */
export const EXPORT_FORMATS: Record<ExportFormat, { extension: string; mime: string }> = {
  json: { extension: 'json', mime: 'application/json' },
  csv: { extension: 'csv', mime: 'text/csv' },
  markdown: { extension: 'md', mime: 'text/markdown' },
};

/**
 * "edge-llm-bench-2026-11-29T02-37-47.json": the kind of result and its time, safe in every file
 * system. `kind` is "bench" or "eval" (the evaluation's files are of the same family).
 */
export function exportFileName(createdAt: string, format: ExportFormat, kind: 'bench' | 'eval' = 'bench'): string {
  const stamp = createdAt.replace(/[:.]/g, '-').slice(0, 19);
  return `edge-llm-${kind}-${stamp}.${EXPORT_FORMATS[format].extension}`;
}

/** The result's correctness check when it is of this run's engine and model. */
export function correctnessOf(
  result: BenchResult,
  run: Pick<BenchRun, 'engine' | 'model'>,
): BenchCorrectness | undefined {
  const check = result.correctness;
  return check && check.engine === run.engine && check.model === run.model ? check : undefined;
}

/** "99.6%" where the check ran, "not checked" where it could not, "–" where there was none. */
export function agreementCell(check: BenchCorrectness | undefined): string {
  if (!check) return '–';
  return check.checked ? agreementPercent(check.agreeing, check.positions) : 'not checked';
}

/** How a device is named in a table: adapter, then browser and platform. */
export function deviceLabel(result: Pick<BenchResult, 'device'>): string {
  const { adapter, browser, platform } = result.device;
  const gpu = [adapter.vendor, adapter.architecture, adapter.description].filter((part) => part !== '').join(' ');
  return `${gpu || 'unknown GPU'}${adapter.isFallbackAdapter ? ' (fallback)' : ''} · ${browser.brand} ${browser.version} · ${platform}`;
}

/** A model folder URL by its folder name (and variant); catalog ids as they are. */
export function shortModelName(model: string): string {
  if (!/^https?:\/\//.test(model)) return model;
  const [path = model, variant] = model.split(/@(?=[^/@]*$)/);
  const name = path.replace(/\/+$/, '').split('/').at(-1) ?? path;
  return variant ? `${name}@${variant}` : name;
}

/** A text cell a spreadsheet would read as a formula gets a leading apostrophe. */
function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a cell holding a comma, quote or line break is quoted, quotes doubled. */
function csvQuote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV cell from untrusted text: formula-defused and quoted. */
export function csvText(text: string): string {
  return csvQuote(defuseFormula(text));
}

/** A CSV cell from a number; empty when there is none. */
export function csvNumber(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(value);
}

const SUMMARY_FIELDS = ['median', 'p10', 'p90', 'n'] as const;

export const CSV_HEADER = [
  'device',
  'createdAt',
  'engine',
  'model',
  'promptTokens',
  ...BENCH_METRICS.flatMap((metric) => SUMMARY_FIELDS.map((field) => `${metric}_${field}`)),
  'coldLoadMs',
  'warmLoadMs',
  'agreement',
  'maxLogprobDelta',
];

/** The run's model, labelled when its weights were synthetic (a twin or a preview). */
export function modelLabel(run: BenchRun): string {
  return run.synthetic ? `${run.model} (synthetic weights: speed only, no quality)` : run.model;
}

/** One row per run of every result, with a header row; lines end in CRLF as RFC 4180 says. */
export function toCsv(results: readonly BenchResult[]): string {
  const rows = [CSV_HEADER.join(',')];
  for (const result of results) {
    const device = deviceLabel(result);
    result.runs.forEach((run, i) => {
      const summary = result.summary[i];
      const check = correctnessOf(result, run);
      const checked = check?.checked ? check : undefined;
      rows.push(
        [
          csvText(device),
          csvText(result.createdAt),
          csvText(run.engine),
          csvText(modelLabel(run)),
          csvNumber(run.promptTokens),
          ...BENCH_METRICS.flatMap((metric) => SUMMARY_FIELDS.map((field) => csvNumber(summary?.[metric][field]))),
          csvNumber(run.coldLoadMs),
          csvNumber(run.warmLoadMs),
          csvNumber(checked && checked.agreeing / checked.positions),
          csvNumber(checked?.maxLogprobDelta),
        ].join(','),
      );
    });
  }
  return rows.join('\r\n') + '\r\n';
}

/** Markdown-escapes a cell: backslash and `|` escaped, `<`, `>` and `&` as entities, line breaks as spaces. */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, ' ');
}

function round(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/** "median (p10–p90)", in `scale` units; "–" when there are no samples. */
export function spread(summary: SampleSummary | undefined, scale = 1): string {
  if (!summary || summary.n === 0) return '–';
  return `${round(summary.median / scale)} (${round(summary.p10 / scale)}–${round(summary.p90 / scale)})`;
}

const MIB = 1024 * 1024;

export const MARKDOWN_HEADER = [
  'Device',
  'Engine',
  'Model',
  'TTFT ms',
  'Prefill tok/s',
  'Decode tok/s',
  'Peak GPU MiB',
  'n',
  'Agreement with CPU',
] as const;

/** A Markdown table, one row per run; figures are "median (p10–p90)", n is the decode samples. */
export function toMarkdown(results: readonly BenchResult[]): string {
  const lines = [`| ${MARKDOWN_HEADER.join(' | ')} |`, `|${MARKDOWN_HEADER.map(() => ' --- ').join('|')}|`];
  for (const result of results) {
    const device = markdownCell(deviceLabel(result));
    result.runs.forEach((run, i) => {
      const summary = result.summary[i];
      const cells = [
        device,
        // The device as the Benchmark view's table shows it: a model's WebGPU and CPU runs apart.
        markdownCell(run.computeDevice ? `${run.engine} (${run.computeDevice})` : run.engine),
        markdownCell(modelLabel(run)),
        spread(summary?.ttftMs),
        spread(summary?.prefillTokensPerSecond),
        spread(summary?.decodeTokensPerSecond),
        spread(summary?.peakGpuMemoryBytes, MIB),
        String(summary?.decodeTokensPerSecond.n ?? 0),
        agreementCell(correctnessOf(result, run)),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    });
  }
  return lines.join('\n') + '\n';
}
