/**
 * The model benchmark protocol (docs/benchmark-protocol.md), the same for every engine and
 * model: its settings, their checks, the prompt lengths a context window allows, and the
 * deterministic prompts. Pure; the runner in src/bench/ carries it out.
 */
import type { BenchProtocolRecord } from './bench-schema.js';

/** Bumped whenever a step changes in a way that moves the figures. */
export const PROTOCOL_VERSION = 'edge-llm/protocol@1';

export interface BenchProtocol {
  /** Measured runs per prompt length. */
  runs: number;
  /** Runs per prompt length before the measured ones, thrown away. */
  warmupRuns: number;
  /** Output tokens per run; end-of-sequence is ignored where the engine allows. */
  decodeTokens: number;
  /** Prompt lengths in tokens (chat template included), before capping by the context window. */
  promptLengths: number[];
}

export const DEFAULT_PROTOCOL: Readonly<BenchProtocol> = Object.freeze({
  runs: 3,
  warmupRuns: 1,
  decodeTokens: 128,
  promptLengths: [128, 512, 1024],
});

export const PROTOCOL_LIMITS = {
  runs: { min: 1, max: 100 },
  warmupRuns: { min: 0, max: 10 },
  decodeTokens: { min: 2, max: 4096 },
  promptLength: { min: 16, max: 32_768 },
  promptLengthCount: 8,
} as const;

export type ProtocolCheck = { ok: true; value: BenchProtocol } | { ok: false; error: string };

function wholeNumberIn(value: unknown, name: string, { min, max }: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

/** Checks settings from a form or a command line and names the first bad one. */
export function checkProtocol(input: Partial<Record<keyof BenchProtocol, unknown>>): ProtocolCheck {
  try {
    const lengths = input.promptLengths ?? DEFAULT_PROTOCOL.promptLengths;
    if (!Array.isArray(lengths) || lengths.length === 0 || lengths.length > PROTOCOL_LIMITS.promptLengthCount) {
      throw new RangeError(`prompt lengths must list 1 to ${PROTOCOL_LIMITS.promptLengthCount} numbers`);
    }
    return {
      ok: true,
      value: {
        runs: wholeNumberIn(input.runs ?? DEFAULT_PROTOCOL.runs, 'runs', PROTOCOL_LIMITS.runs),
        warmupRuns: wholeNumberIn(
          input.warmupRuns ?? DEFAULT_PROTOCOL.warmupRuns,
          'warm-up runs',
          PROTOCOL_LIMITS.warmupRuns,
        ),
        decodeTokens: wholeNumberIn(
          input.decodeTokens ?? DEFAULT_PROTOCOL.decodeTokens,
          'decode tokens',
          PROTOCOL_LIMITS.decodeTokens,
        ),
        promptLengths: [
          ...new Set(lengths.map((n) => wholeNumberIn(n, 'each prompt length', PROTOCOL_LIMITS.promptLength))),
        ].sort((a, b) => a - b),
      },
    };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** "128, 512 1024" → [128, 512, 1024]; words that are not numbers stay NaN for `checkProtocol`. */
export function parsePromptLengths(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map(Number);
}

/** Room left for the reply's tokens, and a few for the template's closing tokens. */
const CONTEXT_MARGIN = 8;

/**
 * The prompt lengths a context window allows with `decodeTokens` of output: longer ones are
 * capped to the largest that fits, duplicates dropped. Empty when not even the minimum fits.
 */
export function promptLengthsFor(
  lengths: readonly number[],
  contextWindow: number | undefined,
  decodeTokens: number,
): number[] {
  const largest = contextWindow === undefined ? Infinity : contextWindow - decodeTokens - CONTEXT_MARGIN;
  if (largest < PROTOCOL_LIMITS.promptLength.min) return [];
  return [...new Set(lengths.map((n) => Math.min(n, largest)))].sort((a, b) => a - b);
}

/** The protocol as stored in a result file. */
export function protocolRecord(protocol: BenchProtocol): BenchProtocolRecord {
  return { version: PROTOCOL_VERSION, ...protocol, promptLengths: [...protocol.promptLengths] };
}

// Plain, varied English, so every tokenizer sees ordinary text rather than one repeated token.
const PASSAGE = (
  'The lighthouse keeper climbed the stairs each evening to light the lamp before the ships ' +
  'came in. Fishermen counted on its beam to find the harbour through fog and rain. In winter ' +
  'the storms grew long, and the keeper wrote in a small book how many boats returned safely, ' +
  'what the wind had done, and which stars were visible above the water after midnight.'
).split(' ');

/** `words` words of the passage, repeated as needed: the same text for every engine and run. */
export function fillerText(words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(PASSAGE[i % PASSAGE.length]!);
  return out.join(' ');
}

/** The benchmark's user message for a filler of `words` words. */
export function benchPrompt(words: number): string {
  return `Continue this text:\n\n${fillerText(words)}`;
}

/** How prompt tokens grow with filler words: tokens ≈ fixed + perWord · words. */
export interface PromptCalibration {
  fixed: number;
  perWord: number;
}

/** A line through two measurements (words, tokens) of the same prompt with different fillers. */
export function calibrate(
  a: { words: number; tokens: number },
  b: { words: number; tokens: number },
): PromptCalibration {
  if (a.words === b.words) throw new RangeError('calibration needs two different filler lengths');
  const perWord = (b.tokens - a.tokens) / (b.words - a.words);
  if (!(perWord > 0)) throw new RangeError('prompt tokens did not grow with the filler; the engine miscounts');
  return { perWord, fixed: a.tokens - perWord * a.words };
}

/** Filler words for a prompt of about `tokens` tokens (at least one word). */
export function wordsForTokens(tokens: number, calibration: PromptCalibration): number {
  return Math.max(1, Math.round((tokens - calibration.fixed) / calibration.perWord));
}
