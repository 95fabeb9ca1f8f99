/**
 * The recommendation: the most accurate model that fits this device (src/core/fit.ts) and
 * decodes at least as fast as the user asks, with the reason in words. Where a cheaper model's
 * accuracy is within the margin of error, it says so: the point is the cheapest model that does
 * the job, not the leaderboard's winner.
 */
import type { ModelRecord } from '../../shared/engine-api.js';
import { checkFit, type FitDevice, type FitResult } from '../fit.js';
import type { Accuracy } from './accuracy.js';

export interface Candidate {
  /** The catalog entry, for the fit check. */
  record: ModelRecord;
  /** How the model is named in the reason. */
  label: string;
  accuracy: Accuracy;
  /** Median decode tokens/s over the suite. */
  decodeTokensPerSecond: number;
  memoryBytes: number;
}

export interface Recommendation {
  /** The recommended model; undefined when none qualifies. */
  pick: Candidate | undefined;
  /** Why, in words. */
  reason: string;
  /** Models that fit and are fast enough, best first. */
  eligible: Candidate[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const rate = (x: number) => `${x >= 100 ? Math.round(x) : x.toFixed(1)} tok/s`;

function accuracyWords(a: Accuracy): string {
  return `${pct(a.rate)} right (95% interval ${Math.round(a.low * 100)}–${pct(a.high)}, ${a.total} items)`;
}

/** Best first: accuracy, then the interval's lower bound, then speed, then less memory. */
function better(a: Candidate, b: Candidate): number {
  return (
    b.accuracy.rate - a.accuracy.rate ||
    b.accuracy.low - a.accuracy.low ||
    b.decodeTokensPerSecond - a.decodeTokensPerSecond ||
    a.memoryBytes - b.memoryBytes
  );
}

const fitsDevice = (fit: FitResult) => fit.verdict === 'fits' || fit.verdict === 'tight';

export function recommendModel(
  candidates: readonly Candidate[],
  device: FitDevice,
  catalog: readonly ModelRecord[],
  minTokensPerSecond: number,
): Recommendation {
  const answered = candidates.filter((c) => c.accuracy.total > 0 && Number.isFinite(c.accuracy.rate));
  if (answered.length === 0) return { pick: undefined, reason: 'No model has been evaluated yet.', eligible: [] };
  // A speed needs replies of two tokens or more; without one a model cannot be held to a speed.
  const measured = answered.filter((c) => Number.isFinite(c.decodeTokensPerSecond));
  if (measured.length === 0) {
    return {
      pick: undefined,
      reason:
        'No decode speed was measured: every reply was shorter than two tokens. Raise the output limit, or use a suite whose answers take more words.',
      eligible: [],
    };
  }
  const fits = new Map(measured.map((c) => [c, checkFit(c.record, device, catalog)]));
  const fitting = measured.filter((c) => fitsDevice(fits.get(c)!));
  if (fitting.length === 0) {
    const first = measured[0]!;
    return {
      pick: undefined,
      reason: `None of the ${measured.length} evaluated models fits this device. ${first.label}: ${fits.get(first)!.reason}`,
      eligible: [],
    };
  }
  const eligible = fitting.filter((c) => c.decodeTokensPerSecond >= minTokensPerSecond).sort(better);
  if (eligible.length === 0) {
    const fastest = [...fitting].sort((a, b) => b.decodeTokensPerSecond - a.decodeTokensPerSecond)[0]!;
    return {
      pick: undefined,
      reason:
        `No model that fits this device decodes at ${rate(minTokensPerSecond)} or more; the fastest that fits, ` +
        `${fastest.label}, reaches ${rate(fastest.decodeTokensPerSecond)}. Lower the speed you need, or try a smaller model.`,
      eligible,
    };
  }
  const pick = eligible[0]!;
  const fit = fits.get(pick)!;
  const others = eligible.length - 1;
  const sentences = [
    `${pick.label} is the most accurate of ${others === 0 ? 'the models' : `the ${eligible.length} models`} that fit this device and decode at ${rate(minTokensPerSecond)} or more: ${accuracyWords(pick.accuracy)} at ${rate(pick.decodeTokensPerSecond)}.`,
    fit.verdict === 'tight' ? `It is a tight fit: ${fit.reason}` : `It fits: ${fit.reason}`,
  ];
  // A cheaper model whose interval reaches the pick's is not shown to be worse on this suite.
  const cheaper = eligible
    .slice(1)
    .find(
      (c) =>
        c.accuracy.high >= pick.accuracy.low &&
        (c.memoryBytes < pick.memoryBytes || c.decodeTokensPerSecond > pick.decodeTokensPerSecond),
    );
  if (cheaper) {
    const gain =
      cheaper.memoryBytes < pick.memoryBytes && cheaper.decodeTokensPerSecond > pick.decodeTokensPerSecond
        ? 'needs less memory and is faster'
        : cheaper.memoryBytes < pick.memoryBytes
          ? 'needs less memory'
          : 'is faster';
    sentences.push(
      `${cheaper.label} (${pct(cheaper.accuracy.rate)}, ${rate(cheaper.decodeTokensPerSecond)}) ${gain}, and on ${pick.accuracy.total} items its accuracy is within the margin of error.`,
    );
  }
  return { pick, reason: sentences.join(' '), eligible };
}
