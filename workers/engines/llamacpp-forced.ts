/**
 * Teacher forcing with llama.cpp (the engine interface's `forcedChoices`), through the only door
 * wllama 3 opens: a completion. The prompt is the sequence's first token; a grammar of token ids
 * lets the sampler emit only the next forced token at each step; `logprobs` reports, at every
 * step, the model's top-1 token and the forced token's log-probability under its distribution
 * before sampling (src/core/gguf-forced.ts).
 *
 * Cost: one decoded token per position (n steps, each reading the whole model once), where
 * transformers.js reads the sequence in one forward pass; plus the grammar check of candidate
 * tokens at each step. No second copy of the model and no reload: it runs on the loaded one.
 */
import type * as Wllama from '@wllama/wllama';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import type { GgufValue } from '../../src/core/gguf.js';
import {
  forcedChoicesFromSteps,
  forcedGrammar,
  ForcedSequenceError,
  ggufVocabulary,
  splitText,
  tokenText,
  type ForcedStep,
} from '../../src/core/gguf-forced.js';
import type { ForcedChoices, ForcedInput } from '../../src/shared/engine-api.js';

export interface ForcedTarget {
  instance: { createCompletion(options: ForcedCompletion): Promise<Wllama.RawCompletionResponse> };
  metadata: Record<string, GgufValue>;
  contextWindow: number;
}

function invalidInput(message: string): Error {
  return edgeError(ERROR_NAMES.forcedChoicesInput, message);
}

/** The completion that reads the sequence (`cache_prompt` is llama-server's, passed through). */
type ForcedCompletion = Wllama.RawCompletionParams & { stream?: false; cache_prompt: boolean };

interface LogprobEntry {
  id?: number;
  logprob?: number | null;
  top_logprobs?: { id?: number; logprob?: number | null }[];
}

/** A log-probability as reported; llama.cpp's float32 probability can underflow to 0 (−∞). */
function logprobOf(value: number | null | undefined): number {
  return typeof value === 'number' ? value : -Infinity;
}

function stepsOf(response: Wllama.RawCompletionResponse): ForcedStep[] {
  const content = (response.choices[0]?.logprobs as unknown as { content?: LogprobEntry[] } | null)?.content ?? [];
  return content.map((entry) => {
    const top = entry.top_logprobs?.[0];
    return {
      id: entry.id ?? -1,
      logprob: logprobOf(entry.logprob),
      top: top?.id === undefined ? undefined : { id: top.id, logprob: logprobOf(top.logprob) },
    };
  });
}

/** Teacher forcing on the loaded llama.cpp model. */
export async function llamaCppForcedChoices(target: ForcedTarget, input: ForcedInput): Promise<ForcedChoices> {
  const vocab = ggufVocabulary(target.metadata);
  if (!vocab) {
    throw edgeError(ERROR_NAMES.forcedChoicesUnsupported, 'This GGUF file carries no tokenizer vocabulary.');
  }
  try {
    const ids = 'tokenIds' in input ? [...input.tokenIds] : splitText(vocab, input.text, input.maxTokens);
    if (ids.length === 0) throw invalidInput('The sequence to read is empty.');
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocab.tokens.length);
    if (bad !== undefined) {
      throw invalidInput(`Token id ${bad} is outside this model's vocabulary of ${vocab.tokens.length}.`);
    }
    // The prompt, the forced steps and the one extra step all sit in the context.
    if (ids.length + 1 > target.contextWindow) {
      throw invalidInput(
        `The sequence has ${ids.length} tokens; the model reads at most ${target.contextWindow - 1} here.`,
      );
    }
    // llama.cpp adds the BOS to a prompt itself when the model asks for one.
    const startsWithBos = vocab.addBos && ids[0] === vocab.bosTokenId;
    if (vocab.addBos && !startsWithBos) {
      throw invalidInput('llama.cpp starts every prompt of this model with its BOS token: so must the sequence.');
    }
    const response = await target.instance.createCompletion({
      prompt: startsWithBos ? '' : tokenText(vocab, ids[0]!),
      max_tokens: ids.length,
      temperature: 0,
      logprobs: 1,
      grammar: forcedGrammar(ids),
      // Every check reads the whole sequence afresh; no reply's KV cache is reused.
      cache_prompt: false,
    });
    const read = response.usage?.prompt_tokens;
    if (read !== 1) {
      throw new ForcedSequenceError(
        `llama.cpp read the first token's text as ${read} tokens, so the sequence would not be the one given.`,
      );
    }
    return forcedChoicesFromSteps(ids, stepsOf(response));
  } catch (error) {
    if (error instanceof ForcedSequenceError) throw invalidInput(error.message);
    throw error;
  }
}
