/**
 * Correctness on this device (DESIGN.md, "Agreement"): the same model reads the same fixed
 * sequence on two backends (GPU and CPU, or two engines), and the next-token choices at every
 * position are compared. Pure functions: the engines produce {@link ForcedChoices}.
 */
import type { ForcedChoices } from '../shared/engine-api.js';

/** Tokens of the fixed sequence read by the check. */
export const FORCED_TOKENS = 256;
/** Below this share of agreeing positions, a device computes the model differently. */
export const AGREEMENT_THRESHOLD = 0.99;

/**
 * The fixed passage the check reads, cut to {@link FORCED_TOKENS} tokens by the model's
 * tokenizer. Written for the project: prose, digits, Chinese, code and punctuation, so the
 * sequence reaches many parts of a vocabulary.
 */
export const FORCED_TEXT = [
  'The lighthouse keeper wrote in her log every evening at seven. On 12 March the wind came from',
  'the north-east at 38 km/h, the barometer read 1,013.2 hPa, and three fishing boats returned',
  'before dark. She counted the lamps twice, oiled the clockwork, and noted: "All well; fog',
  'expected after midnight." 海上起了雾，灯塔的光照得很远。渔船一艘接一艘地回到港口，码头上的人们',
  '互相打招呼。A small program checked her arithmetic: total = sum(x * 2 for x in [3, 5, 8]) # 32.',
  'If the fog lasts until morning, the ferry to the island (departure 06:45) will wait; passengers',
  'should ask at the harbour office, open Monday-Friday, 08:00-17:30. Prices: adults €4.50,',
  'children €2.25, bicycles free. 第二天早上，雾散了，天空很蓝。She opened the window, listened to',
  'the gulls, and began a new page: 13 March, wind west 12 km/h, sea calm, visibility 20 km.',
].join(' ');

/**
 * Next-token choices from the logits of one forward pass: `logits` holds `tokenIds.length` rows
 * of `vocabSize` values, row i for the position after token i. Log-softmax in double precision.
 */
export function forcedChoicesFromLogits(
  tokenIds: readonly number[],
  logits: ArrayLike<number>,
  vocabSize: number,
): ForcedChoices {
  const n = tokenIds.length;
  if (logits.length < n * vocabSize) {
    throw new RangeError(`Expected ${n} × ${vocabSize} logits, got ${logits.length}.`);
  }
  const top1: number[] = [];
  const top1Logprobs: number[] = [];
  const targetLogprobs: number[] = [];
  for (let position = 0; position < n; position++) {
    const row = position * vocabSize;
    let best = 0;
    let max = -Infinity;
    for (let v = 0; v < vocabSize; v++) {
      const value = logits[row + v]!;
      if (value > max) {
        max = value;
        best = v;
      }
    }
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[row + v]! - max);
    const logSum = max + Math.log(sum);
    top1.push(best);
    top1Logprobs.push(max - logSum);
    if (position + 1 < n) targetLogprobs.push(logits[row + tokenIds[position + 1]!]! - logSum);
  }
  return { tokenIds: [...tokenIds], top1, top1Logprobs, targetLogprobs };
}

export interface ForcedComparison {
  /** Positions compared (the length of the sequence). */
  positions: number;
  /** Positions where both runs chose the same next token. */
  agreeing: number;
  /** agreeing / positions. */
  agreement: number;
  /**
   * The largest |Δ log-probability| of the same event in both runs: the token that really comes
   * next, at every position, and the shared top-1 token where the runs agree.
   */
  maxLogprobDelta: number;
  /** The first position where the choices differ; undefined when they never do. */
  firstDisagreement: number | undefined;
}

/** Compares two runs over the same sequence. Throws when they did not read the same tokens. */
export function compareForced(a: ForcedChoices, b: ForcedChoices): ForcedComparison {
  const n = a.tokenIds.length;
  if (n === 0 || n !== b.tokenIds.length || a.tokenIds.some((id, i) => id !== b.tokenIds[i])) {
    throw new Error('The two runs did not read the same token sequence, so their choices cannot be compared.');
  }
  let agreeing = 0;
  let maxLogprobDelta = 0;
  let firstDisagreement: number | undefined;
  for (let i = 0; i < n; i++) {
    if (a.top1[i] === b.top1[i]) {
      agreeing += 1;
      maxLogprobDelta = Math.max(maxLogprobDelta, Math.abs(a.top1Logprobs[i]! - b.top1Logprobs[i]!));
    } else {
      firstDisagreement ??= i;
    }
    if (i + 1 < n) {
      maxLogprobDelta = Math.max(maxLogprobDelta, Math.abs(a.targetLogprobs[i]! - b.targetLogprobs[i]!));
    }
  }
  return { positions: n, agreeing, agreement: agreeing / n, maxLogprobDelta, firstDisagreement };
}

/** What was compared, for the verdict's words. */
export interface AgreementSubject {
  /** The device that was checked, e.g. "google swiftshader (fallback)". */
  device: string;
  /** The engine, e.g. "transformers.js (WebGPU)". */
  engine: string;
  /** The weights' quantization, e.g. "q4f16"; "" when unknown. */
  quantization: string;
  /** What it was compared with, e.g. "the CPU" or "llama.cpp on the CPU". */
  reference: string;
}

/** A share as a percentage that never rounds up to 100% unless every position agreed. */
export function agreementPercent(agreeing: number, positions: number): string {
  const value = (agreeing / positions) * 100;
  if (agreeing === positions) return '100%';
  const shown = Number(value.toFixed(1));
  return `${shown >= 100 ? '99.9' : shown}%`;
}

/** The verdict in words: below {@link AGREEMENT_THRESHOLD} it names device, engine and quantization. */
export function agreementVerdict(
  comparison: ForcedComparison,
  subject: AgreementSubject,
): { ok: boolean; message: string } {
  const share = agreementPercent(comparison.agreeing, comparison.positions);
  const delta = comparison.maxLogprobDelta.toPrecision(2);
  const quantization = subject.quantization ? `, ${subject.quantization}` : '';
  const figures = `the next token agreed with ${subject.reference} at ${share} of ${comparison.positions} positions; the largest log-probability difference was ${delta}`;
  if (comparison.agreement >= AGREEMENT_THRESHOLD) {
    return { ok: true, message: `This device computes this model like ${subject.reference}: ${figures}.` };
  }
  return {
    ok: false,
    message:
      `This device computes this model differently from ${subject.reference} (${subject.device}, ${subject.engine}${quantization}): ` +
      `${figures}, below ${AGREEMENT_THRESHOLD * 100}%. Its answers may be wrong here: try another quantization or engine.`,
  };
}
