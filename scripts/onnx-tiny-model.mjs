// Builds a tiny llama-style causal language model as a transformers.js (v4) model folder, with no
// ML tooling: the ONNX graph is assembled operator by operator with onnx-proto and filled with
// random float32 weights from a fixed-seed PRNG. Output is fully deterministic.
//
// Layout written (relative to the folder passed to writeOnnxTinyModel):
//   config.json              llama config (+ "transformers.js_config": fp32 by default)
//   generation_config.json   greedy, bos/eos ids
//   tokenizer.json           byte-level BPE (the caller's, shared with the MLC fixture)
//   tokenizer_config.json    ChatML chat_template, special tokens
//   onnx/model.onnx          opset 17, ir_version 8, standard operators only
//
// Graph (per layer; B batch, S new tokens, P past tokens, T = P + S):
//   Gather(embed) -> [RMSNorm -> Q/K/V MatMul -> heads -> RoPE(position_ids) -> Concat(past K/V)
//   -> softmax(Q·Kᵀ/√d + causal/padding mask)·V -> o_proj -> residual -> RMSNorm -> SwiGLU MLP
//   -> residual] x N -> RMSNorm -> LM head.
// Inputs:  input_ids, attention_mask, position_ids, past_key_values.{i}.{key,value}
// Outputs: logits, present.{i}.{key,value}
// The KV inputs/outputs have fixed head count and head size because transformers.js builds the
// empty first-step cache from the model's input metadata (symbolic dims other than batch_size
// become 0).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { FLOAT, GraphBuilder, INT64, valueInfo } from './onnx-builder.mjs';
import { mulberry32 } from './prng.mjs';

const { onnx } = onnxProto;

export const ONNX_TINY_MODEL = Object.freeze({
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  head_dim: 16,
  max_position_embeddings: 512,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
});

const SEED = 0x7e1e5eed;
const WEIGHT_SCALE = 0.1; // linear layers: uniform ±0.1
const EMBED_SCALE = 1.0; // token embeddings: uniform ±1
const SPECIAL_LOGIT_SCALE = 0.01; // LM-head columns of special tokens (keeps eos from being picked)
const MASK_VALUE = -1e9;

// ---------------------------------------------------------------------------
// Deterministic PRNG: see prng.mjs.

// ---------------------------------------------------------------------------
// Model graph

function randomMatrix(rand, rows, cols, scale) {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * scale;
  return data;
}

function normWeight(rand, size) {
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = 1 + (rand() - 0.5) * 0.02;
  return data;
}

/**
 * Multiplies every weight by 1 + u, u uniform in ±scale, from a PRNG of its own (so the base
 * weights are the same as without it): a twin whose outputs differ slightly.
 */
function perturber({ seed, scale }) {
  const rand = mulberry32(seed);
  return (data) => data.map((value) => value * (1 + (rand() * 2 - 1) * scale));
}

/** Initializers at least this large go to the external data file when one is asked for. */
const EXTERNAL_MIN_BYTES = 1024;

/**
 * Moves the large initializers' bytes out of the graph into one external data file (ONNX's
 * external data format: location, offset and length per tensor), as exports over 2 GB must.
 */
