/**
 * llama.cpp's own timing figures (llama-server's `timings` on the last streamed chunk) in the
 * project's definitions (DESIGN.md). Pure.
 */
import type { TimingFigures } from '../shared/engine-api.js';

/** The part of llama-server's `timings` read here. */
export interface LlamaTimings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

/**
 * TTFT is llama.cpp's prompt time (the first token is sampled from the prompt's logits);
 * decode counts the tokens after the first over llama.cpp's generation time, which starts when
 * the first token is out. Undefined when the timings are missing or empty.
 */
export function figuresFromLlamaTimings(timings: Partial<LlamaTimings> | undefined): TimingFigures | undefined {
  if (!timings) return undefined;
  const { prompt_n: promptN, prompt_ms: promptMs, predicted_n: predictedN, predicted_ms: predictedMs } = timings;
  if (!(typeof promptMs === 'number' && promptMs > 0 && typeof promptN === 'number')) return undefined;
  const decoded = (predictedN ?? 0) - 1;
  return {
    ttftMs: promptMs,
    prefillTokensPerSecond: (promptN / promptMs) * 1000,
    decodeTokensPerSecond: decoded > 0 && predictedMs && predictedMs > 0 ? (decoded / predictedMs) * 1000 : 0,
  };
}
