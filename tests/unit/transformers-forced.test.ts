/**
 * Teacher forcing through transformers.js against a fake model (`FakeCausalModel`, a test double
 * standing in for a transformers.js PreTrainedModel): what it is asked to run, and what is freed.
 */
import { describe, expect, it } from 'vitest';
import type * as Transformers from '@huggingface/transformers';
import { ERROR_NAMES } from '../../src/core/errors.js';
import { transformersForcedChoices } from '../../workers/engines/transformers-forced.js';

class FakeTensor {
  disposed = false;
  constructor(
    readonly type: string,
    readonly data: ArrayLike<number | bigint>,
    readonly dims: number[],
    readonly location = 'cpu',
  ) {}
  to(type: string) {
    return new FakeTensor(
      type,
      Float32Array.from(this.data as ArrayLike<number>, (x) => x / 2),
      this.dims,
    );
  }
  dispose() {
    this.disposed = true;
  }
}

const VOCAB = 4;

function fakeModel(options: { logitsType?: string } = {}) {
  const calls: { input_ids: FakeTensor; attention_mask: FakeTensor }[] = [];
  const present = new FakeTensor('float32', [0], [1], 'gpu-buffer');
  const model = {
    config: { vocab_size: VOCAB, max_position_embeddings: 8 },
    forward: async (inputs: { input_ids: FakeTensor; attention_mask: FakeTensor }) => {
      calls.push(inputs);
      const n = inputs.input_ids.dims[1]!;
      // Each position prefers (token + 1) mod VOCAB.
      const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
      const logits = new Float32Array(n * VOCAB);
      ids.forEach((id, i) => (logits[i * VOCAB + ((id + 1) % VOCAB)] = 4));
      return {
        logits: new FakeTensor(options.logitsType ?? 'float32', logits, [1, n, VOCAB]),
        'present.0.key': present,
      };
    },
  };
  return { model, calls, present };
}

const module = { Tensor: FakeTensor } as unknown as Pick<typeof Transformers, 'Tensor'>;
const tokenizer = { encode: (text: string) => [...text].map((c) => c.charCodeAt(0) % VOCAB) };
type Loaded = Parameters<typeof transformersForcedChoices>[1];

describe('transformersForcedChoices', () => {
  it('reads the text’s tokens, cut to maxTokens, in one forward pass with every position’s logits', async () => {
    const { model, calls, present } = fakeModel();
    const loaded = { tokenizer, model } as unknown as Loaded;
    const choices = await transformersForcedChoices(module, loaded, { text: 'abcdefghij', maxTokens: 5 });
    expect(calls).toHaveLength(1);
    expect(Array.from(calls[0]!.input_ids.data as BigInt64Array, Number)).toEqual([1, 2, 3, 0, 1]);
    expect(calls[0]!.input_ids.dims).toEqual([1, 5]);
    expect(Array.from(calls[0]!.attention_mask.data as BigInt64Array, Number)).toEqual([1, 1, 1, 1, 1]);
    expect(choices.tokenIds).toEqual([1, 2, 3, 0, 1]);
    expect(choices.top1).toEqual([2, 3, 0, 1, 2]);
    // The next token is always the favourite here: log p = 4 − log(e⁴ + 3).
    const favourite = 4 - Math.log(Math.exp(4) + 3);
    expect(choices.top1Logprobs.every((lp) => Math.abs(lp - favourite) < 1e-12)).toBe(true);
    expect(choices.targetLogprobs).toHaveLength(4);
    expect(present.disposed).toBe(true);
  });

  it('reads given ids as they are, and half-precision logits as float32', async () => {
    const { model } = fakeModel({ logitsType: 'float16' });
    const loaded = { tokenizer, model } as unknown as Loaded;
    const choices = await transformersForcedChoices(module, loaded, { tokenIds: [3, 3] });
    expect(choices.top1).toEqual([0, 0]);
    // The fake's float16 → float32 halves the logits: log p = 2 − log(e² + 3).
    expect(choices.top1Logprobs[0]).toBeCloseTo(2 - Math.log(Math.exp(2) + 3), 12);
  });

  it('refuses what the model cannot read, and a missing model', async () => {
    const loaded = { tokenizer, model: fakeModel().model } as unknown as Loaded;
    await expect(transformersForcedChoices(module, loaded, { tokenIds: [] })).rejects.toMatchObject({
      name: ERROR_NAMES.forcedChoicesInput,
      message: 'The sequence to read is empty.',
    });
    await expect(transformersForcedChoices(module, loaded, { tokenIds: [1, 9] })).rejects.toThrow(
      "Token id 9 is outside this model's vocabulary of 4.",
    );
    await expect(transformersForcedChoices(module, loaded, { tokenIds: Array(9).fill(1) })).rejects.toThrow(
      'The sequence has 9 tokens; the model reads at most 8.',
    );
    await expect(transformersForcedChoices(module, undefined, { tokenIds: [1] })).rejects.toMatchObject({
      name: ERROR_NAMES.modelNotLoaded,
    });
  });
});
