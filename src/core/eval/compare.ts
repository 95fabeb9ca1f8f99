/**
 * Evaluation results side by side: every model run of every result (this device's and imported
 * ones) as one row with the figures the table, the scatter and the recommendation read, its
 * Pareto flag set over all rows.
 */
import type { EvalResult, EvalRun, EvalSummary } from '../eval-schema.js';
import { paretoFront } from './pareto.js';

export interface ComparisonRow {
  /** Stable within one comparison: result index and run index. */
  key: string;
  result: EvalResult;
  run: EvalRun;
  summary: EvalSummary;
  /** Share right, 0..1 (NaN when nothing was answered). */
  accuracy: number;
  /** Median decode tokens/s. */
  decodeTokensPerSecond: number;
  /** Peak GPU memory where it was measured, else the model's size (a CPU run holds no GPU memory). */
  memoryBytes: number;
  onParetoFront: boolean;
}

/** The memory a run is charged with: see {@link ComparisonRow.memoryBytes}. */
export function memoryOf(run: EvalRun, summary: EvalSummary): number {
  const peak = summary.peakGpuMemoryBytes;
  return peak !== undefined && peak > 0 ? peak : (run.modelBytes ?? Number.NaN);
}

/** One row per model run, in file order; runs of different suites are not comparable, so pass one suite's results. */
export function comparisonRows(results: readonly EvalResult[]): ComparisonRow[] {
  const rows = results.flatMap((result, i) =>
    result.runs.map((run, j) => {
      const summary = result.summary[j]!;
      return {
        key: `${i}:${j}`,
        result,
        run,
        summary,
        accuracy: summary.accuracy.rate,
        decodeTokensPerSecond: summary.decodeTokensPerSecond.median,
        memoryBytes: memoryOf(run, summary),
        onParetoFront: false,
      };
    }),
  );
  const front = paretoFront(rows);
  return rows.map((row, i) => ({ ...row, onParetoFront: front[i]! }));
}

/** Results whose suites differ (another suite, language or set of items) cannot share a table. */
export function sameSuite(results: readonly EvalResult[]): boolean {
  return results.every((result) => result.suite.fingerprint === results[0]?.suite.fingerprint);
}
