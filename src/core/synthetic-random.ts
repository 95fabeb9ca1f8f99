/**
 * The random values synthetic weights are made of (src/core/gguf-synthetic.ts for llama.cpp,
 * src/core/mlc-synthetic.ts for web-llm): fast, seeded, and never large enough to overflow.
 */

/** xorshift32: fast and seeded; the values only need to be varied, not statistically good. */
export function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/** A small finite half float (|x| in [2^-8, 2^-7)), random sign and mantissa. */
export function smallHalf(bits: number): number {
  return (bits & 0x8000) | (0x07 << 10) | (bits & 0x03ff);
}
