/**
 * What the evaluation view shows, as plain data: results grouped by suite (only one suite's
 * results share a table), how a run and a suite are named, and the scatter's one-sentence
 * summary that serves as its accessible name. Names come from files: they stay plain strings.
 */
import { shortModelName } from '../bench-export.js';
import { engineName, isEngineId } from '../engines.js';
import { formatBytes, formatPercent, formatRate } from '../format.js';
import type { EvalResult, EvalRun, EvalSuiteRecord } from '../eval-schema.js';
import type { ComparisonRow } from './compare.js';

/** Results of one suite (one fingerprint), newest last. */
export interface SuiteGroup {
  fingerprint: string;
  label: string;
  results: EvalResult[];
}

/** "arithmetic (zh), 60 items, seed 13" or "my-suite.jsonl, 8 items". */
export function suiteLabel(suite: EvalSuiteRecord): string {
  const lang = suite.lang ? ` (${suite.lang})` : '';
  const seed = suite.seed === undefined ? '' : `, seed ${suite.seed}`;
  return `${suite.name}${lang}, ${suite.items} item${suite.items === 1 ? '' : 's'}${seed}`;
}

/** Groups results by suite fingerprint, the group of the newest result first. */
export function suiteGroups(results: readonly EvalResult[]): SuiteGroup[] {
  const groups = new Map<string, SuiteGroup>();
  for (const result of results) {
    const key = result.suite.fingerprint;
    const group = groups.get(key) ?? { fingerprint: key, label: suiteLabel(result.suite), results: [] };
    group.results.push(result);
    groups.set(key, group);
  }
  const newest = (group: SuiteGroup) => Math.max(...group.results.map((result) => Date.parse(result.createdAt)));
  return [...groups.values()].sort((a, b) => newest(b) - newest(a));
}

/** "onnx-tiny@fp32 · transformers.js", with "(CPU)" for a run on WebAssembly. */
export function runLabel(run: Pick<EvalRun, 'engine' | 'model' | 'computeDevice'>): string {
  const engine = isEngineId(run.engine) ? engineName(run.engine) : run.engine;
  return `${shortModelName(run.model)} · ${engine}${run.computeDevice === 'wasm' ? ' (CPU)' : ''}`;
}

/**
 * The scatter in one sentence, for its accessible name: how many models, which are on the
 * Pareto front with their figures, and how many could not be placed.
 */
export function scatterSummary(rows: readonly ComparisonRow[], label: (row: ComparisonRow) => string): string {
  const placed = rows.filter(
    (row) =>
      [row.accuracy, row.decodeTokensPerSecond, row.memoryBytes].every(Number.isFinite) &&
      row.decodeTokensPerSecond > 0,
  );
  const front = placed.filter((row) => row.onParetoFront);
  const parts = [
    `Accuracy against decode speed for ${placed.length} model run${placed.length === 1 ? '' : 's'}, dot size by memory`,
  ];
  if (front.length > 0) {
    const named = front.map(
      (row) =>
        `${label(row)} (${formatPercent(row.accuracy)}, ${formatRate(row.decodeTokensPerSecond)}, ${formatBytes(row.memoryBytes)})`,
    );
    parts.push(`on the Pareto front: ${named.join('; ')}`);
  }
  const missing = rows.length - placed.length;
  if (missing > 0) parts.push(`${missing} without a speed or memory figure not shown`);
  return `${parts.join('; ')}.`;
}
