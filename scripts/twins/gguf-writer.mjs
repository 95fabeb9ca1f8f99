// Writes a twin as GGUF files for llama.cpp (F32, Q8_0 and Q4_0), from the same weight source as
// the ONNX and MLC twins: F32 holds exactly the source's values, Q8_0 and Q4_0 are quantized from
// them by ggml's reference rules (scripts/gguf/quantize.mjs).
//
// Two things make llama.cpp compute what the Hugging Face model computes:
//   - names and shapes as llama.cpp's convert_hf_to_gguf.py writes them (token_embd, blk.N.attn_q,
//     ...; GGUF shapes list the row length first, so an HF [out, in] matrix is [in, out] with the
//     same bytes);
//   - for the llama architecture, the rows of q_proj and k_proj permuted as convert_hf_to_gguf.py's
//     LlamaModel.permute does: Hugging Face rotates the two halves of each head (NeoX style) and
//     llama.cpp's llama architecture rotates adjacent pairs, so each head's rows [first half,
//     second half] are interleaved. Without it the attention scores differ and the engines
//     disagree. llama.cpp's qwen2 architecture rotates NeoX style itself: no permutation.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeGguf, gguf } from '../gguf/writer.mjs';
import { CHATML_TEMPLATE } from '../onnx-tiny-model.mjs';
import { TWIN_NOTE } from './spec.mjs';
import { buildVocabulary, vocabLayout } from './vocab.mjs';

/** The GGUF files of a twin, by llama.cpp's type name. */
export const GGUF_TYPES = Object.freeze(['F32', 'Q8_0', 'Q4_0']);

/** llama.cpp's `general.file_type` (LLAMA_FTYPE_ALL_F32, MOSTLY_Q8_0, MOSTLY_Q4_0). */
const FILE_TYPES = Object.freeze({ F32: 0, Q8_0: 7, Q4_0: 2 });

/** File name of one type of a twin, e.g. smollm2-135m-q8_0.gguf. */
export function ggufFileName(name, type) {
  return `${name}-${type.toLowerCase()}.gguf`;
}

const LAYER_NAMES = Object.freeze({
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
  input_layernorm: 'attn_norm',
  post_attention_layernorm: 'ffn_norm',
});

/** llama.cpp's name of a Hugging Face tensor (convert_hf_to_gguf.py's tensor map). */
export function ggufTensorName(hfName) {
  if (hfName === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (hfName === 'model.norm.weight') return 'output_norm.weight';
  if (hfName === 'lm_head.weight') return 'output.weight';
  const match = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(hfName);
  const mapped = match && LAYER_NAMES[match[2]];
  if (!mapped) throw new Error(`no GGUF name for the tensor ${hfName}`);
  return `blk.${match[1]}.${mapped}.${match[3]}`;
}

/**
 * convert_hf_to_gguf.py's LlamaModel.permute: `rows` rows of `cols` values (cols 1 for a bias),
 * `heads` heads of rows / heads rows each. Row (head, half, j) moves to (head, j, half), so the
 * pairs llama.cpp rotates together are the pairs Hugging Face rotates together.
 */
export function permuteForRope(data, rows, cols, heads) {
  const headDim = rows / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new Error(`cannot permute ${rows} rows into ${heads} heads of an even size`);
  }
  const half = headDim / 2;
  const out = new Float32Array(data.length);
  for (let head = 0; head < heads; head++) {
    for (let part = 0; part < 2; part++) {
      for (let j = 0; j < half; j++) {
        const from = (head * headDim + part * half + j) * cols;
        const to = (head * headDim + j * 2 + part) * cols;
        out.set(data.subarray(from, from + cols), to);
      }
    }
  }
  return out;
}

/** Which heads a tensor's rows are split into when it must be permuted; undefined otherwise. */
function ropeHeads(spec, hfName) {
  if (spec.architecture !== 'llama') return undefined;
  if (/\.self_attn\.q_proj\.(weight|bias)$/.test(hfName)) return spec.heads;
  if (/\.self_attn\.k_proj\.(weight|bias)$/.test(hfName)) return spec.kvHeads;
  return undefined;
}

/**
 * The tensors of one GGUF file, in the source's order, each read from the source only when the
 * writer reaches it. Norms and biases stay F32, as llama.cpp's own quantizer keeps them.
 * @param {ReturnType<typeof import('./weights.mjs').createWeightSource>} source
 * @param {'F32' | 'Q8_0' | 'Q4_0'} type
 */
