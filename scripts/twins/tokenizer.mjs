// The twin's tokenizer files: tokenizer.json (Hugging Face tokenizers, byte-level BPE; read by
// transformers.js and by web-llm's tokenizers-cpp) and transformers.js's tokenizer_config.json.

import { CHATML_TEMPLATE } from '../onnx-tiny-model.mjs';
import { buildVocabulary } from './vocab.mjs';

/** tokenizer.json covering every id of the layout. */
export function tokenizerJson(layout) {
  const { tokens, merges } = buildVocabulary(layout);
  const vocab = {};
  tokens.forEach((token, id) => (vocab[token] = id));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: layout.specials.map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

/** transformers.js's tokenizer_config.json: special tokens and the ChatML template. */
export function tokenizerConfig(spec, layout) {
  const byId = new Map(layout.specials.map((token) => [token.id, token.content]));
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      layout.specials.map(({ id, content }) => [
        String(id),
        { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
      ]),
    ),
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: byId.get(spec.bosTokenId) ?? null,
    eos_token: byId.get(spec.eosTokenId),
    pad_token: byId.get(spec.padTokenId),
    unk_token: null,
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: spec.maxPositions,
    tokenizer_class: 'GPT2Tokenizer',
  };
}
