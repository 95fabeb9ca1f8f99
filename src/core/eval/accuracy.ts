/**
 * Accuracy as DESIGN.md defines it: the share of a suite's items answered right, with a 95%
 * Wilson score interval (which, unlike p ± 1.96·√(p(1−p)/n), stays inside 0..1 and is honest at
 * 0 or n right answers and at small n).
 */

/** z for a two-sided 95% interval: the 97.5th percentile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

export interface Accuracy {
  correct: number;
  total: number;
  /** correct / total; NaN when there are no items. */
  rate: number;
  /** The 95% Wilson interval's bounds; 0 and 1 when there are no items. */
  low: number;
  high: number;
}

/** The Wilson score interval for `correct` successes in `total` trials. */
export function wilsonInterval(correct: number, total: number, z = Z_95): { low: number; high: number } {
  if (!Number.isInteger(correct) || !Number.isInteger(total) || correct < 0 || total < 0 || correct > total) {
    throw new RangeError(`Wilson interval needs 0 <= correct <= total, whole numbers (got ${correct} of ${total}).`);
  }
  if (total === 0) return { low: 0, high: 1 };
  const p = correct / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  // At 0 or n right the exact bound is 0 or 1; rounding could leave 1e-17 either side.
  return {
    low: correct === 0 ? 0 : Math.max(0, centre - margin),
    high: correct === total ? 1 : Math.min(1, centre + margin),
  };
}

export function accuracy(correct: number, total: number): Accuracy {
  return { correct, total, rate: total === 0 ? Number.NaN : correct / total, ...wilsonInterval(correct, total) };
}