function moveToExternalData(initializers, fileName) {
  const parts = [];
  let offset = 0;
  for (const tensor of initializers) {
    if (!tensor.rawData || tensor.rawData.length < EXTERNAL_MIN_BYTES) continue;
    const length = tensor.rawData.length;
    parts.push(Buffer.from(tensor.rawData.buffer, tensor.rawData.byteOffset, length));
    tensor.externalData = [
      { key: 'location', value: fileName },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    offset += length;
  }
  return Buffer.concat(parts);
}

/**
 * Returns the ModelProto bytes (and the external data bytes when `externalData` names a file)
 * and some stats. `shape` sets the layer sizes (default ONNX_TINY_MODEL).
 * @param {{ vocabSize: number, specialTokenIds: number[], perturbation?: { seed: number, scale: number },
 *   shape?: typeof ONNX_TINY_MODEL, externalData?: string }} options
 */
export function buildOnnxTinyModel({
  vocabSize,
  specialTokenIds,
  perturbation,
  shape = ONNX_TINY_MODEL,
  externalData,
}) {
  const cfg = shape;
  const { hidden_size: C, intermediate_size: I, num_attention_heads: H, head_dim: D } = cfg;
  const L = cfg.num_hidden_layers;
  const V = vocabSize;
  if (cfg.num_key_value_heads !== H) throw new Error('this builder assumes num_key_value_heads == num_attention_heads');
  if (H * D !== C) throw new Error('this builder assumes heads * head_dim == hidden_size');

  const rand = mulberry32(SEED);
  const g = new GraphBuilder(perturbation ? perturber(perturbation) : undefined);
  for (const n of ['input_ids', 'attention_mask', 'position_ids']) g.names.add(n);

  // --- constants ----------------------------------------------------------
  const axes1 = g.int64Tensor('const_axes_1', [1], [1]);
  const axes12 = g.int64Tensor('const_axes_1_2', [2], [1, 2]);
  const idx1 = g.int64Tensor('const_index_1', [], [1]);
  const headsShape = g.int64Tensor('const_shape_heads', [4], [0, 0, H, D]);
  const mergedShape = g.int64Tensor('const_shape_merged', [3], [0, 0, H * D]);
  const epsilon = g.scalarFloat('const_rms_eps', cfg.rms_norm_eps);
  const two = g.scalarFloat('const_two', 2);
  const zero = g.scalarFloat('const_zero', 0);
  const one = g.scalarFloat('const_one', 1);
  const maskValue = g.scalarFloat('const_mask_value', MASK_VALUE);
  const negMaskValue = g.scalarFloat('const_neg_mask_value', -MASK_VALUE);
  const attnScale = g.scalarFloat('const_attn_scale', 1 / Math.sqrt(D));

  // RoPE tables [max_pos, D] (HF llama layout: the frequencies repeated for both halves) and the
  // rotate_half permutation as a [D, D] matrix: (x @ R) = concat(-x[D/2:], x[:D/2]).
  const maxPos = cfg.max_position_embeddings;
  const cosTable = new Float32Array(maxPos * D);
  const sinTable = new Float32Array(maxPos * D);
  for (let p = 0; p < maxPos; p++) {
    for (let k = 0; k < D / 2; k++) {
      const angle = p * Math.pow(cfg.rope_theta, (-2 * k) / D);
      for (const j of [k, k + D / 2]) {
        cosTable[p * D + j] = Math.cos(angle);
        sinTable[p * D + j] = Math.sin(angle);
      }
    }
  }
  const rotate = new Float32Array(D * D);
  for (let j = 0; j < D / 2; j++) {
    rotate[(j + D / 2) * D + j] = -1; // out[j] = -x[j + D/2]
    rotate[j * D + (j + D / 2)] = 1; // out[j + D/2] = x[j]
  }
  const cosInit = g.floatTensor('rope.cos_table', [maxPos, D], cosTable, { param: false });
  const sinInit = g.floatTensor('rope.sin_table', [maxPos, D], sinTable, { param: false });
  const rotateInit = g.floatTensor('rope.rotate_half', [D, D], rotate, { param: false });

  // --- weights --------------------------------------------------------------
  const embed = g.floatTensor('model.embed_tokens.weight', [V, C], randomMatrix(rand, V, C, EMBED_SCALE));
  const layers = [];
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const w = (name, rows, cols) =>
      g.floatTensor(`${p}.${name}`, [rows, cols], randomMatrix(rand, rows, cols, WEIGHT_SCALE));
    layers.push({
      inputNorm: g.floatTensor(`${p}.input_layernorm.weight`, [C], normWeight(rand, C)),
      q: w('self_attn.q_proj.weight', C, H * D),
      k: w('self_attn.k_proj.weight', C, H * D),
      v: w('self_attn.v_proj.weight', C, H * D),
      o: w('self_attn.o_proj.weight', H * D, C),
      postNorm: g.floatTensor(`${p}.post_attention_layernorm.weight`, [C], normWeight(rand, C)),
      gate: w('mlp.gate_proj.weight', C, I),
      up: w('mlp.up_proj.weight', C, I),
      down: w('mlp.down_proj.weight', I, C),
    });
  }
  const finalNorm = g.floatTensor('model.norm.weight', [C], normWeight(rand, C));
  const lmHeadData = randomMatrix(rand, C, V, WEIGHT_SCALE); // stored [C, V] for MatMul
  for (const id of specialTokenIds) {
    for (let c = 0; c < C; c++) lmHeadData[c * V + id] *= SPECIAL_LOGIT_SCALE;
  }
  const lmHead = g.floatTensor('lm_head.weight', [C, V], lmHeadData);

  // --- graph ------------------------------------------------------------------
  const rmsNorm = (x, weight, name) => {
    const sq = g.op('Pow', [x, two], {}, { name: `${name}/Pow` });
    const mean = g.op('ReduceMean', [sq], { axes: [-1], keepdims: 1 }, { name: `${name}/ReduceMean` });
    const std = g.op('Sqrt', [g.op('Add', [mean, epsilon], {}, { name: `${name}/Add` })], {}, { name: `${name}/Sqrt` });
    const normed = g.op('Div', [x, std], {}, { name: `${name}/Div` });
    return g.op('Mul', [normed, weight], {}, { name: `${name}/Mul` });
  };

  let hidden = g.op('Gather', [embed, 'input_ids'], { axis: 0 }, { name: 'model/embed_tokens/Gather' });

  // Rotary tables for the new positions: [B, 1, S, D].
  const ropeCos = g.op(
    'Unsqueeze',
    [g.op('Gather', [cosInit, 'position_ids'], { axis: 0 }, { name: 'rope/cos/Gather' }), axes1],
    {},
    { name: 'rope/cos/Unsqueeze' },
  );
  const ropeSin = g.op(
    'Unsqueeze',
    [g.op('Gather', [sinInit, 'position_ids'], { axis: 0 }, { name: 'rope/sin/Gather' }), axes1],
    {},
    { name: 'rope/sin/Unsqueeze' },
  );

  // Attention bias [B, 1, S, T]: 0 where key j may be attended by query i (j <= P + i and
  // attention_mask[b, j] == 1), MASK_VALUE elsewhere.
  const seqLen = g.op(
    'Gather',
    [g.op('Shape', ['input_ids'], {}, { name: 'mask/Shape_ids' }), idx1],
    { axis: 0 },
    { name: 'mask/Gather_S' },
  );
  const totalLen = g.op(
    'Gather',
    [g.op('Shape', ['attention_mask'], {}, { name: 'mask/Shape_mask' }), idx1],
    { axis: 0 },
    { name: 'mask/Gather_T' },
  );
  const pastLen = g.op('Sub', [totalLen, seqLen], {}, { name: 'mask/Sub_P' });
  const toFloat = (x, name) => g.op('Cast', [x], { to: FLOAT }, { name });
  const keyPos = g.op('Range', [zero, toFloat(totalLen, 'mask/Cast_T'), one], {}, { name: 'mask/Range_keys' }); // [T]
  const queryPos = g.op(
    'Unsqueeze',
    [
      g.op(
        'Add',
        [
          g.op('Range', [zero, toFloat(seqLen, 'mask/Cast_S'), one], {}, { name: 'mask/Range_queries' }),
          toFloat(pastLen, 'mask/Cast_P'),
        ],
        {},
        { name: 'mask/Add_past' },
      ),
      axes1,
    ],
    {},
    { name: 'mask/Unsqueeze_queries' },
  ); // [S, 1]
  const causal = g.op('LessOrEqual', [keyPos, queryPos], {}, { name: 'mask/LessOrEqual' }); // [S, T] bool
  const causalBias = g.op('Where', [causal, zero, maskValue], {}, { name: 'mask/Where' }); // [S, T]
  const padding = g.op(
    'Unsqueeze',
    [toFloat('attention_mask', 'mask/Cast_attention_mask'), axes12],
    {},
    { name: 'mask/Unsqueeze_padding' },
  ); // [B,1,1,T]
  const paddingBias = g.op(
    'Mul',
    [g.op('Sub', [padding, one], {}, { name: 'mask/Sub_padding' }), negMaskValue],
    {},
    { name: 'mask/Mul_padding' },
  );
  const attnBias = g.op('Add', [causalBias, paddingBias], {}, { name: 'mask/Add_bias' }); // [B,1,S,T]

  const rope = (x, name) => {
    const rotated = g.op('MatMul', [x, rotateInit], {}, { name: `${name}/rotate_half` });
    return g.op(
      'Add',
      [
        g.op('Mul', [x, ropeCos], {}, { name: `${name}/Mul_cos` }),
        g.op('Mul', [rotated, ropeSin], {}, { name: `${name}/Mul_sin` }),
      ],
      {},
      { name: `${name}/Add` },
    );
  };
  const toHeads = (x, name) =>
    g.op(
      'Transpose',
      [g.op('Reshape', [x, headsShape], {}, { name: `${name}/Reshape` })],
      { perm: [0, 2, 1, 3] },
      { name: `${name}/Transpose` },
    );

  const inputs = [
    valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [];
  const kvDims = (len) => ['batch_size', H, len, D];

  layers.forEach((w, l) => {
    const p = `model/layers.${l}`;
    const pastKey = `past_key_values.${l}.key`;
    const pastValue = `past_key_values.${l}.value`;
    g.names.add(pastKey);
    g.names.add(pastValue);
    inputs.push(valueInfo(pastKey, FLOAT, kvDims('past_sequence_length')));
    inputs.push(valueInfo(pastValue, FLOAT, kvDims('past_sequence_length')));

    const x = rmsNorm(hidden, w.inputNorm, `${p}/input_layernorm`);
    const q = rope(
      toHeads(g.op('MatMul', [x, w.q], {}, { name: `${p}/attn/q_proj` }), `${p}/attn/q`),
      `${p}/attn/q_rope`,
    );
    const k = rope(
      toHeads(g.op('MatMul', [x, w.k], {}, { name: `${p}/attn/k_proj` }), `${p}/attn/k`),
      `${p}/attn/k_rope`,
    );
    const v = toHeads(g.op('MatMul', [x, w.v], {}, { name: `${p}/attn/v_proj` }), `${p}/attn/v`);
    const presentKey = g.op(
      'Concat',
      [pastKey, k],
      { axis: 2 },
      { name: `${p}/attn/Concat_key`, outputs: [`present.${l}.key`] },
    );
    const presentValue = g.op(
      'Concat',
      [pastValue, v],
      { axis: 2 },
      { name: `${p}/attn/Concat_value`, outputs: [`present.${l}.value`] },
    );
    outputs.push(valueInfo(presentKey, FLOAT, kvDims('total_sequence_length')));
    outputs.push(valueInfo(presentValue, FLOAT, kvDims('total_sequence_length')));

    const keyT = g.op('Transpose', [presentKey], { perm: [0, 1, 3, 2] }, { name: `${p}/attn/Transpose_key` }); // [B,H,D,T]
    const qScaled = g.op('Mul', [q, attnScale], {}, { name: `${p}/attn/Mul_scale` });
    const scores = g.op(
      'Add',
      [g.op('MatMul', [qScaled, keyT], {}, { name: `${p}/attn/MatMul_qk` }), attnBias],
      {},
      { name: `${p}/attn/Add_mask` },
    );
    const probs = g.op('Softmax', [scores], { axis: -1 }, { name: `${p}/attn/Softmax` });
    const context = g.op('MatMul', [probs, presentValue], {}, { name: `${p}/attn/MatMul_pv` }); // [B,H,S,D]
    const merged = g.op(
      'Reshape',
      [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }, { name: `${p}/attn/Transpose_context` }), mergedShape],
      {},
      { name: `${p}/attn/Reshape_context` },
    );
    const attnOut = g.op('MatMul', [merged, w.o], {}, { name: `${p}/attn/o_proj` });
    hidden = g.op('Add', [hidden, attnOut], {}, { name: `${p}/Add_attn_residual` });

    const y = rmsNorm(hidden, w.postNorm, `${p}/post_attention_layernorm`);
    const gate = g.op('MatMul', [y, w.gate], {}, { name: `${p}/mlp/gate_proj` });
    const up = g.op('MatMul', [y, w.up], {}, { name: `${p}/mlp/up_proj` });
    const silu = g.op(
      'Mul',
      [gate, g.op('Sigmoid', [gate], {}, { name: `${p}/mlp/Sigmoid` })],
      {},
      { name: `${p}/mlp/Mul_silu` },
    );
    const act = g.op('Mul', [silu, up], {}, { name: `${p}/mlp/Mul_up` });
    const mlpOut = g.op('MatMul', [act, w.down], {}, { name: `${p}/mlp/down_proj` });
    hidden = g.op('Add', [hidden, mlpOut], {}, { name: `${p}/Add_mlp_residual` });
  });

  const finalHidden = rmsNorm(hidden, finalNorm, 'model/norm');
  const logits = g.op('MatMul', [finalHidden, lmHead], {}, { name: 'lm_head/MatMul', outputs: ['logits'] });
  outputs.unshift(valueInfo(logits, FLOAT, ['batch_size', 'sequence_length', V]));

  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'edge-llm make-fixtures',
    producerVersion: '1',
    docString: 'Tiny random-weight llama-style causal LM for offline tests (not a trained model).',
    graph: {
      name: 'onnx_tiny_llama',
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
    },
  });
  const data = externalData ? moveToExternalData(model.graph.initializer, externalData) : undefined;
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`invalid ModelProto: ${err}`);
  const bytes = Buffer.from(onnx.ModelProto.encode(model).finish());
  return {
    bytes,
    data,
    nodeCount: g.nodes.length,
    paramCount: g.paramCount,
    opTypes: [...new Set(g.nodes.map((n) => n.opType))].sort(),
  };
}

