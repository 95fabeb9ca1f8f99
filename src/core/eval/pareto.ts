/**
 * The Pareto front of evaluated models: those no other model beats on every count at once
 * (accuracy up, decode tokens/s up, memory down). A model off the front has another that is at
 * least as accurate, as fast and as small, and better in one of them.
 */

export interface TradeOff {
  /** Share of items answered right, 0..1. */
  accuracy: number;
  decodeTokensPerSecond: number;
  memoryBytes: number;
}

/** True when `a` is at least as good as `b` everywhere and better somewhere. */
export function dominates(a: TradeOff, b: TradeOff): boolean {
  const noWorse =
    a.accuracy >= b.accuracy && a.decodeTokensPerSecond >= b.decodeTokensPerSecond && a.memoryBytes <= b.memoryBytes;
  const better =
    a.accuracy > b.accuracy || a.decodeTokensPerSecond > b.decodeTokensPerSecond || a.memoryBytes < b.memoryBytes;
  return noWorse && better;
}

function comparable(point: TradeOff): boolean {
  return [point.accuracy, point.decodeTokensPerSecond, point.memoryBytes].every(Number.isFinite);
}

/**
 * For each point, in order, whether it is on the Pareto front. Points with a figure missing
 * (NaN) are never on it and never push another off.
 */
export function paretoFront(points: readonly TradeOff[]): boolean[] {
  return points.map(
    (point, i) =>
      comparable(point) && !points.some((other, j) => j !== i && comparable(other) && dominates(other, point)),
  );
}
