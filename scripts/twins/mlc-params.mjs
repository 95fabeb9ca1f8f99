// The weights an MLC model library loads: read from the library itself, or derived from a twin's
// spec where no library is at hand; and how each maps onto the Hugging Face tensors.
//
// A compiled library (.wasm) carries its model's metadata as a JSON string in its data section,
// the same JSON web-llm reads through the library's `_metadata` function: model_type,
// quantization, context and prefill sizes, and `params`, every weight's name, shape and dtype in
// the order the library loads them.

import { readFileSync } from 'node:fs';

const METADATA_START = Buffer.from('{"model_type"');

/** The library's embedded metadata (JSON), found by scanning its bytes. */
export function readLibraryMetadata(path) {
  const bytes = readFileSync(path);
  const start = bytes.indexOf(METADATA_START);
  if (start < 0) throw new Error(`${path} holds no MLC model metadata (no {"model_type" in its data)`);
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) return JSON.parse(bytes.subarray(start, i + 1).toString('utf8'));
  }
  throw new Error(`${path}: the model metadata never ends`);
}

const DTYPE_BYTES = { float32: 4, uint32: 4, float16: 2, int32: 4 };

/** Bytes of one parameter as the library declares it. */
export function paramBytes(param) {
  const size = DTYPE_BYTES[param.dtype];
  if (!size) throw new Error(`unsupported MLC dtype ${param.dtype} (${param.name})`);
  return param.shape.reduce((product, n) => product * n, size);
}

/** mlc-llm's name for the packed q/k/v projection. */
const QKV_NAME = { llama: 'qkv_proj', qwen2: 'c_attn' };

/**
 * The params a q4f32_1 library of this twin's architecture loads, in load order, as mlc-llm's
 * llama and qwen2 models name them (checked against a real library's metadata in the unit tests).
 */
export function mlcParamsFromSpec(spec) {
  const { hiddenSize: c, intermediateSize: ffn, heads, kvHeads, headDim: d, vocabSize: v } = spec;
  const params = [];
  const quantized = (name, out, inp) => {
    params.push({ name: `${name}.q_weight`, shape: [out, inp / 8], dtype: 'uint32' });
    params.push({ name: `${name}.q_scale`, shape: [out, inp / 32], dtype: 'float32' });
  };
  const float = (name, shape) => params.push({ name, shape, dtype: 'float32' });
  quantized('model.embed_tokens', v, c);
  const qkv = (heads + 2 * kvHeads) * d;
  for (let l = 0; l < spec.layers; l++) {
    const p = `model.layers.${l}`;
    quantized(`${p}.self_attn.${QKV_NAME[spec.architecture]}`, qkv, c);
    if (spec.attentionBias) float(`${p}.self_attn.${QKV_NAME[spec.architecture]}.bias`, [qkv]);
    quantized(`${p}.self_attn.o_proj`, c, heads * d);
    quantized(`${p}.mlp.gate_up_proj`, 2 * ffn, c);
    quantized(`${p}.mlp.down_proj`, c, ffn);
    float(`${p}.input_layernorm.weight`, [c]);
    float(`${p}.post_attention_layernorm.weight`, [c]);
  }
  float('model.norm.weight', [c]);
  if (!spec.tieEmbeddings) quantized('lm_head', v, c);
  return params;
}

/**
 * Which Hugging Face tensors, stacked by rows in this order, make an MLC weight (its q_weight and
 * q_scale, or a float parameter): the packed projections are the HF ones one above the other.
 * @returns {{ sources: string[], quantized: boolean }}
 */
export function hfSourcesOf(spec, mlcName) {
  const quantizedSuffix = /\.(q_weight|q_scale)$/;
  const base = mlcName.replace(quantizedSuffix, '');
  const quantized = quantizedSuffix.test(mlcName);
  const packed = new RegExp(`^(model\\.layers\\.\\d+\\.self_attn)\\.${QKV_NAME[spec.architecture]}(\\.bias)?$`);
  const qkv = base.match(packed);
  if (qkv) {
    const suffix = qkv[2] ? 'bias' : 'weight';
    return { sources: ['q_proj', 'k_proj', 'v_proj'].map((p) => `${qkv[1]}.${p}.${suffix}`), quantized };
  }
  const gateUp = base.match(/^(model\.layers\.\d+\.mlp)\.gate_up_proj$/);
  if (gateUp) return { sources: [`${gateUp[1]}.gate_proj.weight`, `${gateUp[1]}.up_proj.weight`], quantized };
  return { sources: [quantized ? `${base}.weight` : base], quantized };
}