// ---------------------------------------------------------------------------
// Config files

/** ChatML, the chat format of SmolLM2 and Qwen2 (without their default system prompts). */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function tokenId(tokenizer, content) {
  const found = tokenizer.added_tokens.find((t) => t.content === content);
  if (!found) throw new Error(`tokenizer has no ${content} token`);
  return found.id;
}

/**
 * Writes the tiny transformers.js model folder.
 * @param {string} dir the folder to write (e.g. <out>/onnx-tiny)
 * @param {{ tokenizer: object, write?: (path: string, data: string | Buffer) => void,
 *   perturbation?: { seed: number, scale: number }, shape?: typeof ONNX_TINY_MODEL,
 *   externalData?: boolean }} options
 *   tokenizer: a HuggingFace tokenizers JSON object (byte-level BPE) with <|endoftext|>,
 *   <|im_start|> and <|im_end|> as added tokens. perturbation: see perturber(). shape: layer
 *   sizes (a larger model of the same graph). externalData: the weights go to
 *   onnx/model.onnx_data, as transformers.js loads them with `use_external_data_format`.
 */
export function writeOnnxTinyModel(
  dir,
  {
    tokenizer,
    write = (path, data) => writeFileSync(path, data),
    perturbation,
    shape = ONNX_TINY_MODEL,
    externalData = false,
  },
) {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

  const vocabSize = Object.keys(tokenizer.model.vocab).length;
  const padId = tokenId(tokenizer, '<|endoftext|>');
  const bosId = tokenId(tokenizer, '<|im_start|>');
  const eosId = tokenId(tokenizer, '<|im_end|>');
  const cfg = shape;

  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: cfg.hidden_size,
    intermediate_size: cfg.intermediate_size,
    num_hidden_layers: cfg.num_hidden_layers,
    num_attention_heads: cfg.num_attention_heads,
    num_key_value_heads: cfg.num_key_value_heads,
    head_dim: cfg.head_dim,
    hidden_act: 'silu',
    max_position_embeddings: cfg.max_position_embeddings,
    rms_norm_eps: cfg.rms_norm_eps,
    rope_theta: cfg.rope_theta,
    rope_scaling: null,
    attention_bias: false,
    attention_dropout: 0.0,
    mlp_bias: false,
    initializer_range: 0.02,
    pretraining_tp: 1,
    tie_word_embeddings: false,
    vocab_size: vocabSize,
    bos_token_id: bosId,
    eos_token_id: eosId,
    pad_token_id: padId,
    torch_dtype: 'float32',
    use_cache: true,
    'transformers.js_config': {
      dtype: 'fp32',
      use_external_data_format: externalData,
    },
  };
  const generationConfig = {
    bos_token_id: bosId,
    eos_token_id: eosId,
    pad_token_id: padId,
    do_sample: false,
  };
  const addedTokensDecoder = Object.fromEntries(
    tokenizer.added_tokens.map((t) => [
      String(t.id),
      {
        content: t.content,
        lstrip: t.lstrip,
        normalized: t.normalized,
        rstrip: t.rstrip,
        single_word: t.single_word,
        special: t.special,
      },
    ]),
  );
  const tokenizerConfig = {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: '<|im_start|>',
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: cfg.max_position_embeddings,
    tokenizer_class: 'GPT2Tokenizer',
  };

  const model = buildOnnxTinyModel({
    vocabSize,
    specialTokenIds: [padId, bosId, eosId],
    perturbation,
    shape,
    externalData: externalData ? 'model.onnx_data' : undefined,
  });
  write(join(dir, 'config.json'), json(config));
  write(join(dir, 'generation_config.json'), json(generationConfig));
  write(join(dir, 'tokenizer.json'), json(tokenizer));
  write(join(dir, 'tokenizer_config.json'), json(tokenizerConfig));
  write(join(dir, 'onnx', 'model.onnx'), model.bytes);
  if (model.data) write(join(dir, 'onnx', 'model.onnx_data'), model.data);
  return {
    vocabSize,
    layers: cfg.num_hidden_layers,
    modelBytes: model.bytes.length + (model.data?.length ?? 0),
    nodeCount: model.nodeCount,
    paramCount: model.paramCount,
    opTypes: model.opTypes,
  };
}
