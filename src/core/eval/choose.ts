/**
 * From evaluated runs to the recommendation's candidates (./recommend.ts): only runs measured on
 * this device count (a speed from another device says nothing about this one), only complete
 * ones, the newest per model; each gets its catalog entry for the fit check, with the memory
 * measured here where the catalog does not declare any.
 */
import type { ModelRecord } from '../../shared/engine-api.js';
import { isEngineId } from '../engines.js';
import type { EvalResult, EvalRun } from '../eval-schema.js';
import type { ComparisonRow } from './compare.js';
import type { Candidate } from './recommend.js';
import { runLabel } from './shown.js';

const MIB = 2 ** 20;

/** The record the fit check reads for a run: the catalog's, or one built from what was measured. */
export function recordForRun(run: EvalRun, memoryBytes: number, catalog: readonly ModelRecord[]): ModelRecord {
  const listed = catalog.find((record) => record.id === run.model && record.engine === run.engine);
  const measuredMB = Number.isFinite(memoryBytes) && memoryBytes > 0 ? memoryBytes / MIB : 0;
  // A declared figure is the engine's word; an estimate (or none) gives way to what this device measured.
  const declared = listed && listed.vramMB > 0 && !listed.vramIsEstimate;
  const vramMB = declared ? listed.vramMB : measuredMB || (listed?.vramMB ?? 0);
  if (listed) return { ...listed, vramMB };
  return {
    id: run.model,
    engine: isEngineId(run.engine) ? run.engine : 'transformers',
    kind: 'chat',
    family: run.model,
    parameters: '?',
    parameterCount: undefined,
    quantization: run.quantization ?? '',
    vramMB,
    vramIsEstimate: true,
    contextWindow: undefined,
    requiredFeatures: [],
    bufferSizeRequiredBytes: undefined,
    lowResource: true,
    cached: false,
  };
}

/**
 * Candidates from comparison rows: rows of results `isThisDevice` accepts, complete, newest per
 * engine, model and compute device.
 */
export function recommendationCandidates(
  rows: readonly ComparisonRow[],
  catalog: readonly ModelRecord[],
  isThisDevice: (result: EvalResult) => boolean,
): Candidate[] {
  const newest = new Map<string, ComparisonRow>();
  for (const row of rows) {
    if (!row.run.complete || !isThisDevice(row.result)) continue;
    const key = JSON.stringify([row.run.engine, row.run.model, row.run.computeDevice ?? '']);
    const seen = newest.get(key);
    if (!seen || Date.parse(row.result.createdAt) >= Date.parse(seen.result.createdAt)) newest.set(key, row);
  }
  return [...newest.values()].map((row) => ({
    record: recordForRun(row.run, row.memoryBytes, catalog),
    label: runLabel(row.run),
    accuracy: row.summary.accuracy,
    decodeTokensPerSecond: row.decodeTokensPerSecond,
    memoryBytes: row.memoryBytes,
  }));
}
