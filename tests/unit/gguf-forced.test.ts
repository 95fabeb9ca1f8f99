/**
 * Teacher forcing through llama.cpp's completion (src/core/gguf-forced.ts): a GGUF vocabulary's
 * token bytes, the longest-match split, the grammar of token ids, and the choices read back from
 * the completion's log-probabilities.
 */
import { describe, expect, it } from 'vitest';
import {
  forcedChoicesFromSteps,
  forcedGrammar,
  ForcedSequenceError,
  ggufVocabulary,
  splitText,
  tokenBytes,
  tokenText,
  type GgufVocabulary,
} from '../../src/core/gguf-forced.js';

/** A byte-level (gpt2) vocabulary: a control token, "h", "e", "l", "o", "Ġ" (space), "he", "llo", "Ġhe", "Ã" (0xC3). */
const GPT2: GgufVocabulary = {
  model: 'gpt2',
  tokens: ['<|im_start|>', 'h', 'e', 'l', 'o', 'Ġ', 'he', 'llo', 'Ġhe', 'Ã', '©'],
  tokenTypes: [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  addBos: false,
};

describe('a GGUF vocabulary', () => {
  it('is read from the metadata, with llama.cpp’s default BOS for SentencePiece', () => {
    expect(
      ggufVocabulary({
        'tokenizer.ggml.model': 'llama',
        'tokenizer.ggml.tokens': ['<s>', '▁a'],
        'tokenizer.ggml.bos_token_id': 0,
      }),
    ).toEqual({ model: 'llama', tokens: ['<s>', '▁a'], bosTokenId: 0, addBos: true });
    expect(ggufVocabulary({ 'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.add_bos_token': false })).toBeUndefined();
  });

  it('spells tokens as bytes: GPT-2’s byte alphabet, SentencePiece spaces and byte tokens, control tokens as text', () => {
    expect(Array.from(tokenBytes(GPT2, 8))).toEqual([0x20, 0x68, 0x65]);
    expect(Array.from(tokenBytes(GPT2, 9))).toEqual([0xc3]);
    expect(tokenText(GPT2, 0)).toBe('<|im_start|>');
    expect(() => tokenText(GPT2, 9)).toThrow(/part of a character/);
    const spm: GgufVocabulary = { model: 'llama', tokens: ['<0x41>', '▁b'], addBos: false };
    expect(Array.from(tokenBytes(spm, 0))).toEqual([0x41]);
    expect(tokenText(spm, 1)).toBe(' b');
    expect(() => tokenBytes({ ...spm, model: 'bert' }, 0)).toThrow(ForcedSequenceError);
    expect(() => tokenBytes(GPT2, 99)).toThrow(/outside the vocabulary/);
  });
});

describe('splitting text', () => {
  it('takes the longest token at each point, never a control token, and stops at maxTokens', () => {
    expect(splitText(GPT2, 'hello hello', 10)).toEqual([6, 7, 8, 7]);
    expect(splitText(GPT2, 'hello hello', 3)).toEqual([6, 7, 8]);
    expect(splitText(GPT2, 'é', 10)).toEqual([9, 10]);
    expect(() => splitText(GPT2, 'x', 10)).toThrow(/No token spells/);
  });

  it('starts with the BOS when the model adds one, and falls back to byte tokens', () => {
    const spm: GgufVocabulary = {
      model: 'llama',
      tokens: ['<s>', '<0xC3>', '<0xA9>', '▁a', 'a'],
      tokenTypes: [3, 6, 6, 1, 1],
      bosTokenId: 0,
      addBos: true,
    };
    expect(splitText(spm, ' aé', 10)).toEqual([0, 3, 1, 2]);
  });
});

describe('the forced reading', () => {
  it('allows only the next forced token at each step, and one step more', () => {
    expect(forcedGrammar([5, 6, 7])).toBe('root ::= <[6]> <[7]> <[7]>');
    expect(() => forcedGrammar([])).toThrow(/empty/);
  });

  it('reads top-1 choices and the forced tokens’ log-probabilities from the steps', () => {
    const steps = [
      { id: 6, logprob: -0.5, top: { id: 6, logprob: -0.5 } },
      { id: 7, logprob: -2, top: { id: 3, logprob: -0.1 } },
      { id: 7, logprob: -1, top: { id: 4, logprob: -0.3 } },
    ];
    expect(forcedChoicesFromSteps([5, 6, 7], steps)).toEqual({
      tokenIds: [5, 6, 7],
      top1: [6, 3, 4],
      top1Logprobs: [-0.5, -0.1, -0.3],
      targetLogprobs: [-0.5, -2],
    });
  });

  it('refuses a reading that left the sequence or stopped early', () => {
    const top = { id: 1, logprob: 0 };
    expect(() =>
      forcedChoicesFromSteps(
        [5, 6],
        [
          { id: 9, logprob: 0, top },
          { id: 6, logprob: 0, top },
        ],
      ),
    ).toThrow(/read token 9, not 6/);
    expect(() => forcedChoicesFromSteps([5, 6], [{ id: 6, logprob: 0, top }])).toThrow(/stopped after 1 of 2/);
    expect(() => forcedChoicesFromSteps([5], [{ id: 5, logprob: 0, top: undefined }])).toThrow(/no top token/);
  });
});
