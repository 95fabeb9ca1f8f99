/**
 * Teacher forcing with transformers.js (the engine interface's `forcedChoices`): one forward
 * pass over the whole fixed sequence, logits for every position, argmax and log-softmax in
 * double precision (src/core/agreement.ts).
 */
import type * as Transformers from '@huggingface/transformers';
import { forcedChoicesFromLogits } from '../../src/core/agreement.js';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import type { ForcedChoices, ForcedInput } from '../../src/shared/engine-api.js';

type Tokenizer = Pick<Transformers.PreTrainedTokenizer, 'encode'>;
type CausalModel = Pick<Transformers.PreTrainedModel, 'forward' | 'config'>;
type TensorClass = Pick<typeof Transformers, 'Tensor'>;

function invalidInput(message: string): Error {
  return edgeError(ERROR_NAMES.forcedChoicesInput, message);
}

/** The ids to read: the text's tokens, cut to `maxTokens`, or the ids as given (checked against the vocabulary). */
function sequence(tokenizer: Tokenizer, input: ForcedInput, vocabSize: number, contextWindow: number): number[] {
  const ids = 'tokenIds' in input ? [...input.tokenIds] : tokenizer.encode(input.text).slice(0, input.maxTokens);
  if (ids.length === 0) throw invalidInput('The sequence to read is empty.');
  if (ids.length > contextWindow) {
    throw invalidInput(`The sequence has ${ids.length} tokens; the model reads at most ${contextWindow}.`);
  }
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw invalidInput(`Token id ${bad} is outside this model's vocabulary of ${vocabSize}.`);
  return ids;
}

/** Teacher forcing on the loaded model; rejects with a ModelNotLoadedError when none is. */
export async function transformersForcedChoices(
  module: TensorClass | undefined,
  loaded: { tokenizer: Tokenizer; model: CausalModel } | undefined,
  input: ForcedInput,
): Promise<ForcedChoices> {
  if (!module || !loaded) {
    throw edgeError(ERROR_NAMES.modelNotLoaded, 'No transformers.js model is loaded.');
  }
  const { tokenizer, model } = loaded;
  const config = model.config as { vocab_size?: number; max_position_embeddings?: number };
  const vocabSize = config.vocab_size ?? Number.MAX_SAFE_INTEGER;
  const ids = sequence(tokenizer, input, vocabSize, config.max_position_embeddings ?? Number.MAX_SAFE_INTEGER);
  const n = ids.length;
  const inputIds = new module.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]);
  const attentionMask = new module.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
  // transformers.js fills an empty KV cache, position ids from the mask, and keeps every logit.
  const outputs = (await model.forward({ input_ids: inputIds, attention_mask: attentionMask })) as Record<
    string,
    Transformers.Tensor
  >;
  try {
    const logits = outputs.logits;
    if (!logits) throw new Error('transformers.js returned no logits for the forced sequence.');
    const rows = logits.dims.at(-2);
    const vocab = logits.dims.at(-1) ?? 0;
    if (rows !== n) throw new Error(`Expected logits for ${n} positions, got ${rows}.`);
    // Half-precision models return float16 logits; the comparison reads them as float32.
    const data = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
    return forcedChoicesFromLogits(ids, data, vocab);
  } finally {
    // The KV cache comes back in GPU buffers on WebGPU; nothing holds it after this pass.
    for (const tensor of Object.values(outputs)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  }
}
