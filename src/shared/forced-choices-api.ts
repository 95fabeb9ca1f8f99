/**
 * Teacher forcing across the worker boundary (part of the contract in engine-api.ts): a fixed
 * sequence in, the model's choice at every position out, for the correctness check and the
 * agreement between engines.
 */

/**
 * What `EngineWorkerApi.forcedChoices` reads: text (tokenized by the model's own
 * tokenizer, without a chat template, cut to `maxTokens`), or token ids as another run returned
 * them, so two engines or devices read exactly the same sequence.
 */
export type ForcedInput = { text: string; maxTokens: number } | { tokenIds: number[] };

/**
 * The model's next-token choice at every position of a fixed sequence (teacher forcing: one
 * forward pass over the whole sequence, no sampling). Position i is the prediction after reading
 * `tokenIds[0..i]`. Log-probabilities are natural logarithms of the softmax over the whole
 * vocabulary, computed in double precision from the engine's logits.
 */
export interface ForcedChoices {
  /** The sequence read (n ids). */
  tokenIds: number[];
  /** The most likely next token at each position (n ids; ties go to the lowest id). */
  top1: number[];
  /** The log-probability of `top1[i]` (n values). */
  top1Logprobs: number[];
  /** The log-probability the model gives the token that really comes next, `tokenIds[i + 1]` (n − 1 values). */
  targetLogprobs: number[];
}
