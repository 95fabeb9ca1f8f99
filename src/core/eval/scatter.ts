/**
 * Geometry of the accuracy-against-speed scatter, as numbers (the view draws them as SVG): x is
 * decode tokens/s (logarithmic when the speeds span more than 20×), y is accuracy from 0 to 100%
 * (always the full range, so charts from two devices compare), the dot's area grows with memory,
 * whiskers span the 95% interval, and the Pareto front is a line through its points.
 */

export interface ScatterInput {
  key: string;
  accuracy: number;
  low: number;
  high: number;
  decodeTokensPerSecond: number;
  memoryBytes: number;
  onParetoFront: boolean;
}

export interface ScatterPoint extends ScatterInput {
  cx: number;
  cy: number;
  /** Radius: the area is proportional to memory. */
  r: number;
  /** The interval's ends, in y. */
  lowY: number;
  highY: number;
}

export interface ScatterLayout {
  points: ScatterPoint[];
  xTicks: { value: number; x: number }[];
  yTicks: { value: number; y: number }[];
  xScale: 'linear' | 'log';
  /** The front's points left to right, as "x,y" pairs for a polyline. */
  front: string;
  plot: { left: number; top: number; right: number; bottom: number };
}

export interface ScatterSize {
  width: number;
  height: number;
  margin?: { left: number; top: number; right: number; bottom: number };
  minRadius?: number;
  maxRadius?: number;
}

/**
 * 1, 2, 5 × 10ⁿ steps: about `count` ticks over [min, max]; with `cover`, the last tick is at or
 * past `max` (an axis that ends on a round number).
 */
export function niceTicks(min: number, max: number, count = 5, { cover = false } = {}): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  const end = cover ? Math.ceil(max / step - 1e-9) * step : max;
  for (let v = Math.ceil(min / step) * step; v <= end + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); 10 ** power <= max; power++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** power;
      if (v >= min && v <= max) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

/** Lays out the points; those with a missing figure are left out. */
export function scatterLayout(inputs: readonly ScatterInput[], size: ScatterSize): ScatterLayout {
  const margin = size.margin ?? { left: 48, top: 16, right: 16, bottom: 40 };
  const minRadius = size.minRadius ?? 4;
  const maxRadius = size.maxRadius ?? 18;
  const plot = {
    left: margin.left,
    top: margin.top,
    right: size.width - margin.right,
    bottom: size.height - margin.bottom,
  };
  const usable = inputs.filter(
    (p) => [p.accuracy, p.decodeTokensPerSecond, p.memoryBytes].every(Number.isFinite) && p.decodeTokensPerSecond > 0,
  );
  const speeds = usable.map((p) => p.decodeTokensPerSecond);
  const lo = Math.min(...speeds, Infinity);
  const hi = Math.max(...speeds, 0);
  const xScale: 'linear' | 'log' = usable.length > 1 && hi / lo > 20 ? 'log' : 'linear';
  let toX: (v: number) => number;
  let xTickValues: number[];
  if (xScale === 'log') {
    const [a, b] = [Math.log10(lo / 1.5), Math.log10(hi * 1.5)];
    toX = (v) => plot.left + ((Math.log10(v) - a) / (b - a)) * (plot.right - plot.left);
    xTickValues = logTicks(lo / 1.5, hi * 1.5);
  } else {
    xTickValues = niceTicks(0, usable.length === 0 ? 10 : hi * 1.1, 5, { cover: true });
    const top = xTickValues.at(-1)!;
    toX = (v) => plot.left + (v / top) * (plot.right - plot.left);
  }
  const toY = (v: number) => plot.bottom - v * (plot.bottom - plot.top);
  const maxMemory = Math.max(...usable.map((p) => p.memoryBytes), 0);
  const points = usable.map((p) => ({
    ...p,
    cx: toX(p.decodeTokensPerSecond),
    cy: toY(p.accuracy),
    r: minRadius + (maxRadius - minRadius) * (maxMemory > 0 ? Math.sqrt(p.memoryBytes / maxMemory) : 0),
    lowY: toY(p.low),
    highY: toY(p.high),
  }));
  const front = points
    .filter((p) => p.onParetoFront)
    .sort((a, b) => a.cx - b.cx)
    .map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`)
    .join(' ');
  return {
    points,
    xTicks: xTickValues.map((value) => ({ value, x: toX(value) })),
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, y: toY(value) })),
    xScale,
    front,
    plot,
  };
}