export function ggufTensors(source, type) {
  const { spec } = source;
  return source.tensors.map((tensor) => {
    const matrix = tensor.shape.length === 2;
    const heads = ropeHeads(spec, tensor.name);
    const [rows, cols = 1] = tensor.shape;
    return {
      name: ggufTensorName(tensor.name),
      shape: [...tensor.shape].reverse(),
      type: matrix ? type : 'F32',
      data: () => {
        const data = source.read(tensor.name);
        return heads === undefined ? data : permuteForRope(data, rows, cols, heads);
      },
    };
  });
}

/** The tokenizer's metadata: the twin's byte-level BPE vocabulary, merges and chat tokens. */
export function ggufTokenizerMetadata(spec) {
  const layout = vocabLayout(spec);
  const { tokens, merges } = buildVocabulary(layout);
  const special = new Set(layout.specials.map((token) => token.id));
  return {
    'tokenizer.ggml.model': 'gpt2',
    // The twin's tokenizer.json splits words with GPT-2's own expression (ByteLevel, use_regex).
    'tokenizer.ggml.pre': 'gpt-2',
    'tokenizer.ggml.tokens': tokens,
    // 3: a control token (never spelled out in text), 1: a normal one.
    'tokenizer.ggml.token_type': gguf.array(
      'i32',
      tokens.map((_, id) => (special.has(id) ? 3 : 1)),
    ),
    'tokenizer.ggml.merges': merges.map(([left, right]) => `${left} ${right}`),
    'tokenizer.ggml.bos_token_id': spec.bosTokenId,
    'tokenizer.ggml.eos_token_id': spec.eosTokenId,
    'tokenizer.ggml.padding_token_id': spec.padTokenId,
    'tokenizer.ggml.add_bos_token': false,
    'tokenizer.chat_template': CHATML_TEMPLATE,
  };
}

/** The model's metadata under llama.cpp's keys for its architecture. */
export function ggufMetadata(spec, type, seed) {
  const arch = spec.architecture;
  return {
    'general.architecture': arch,
    'general.name': `${spec.name} twin (${TWIN_NOTE})`,
    'general.description': `Random weights (seed ${seed}) with the shapes of ${spec.twinOf}. ${TWIN_NOTE}.`,
    'general.alignment': 32,
    'general.file_type': FILE_TYPES[type],
    [`${arch}.context_length`]: spec.maxPositions,
    [`${arch}.embedding_length`]: spec.hiddenSize,
    [`${arch}.block_count`]: spec.layers,
    [`${arch}.feed_forward_length`]: spec.intermediateSize,
    [`${arch}.attention.head_count`]: spec.heads,
    [`${arch}.attention.head_count_kv`]: spec.kvHeads,
    [`${arch}.attention.key_length`]: spec.headDim,
    [`${arch}.attention.value_length`]: spec.headDim,
    [`${arch}.attention.layer_norm_rms_epsilon`]: gguf.f32(spec.rmsNormEps),
    [`${arch}.rope.freq_base`]: gguf.f32(spec.ropeTheta),
    [`${arch}.rope.dimension_count`]: spec.headDim,
    [`${arch}.vocab_size`]: spec.vocabSize,
    ...ggufTokenizerMetadata(spec),
  };
}

/**
 * Writes `<dir>/<name>-f32.gguf`, `-q8_0.gguf` and `-q4_0.gguf` (or the `types` asked for) and a
 * README. Returns each file's name and size.
 * @param {string} dir
 * @param {ReturnType<typeof import('./weights.mjs').createWeightSource>} source
 * @param {{ types?: readonly ('F32' | 'Q8_0' | 'Q4_0')[] }} [options]
 */
export function writeGgufTwin(dir, source, { types = GGUF_TYPES } = {}) {
  const { spec } = source;
  mkdirSync(dir, { recursive: true });
  const written = types.map((type) => {
    const file = ggufFileName(spec.name, type);
    const bytes = writeGguf(join(dir, file), {
      metadata: ggufMetadata(spec, type, source.seed),
      tensors: ggufTensors(source, type),
    });
    return { type, file, bytes };
  });
  writeFileSync(
    join(dir, 'README.md'),
    `# ${spec.name} twin (GGUF, llama.cpp)\n\n**${TWIN_NOTE}.** Random weights (seed ${source.seed}) with the ` +
      `shapes of ${spec.twinOf}; never a substitute for the real model.\n\n` +
      written.map((w) => `- \`${w.file}\` (${w.type}): ${(w.bytes / 1e6).toFixed(1)} MB\n`).join(''),
  );
  return written;
}
