/**
 * Evaluation results as CSV (one row per model run) and as a Markdown table, with the
 * benchmark's cell rules (bench-export.ts): every text cell is untrusted, CSV cells are quoted
 * and defused, Markdown cells cannot break the table or inject markup.
 */
import { agreementPercent } from './agreement.js';
import { csvNumber, csvText, deviceLabel, markdownCell, shortModelName } from './bench-export.js';
import type { EvalResult, EvalSummary } from './eval-schema.js';

export const EVAL_CSV_HEADER = [
  'device',
  'createdAt',
  'suite',
  'lang',
  'suiteFingerprint',
  'engine',
  'model',
  'computeDevice',
  'quantization',
  'complete',
  'correct',
  'answered',
  'accuracy',
  'accuracyLow95',
  'accuracyHigh95',
  'secondsPerItem',
  'decodeTokensPerSecond_median',
  'ttftMs_median',
  'peakGpuMemoryBytes',
  'modelBytes',
  'agreement',
  'maxTokens',
];

/** One row per model run of every result, with a header row; lines end in CRLF (RFC 4180). */
export function evalToCsv(results: readonly EvalResult[]): string {
  const rows = [EVAL_CSV_HEADER.join(',')];
  for (const result of results) {
    const device = deviceLabel(result);
    result.runs.forEach((run, i) => {
      const summary = result.summary[i];
      rows.push(
        [
          csvText(device),
          csvText(result.createdAt),
          csvText(result.suite.name),
          csvText(result.suite.lang ?? ''),
          csvText(result.suite.fingerprint),
          csvText(run.engine),
          csvText(run.model),
          csvText(run.computeDevice ?? ''),
          csvText(run.quantization ?? ''),
          run.complete ? 'true' : 'false',
          csvNumber(summary?.accuracy.correct),
          csvNumber(summary?.accuracy.total),
          csvNumber(summary?.accuracy.rate),
          csvNumber(summary?.accuracy.low),
          csvNumber(summary?.accuracy.high),
          csvNumber(summary?.secondsPerItem),
          csvNumber(summary?.decodeTokensPerSecond.median),
          csvNumber(summary?.ttftMs.median),
          csvNumber(summary?.peakGpuMemoryBytes),
          csvNumber(run.modelBytes),
          csvNumber(summary?.agreement),
          csvNumber(result.settings.maxTokens),
        ].join(','),
      );
    });
  }
  return rows.join('\r\n') + '\r\n';
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** "72% (60–81%)": accuracy with its 95% Wilson interval, whole percent. */
export function accuracyCell(summary: EvalSummary | undefined): string {
  const a = summary?.accuracy;
  if (!a || a.total === 0) return '–';
  const pct = (x: number) => Math.round(x * 100);
  return `${pct(a.rate)}% (${pct(a.low)}–${pct(a.high)}%)`;
}

export const EVAL_MARKDOWN_HEADER = [
  'Device',
  'Suite',
  'Engine',
  'Model',
  'Accuracy (95% CI)',
  'n',
  's/item',
  'Decode tok/s',
  'TTFT ms',
  'Peak GPU MiB',
  'Model MB',
  'Agreement',
] as const;

const MIB = 1024 * 1024;

/** A Markdown table, one row per model run; figures are medians, accuracy with its interval. */
export function evalToMarkdown(results: readonly EvalResult[]): string {
  const lines = [`| ${EVAL_MARKDOWN_HEADER.join(' | ')} |`, `|${EVAL_MARKDOWN_HEADER.map(() => ' --- ').join('|')}|`];
  for (const result of results) {
    const device = markdownCell(deviceLabel(result));
    const suite = markdownCell(`${result.suite.name}${result.suite.lang ? ` (${result.suite.lang})` : ''}`);
    result.runs.forEach((run, i) => {
      const summary = result.summary[i];
      const cells = [
        device,
        suite,
        markdownCell(run.engine),
        markdownCell(`${shortModelName(run.model)}${run.complete ? '' : ' (cancelled)'}`),
        accuracyCell(summary),
        String(summary?.accuracy.total ?? 0),
        fixed(summary?.secondsPerItem, 2),
        fixed(summary?.decodeTokensPerSecond.median, 1),
        fixed(summary?.ttftMs.median, 0),
        fixed((summary?.peakGpuMemoryBytes ?? Number.NaN) / MIB, 1),
        fixed(run.modelBytes === undefined ? undefined : run.modelBytes / 1e6, 1),
        run.correctness ? agreementPercent(run.correctness.agreeing, run.correctness.positions) : '–',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    });
  }
  return lines.join('\n') + '\n';
}
