/**
 * The numbers edge-llm shows, defined once (see DESIGN.md, "What the numbers mean").
 * Pure functions over timestamps in milliseconds.
 */
import type { SampleSummary, TimingFigures } from '../shared/engine-api.js';

/** Engine and wall-clock figures that differ by more than this share are both shown. */
export const DISAGREEMENT_TOLERANCE = 0.1;

export interface WallClockMarks {
  /** Request accepted by the engine. */
  requestMs: number;
  /** First output token seen; undefined when the reply had none. */
  firstTokenMs: number | undefined;
  /** Last output token seen. */
  lastTokenMs: number | undefined;
  promptTokens: number;
  outputTokens: number;
}

function rate(tokens: number, ms: number): number {
  return ms > 0 && tokens > 0 ? (tokens * 1000) / ms : 0;
}

/**
 * Decode tokens/s: the tokens after the first over the time from the first to the last;
 * undefined until there is time to divide by.
 */
export function decodeTokensPerSecond(outputTokens: number, decodeMs: number): number | undefined {
  return decodeMs > 0 ? rate(outputTokens - 1, decodeMs) : undefined;
}

/**
 * TTFT, prefill and decode rates from wall-clock marks.
 * Prefill time is the TTFT: the prompt is processed before the first token can appear.
 * Decode counts the tokens after the first over the time from first to last token.
 */
export function wallClockFigures(marks: WallClockMarks): TimingFigures {
  if (marks.firstTokenMs === undefined) {
    return { ttftMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 };
  }
  const ttftMs = marks.firstTokenMs - marks.requestMs;
  const decodeMs = (marks.lastTokenMs ?? marks.firstTokenMs) - marks.firstTokenMs;
  return {
    ttftMs,
    prefillTokensPerSecond: rate(marks.promptTokens, ttftMs),
    decodeTokensPerSecond: decodeTokensPerSecond(marks.outputTokens, decodeMs) ?? 0,
  };
}

/** web-llm's `usage.extra`, in its own units (seconds and tokens per second). */
export interface WebLlmUsageExtra {
  time_to_first_token_s?: number;
  prefill_tokens_per_s?: number;
  decode_tokens_per_s?: number;
}

export function figuresFromWebLlmUsage(extra: WebLlmUsageExtra | undefined): TimingFigures | undefined {
  if (!extra || typeof extra.decode_tokens_per_s !== 'number') return undefined;
  return {
    ttftMs: (extra.time_to_first_token_s ?? 0) * 1000,
    prefillTokensPerSecond: extra.prefill_tokens_per_s ?? 0,
    decodeTokensPerSecond: extra.decode_tokens_per_s,
  };
}

function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** The figures on which engine and wall clock disagree by more than the tolerance. */
export function disagreements(
  engine: TimingFigures | undefined,
  wall: TimingFigures,
  tolerance = DISAGREEMENT_TOLERANCE,
): (keyof TimingFigures)[] {
  if (!engine) return [];
  const keys: (keyof TimingFigures)[] = ['ttftMs', 'prefillTokensPerSecond', 'decodeTokensPerSecond'];
  return keys.filter((key) => relativeDifference(engine[key], wall[key]) > tolerance);
}

/**
 * Tokens/s over time while a reply streams, one point per bucket, for the live chart.
 * Keeps a bounded number of points so a long reply costs the same per token as a short one.
 */
export class RateSeries {
  readonly points: { atMs: number; tokensPerSecond: number }[] = [];
  private bucketStartMs: number | undefined;
  private bucketTokens = 0;

  constructor(
    private readonly bucketMs = 250,
    private readonly maxPoints = 120,
  ) {}

  /** Adds `tokens` decoded at worker time `atMs`; returns true when a new point was added. */
  add(tokens: number, atMs: number): boolean {
    if (this.bucketStartMs === undefined) {
      // The tokens that open the series mark the start of the first bucket; like every later
      // bucket (and the decode rate), it counts only the tokens that arrive after its start.
      this.bucketStartMs = atMs;
      this.bucketTokens = 0;
      return false;
    }
    this.bucketTokens += tokens;
    const span = atMs - this.bucketStartMs;
    if (span < this.bucketMs) return false;
    this.points.push({ atMs, tokensPerSecond: rate(this.bucketTokens, span) });
    if (this.points.length > this.maxPoints) this.points.shift();
    this.bucketStartMs = atMs;
    this.bucketTokens = 0;
    return true;
  }
}

/** Linear-interpolated percentile (p in 0..100) of a sample; NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  // a + (b - a)·w, not a·(1 − w) + b·w: exact when neighbours are equal, never outside [a, b].
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return Math.min(b, a + (b - a) * weight);
}

/** Median, p10 and p90 of a sample, with its size: how every repeated figure is reported. */
export function summarize(samples: readonly number[]): SampleSummary {
  return {
    median: percentile(samples, 50),
    p10: percentile(samples, 10),
    p90: percentile(samples, 90),
    n: samples.length,
  };
}
