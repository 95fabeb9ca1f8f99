// A twin's decoder as ONNX, built the way onnxruntime-genai's model builder exports Llama and Qwen2
// for the WebGPU and CPU execution providers (the exporter behind the hub's GQA models):
//   - embeddings: Gather on a float32 table (also in the q4 variant: the builder quantizes MatMuls
//     only);
//   - each norm: SimplifiedLayerNormalization for the first, then SkipSimplifiedLayerNormalization
//     (com.microsoft), which also adds the residual and passes the sum on (its output 3);
//   - attention: one packed Q/K/V projection (plus the packed bias for Qwen2), split into Q, K and V;
//     RotaryEmbedding (com.microsoft, cos/sin caches, position_ids) on Q and K; then
//     GroupQueryAttention (com.microsoft) without its fused rotary, then o_proj. The builder keeps
//     the rotary out of GroupQueryAttention for WebGPU (microsoft/onnxruntime#22987). (On 4-lane
//     subgroups ONNX Runtime Web's WebGPU flash attention is wrong whatever the layout: the engine
//     withholds subgroups there, src/core/ort-subgroups.ts.)
//   - MLP: gate and up projections, SiLU as Sigmoid and Mul, down projection;
//   - projections: MatMul on float32 [in, out] weights (fp32), or MatMulNBits (com.microsoft; 4
//     bits, block 32, symmetric, accuracy level 4 as the builder sets for CPU and WebGPU) on
//     [out, in / 32, 16] blocks (q4); the LM head likewise.
// ONNX Runtime Web's WebGPU provider has every com.microsoft operator used here (GroupQueryAttention,
// MatMulNBits, SkipSimplifiedLayerNormalization, and SimplifiedLayerNormalization in the default
// domain); so does its CPU (WASM) provider.
//
// Inputs: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value [batch, kv heads,
// past, head dim].
// Outputs: logits, present.{i}.key/value: the names transformers.js feeds and reads.

import { asFloat, FLOAT, INT32, INT64, UINT8, valueInfo } from '../onnx-builder.mjs';
import { quantizeBlockQ4 } from './quantize.mjs';

const MS = 'com.microsoft';
/** Output rows per chunk when a float32 weight is written transposed. */
const TRANSPOSE_CHUNK_VALUES = 4 * 1024 * 1024;

/** Writes a [rows, cols] float32 matrix as [cols, rows], a few MB at a time. */
function writeTransposed(write, data, rows, cols) {
  const rowsPerChunk = Math.max(1, Math.floor(TRANSPOSE_CHUNK_VALUES / rows));
  for (let c0 = 0; c0 < cols; c0 += rowsPerChunk) {
    const c1 = Math.min(cols, c0 + rowsPerChunk);
    const chunk = new Float32Array((c1 - c0) * rows);
    for (let c = c0; c < c1; c++) {
      const base = (c - c0) * rows;
      for (let r = 0; r < rows; r++) chunk[base + r] = data[r * cols + c];
    }
    write(chunk);
  }
}

/** Rows of several HF tensors, one above the other ([q; k; v], [gate]...). */
function stackRows(parts) {
  if (parts.length === 1) return parts[0];
  const data = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return data;
}

/** Cos and sin tables [positions, head dim / 2] for the rotary embedding (HF's rope, non-interleaved). */
function rotaryCaches(spec) {
  const half = spec.headDim / 2;
  const cos = new Float32Array(spec.maxPositions * half);
  const sin = new Float32Array(spec.maxPositions * half);
  for (let k = 0; k < half; k++) {
    const inverseFrequency = 1 / spec.ropeTheta ** ((2 * k) / spec.headDim);
    for (let p = 0; p < spec.maxPositions; p++) {
      cos[p * half + k] = Math.cos(p * inverseFrequency);
      sin[p * half + k] = Math.sin(p * inverseFrequency);
    }
  }
  return { cos, sin, half };
}

/**
 * Builds the graph into `g`, writing every weight through `external` as it goes.
 * @param {import('../onnx-builder.mjs').GraphBuilder} g
 * @param {ReturnType<typeof import('./weights.mjs').createWeightSource>} source
 * @param {'fp32' | 'q4'} variant
 * @param {import('./external-data.mjs').ExternalDataWriter} external
 */
export function buildDecoderGraph(g, source, variant, external) {
  const { spec } = source;
  const { hiddenSize: c, heads, kvHeads, headDim: d, vocabSize: v } = spec;
  const shapeOf = (name) => source.tensors.find((tensor) => tensor.name === name).shape;

  const floatInit = (name, dims, data) => {
    const where = external.add(data.byteLength, (write) => write(data));
    g.paramCount += data.length;
    return g.externalTensor(name, dims, FLOAT, where);
  };
  /**
   * A projection y = x W^T, W the HF [out, in] rows stacked from `names` (or given as `data`).
   * @param {string} nodeName e.g. model/layers.0/attn/o_proj/MatMul
   */
  const linear = (
    x,
    names,
    nodeName,
    { outputName, data = stackRows(names.map((name) => source.read(name))) } = {},
  ) => {
    const inputs = shapeOf(names[0])[1];
    const outputs = data.length / inputs;
    const weightName = `${nodeName.replaceAll('/', '.')}.weight`;
    const nodeOutputs = outputName ? [outputName] : 1;
    if (variant === 'fp32') {
      const where = external.add(data.byteLength, (write) => writeTransposed(write, data, outputs, inputs));
      g.paramCount += data.length;
      const weight = g.externalTensor(weightName, [inputs, outputs], FLOAT, where);
      return g.op('MatMul', [x, weight], {}, { name: nodeName, outputs: nodeOutputs });
    }
    const { packed, scales } = quantizeBlockQ4(data, outputs, inputs);
    const blocks = inputs / 32;
    const b = g.externalTensor(
      `${weightName}_Q4`,
      [outputs, blocks, 16],
      UINT8,
      external.add(packed.byteLength, (w) => w(packed)),
    );
    const s = g.externalTensor(
      `${weightName}_scales`,
      [outputs * blocks],
      FLOAT,
      external.add(scales.byteLength, (w) => w(scales)),
    );
    g.paramCount += data.length;
    const attrs = { K: inputs, N: outputs, bits: 4, block_size: 32, accuracy_level: 4 };
    return g.op('MatMulNBits', [x, b, s], attrs, { name: `${nodeName}NBits`, outputs: nodeOutputs, domain: MS });
  };

  // Graph inputs and the attention-mask subgraph GroupQueryAttention reads (builder layout).
  const inputs = [
    valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [valueInfo('logits', FLOAT, ['batch_size', 'sequence_length', v])];
  for (const name of ['input_ids', 'attention_mask', 'position_ids']) g.names.add(name);
  const one1d = g.int64Tensor('/model/constants/INT64/[1]', [1], [1]);
  const one = g.int64Tensor('/model/constants/INT64/1', [], [1]);
  const mask = 'model/attn_mask_reformat/attn_mask_subgraph';
  const sum = g.op('ReduceSum', ['attention_mask', one1d], { keepdims: 0 }, { name: `${mask}/ReduceSum` });
  const seqlensK = g.op(
    'Cast',
    [g.op('Sub', [sum, one1d], {}, { name: `${mask}/Sub` })],
    { to: INT32 },
    { name: `${mask}/Sub/Cast` },
  );
  const total = g.op(
    'Gather',
    [g.op('Shape', ['attention_mask'], {}, { name: `${mask}/Shape` }), one],
    { axis: 0 },
    { name: `${mask}/Gather` },
  );
  const totalSeqLen = g.op('Cast', [total], { to: INT32 }, { name: `${mask}/Gather/Cast` });

  const embedData = source.read('model.embed_tokens.weight');
  const embed = floatInit('model.embed_tokens.weight', [v, c], embedData);
  let hidden = g.op('Gather', [embed, 'input_ids'], { axis: 0 }, { name: 'model/embed_tokens/Gather' });
  const rope = rotaryCaches(spec);
  const cosCache = g.externalTensor(
    'cos_cache',
    [spec.maxPositions, rope.half],
    FLOAT,
    external.add(rope.cos.byteLength, (w) => w(rope.cos)),
  );
  const sinCache = g.externalTensor(
    'sin_cache',
    [spec.maxPositions, rope.half],
    FLOAT,
    external.add(rope.sin.byteLength, (w) => w(rope.sin)),
  );

  const qkvSplit = g.int64Tensor('/model/constants/INT64/qkv_split', [3], [heads * d, kvHeads * d, kvHeads * d]);
  const eps = asFloat(spec.rmsNormEps);
  let residual = hidden;
  let pending; // the last sublayer's output, still to be added to the residual stream
  for (let l = 0; l < spec.layers; l++) {
    const p = `model.layers.${l}`;
    const n = `model/layers.${l}`;
    const norm = (location) =>
      floatInit(`${p}.${location}_layernorm.weight`, [c], source.read(`${p}.${location}_layernorm.weight`));
    let x;
    if (pending === undefined) {
      x = g.op(
        'SimplifiedLayerNormalization',
        [hidden, norm('input')],
        { axis: -1, epsilon: eps, stash_type: 1 },
        { name: `${n}/input_layernorm/LayerNorm` },
      );
    } else {
      [x, , , residual] = g.op(
        'SkipSimplifiedLayerNormalization',
        [pending, residual, norm('input')],
        { epsilon: eps },
        {
          name: `${n}/input_layernorm/SkipLayerNorm`,
          outputs: [`/${n}/input_layernorm/output_0`, '', '', `/${n}/input_layernorm/output_3`],
          domain: MS,
        },
      );
    }
    const qkvNames = ['q_proj', 'k_proj', 'v_proj'].map((proj) => `${p}.self_attn.${proj}`);
    let qkv = linear(
      x,
      qkvNames.map((name) => `${name}.weight`),
      `${n}/attn/qkv_proj/MatMul`,
    );
    if (spec.attentionBias) {
      const bias = floatInit(
        `${p}.self_attn.qkv_proj.bias`,
        [(heads + 2 * kvHeads) * d],
        stackRows(qkvNames.map((name) => source.read(`${name}.bias`))),
      );
      qkv = g.op('Add', [qkv, bias], {}, { name: `${n}/attn/qkv_proj/Add` });
    }
    const pastKey = `past_key_values.${l}.key`;
    const pastValue = `past_key_values.${l}.value`;
    g.names.add(pastKey);
    g.names.add(pastValue);
    inputs.push(valueInfo(pastKey, FLOAT, ['batch_size', kvHeads, 'past_sequence_length', d]));
    inputs.push(valueInfo(pastValue, FLOAT, ['batch_size', kvHeads, 'past_sequence_length', d]));
    const [q, k, v] = g.op('Split', [qkv, qkvSplit], { axis: -1 }, { name: `${n}/attn/qkv_proj/Split`, outputs: 3 });
    // Full rotary: only `interleaved`, as the builder writes it (rotary_embedding_dim and num_heads
    // are for partial rotary, a path ONNX Runtime Web's WebGPU provider computes differently).
    const rotary = (input, which) =>
      g.op(
        'RotaryEmbedding',
        [input, 'position_ids', cosCache, sinCache],
        { interleaved: 0 },
        { name: `${n}/attn/${which}_rotary/RotaryEmbedding`, domain: MS },
      );
    const [attention] = g.op(
      'GroupQueryAttention',
      [rotary(q, 'q'), rotary(k, 'k'), v, pastKey, pastValue, seqlensK, totalSeqLen],
      {
        num_heads: heads,
        kv_num_heads: kvHeads,
        do_rotary: 0,
        local_window_size: -1,
        scale: asFloat(1 / Math.sqrt(d)),
      },
      {
        name: `${n}/attn/GroupQueryAttention`,
        outputs: [`/${n}/attn/GroupQueryAttention/output_0`, `present.${l}.key`, `present.${l}.value`],
        domain: MS,
      },
    );
    outputs.push(valueInfo(`present.${l}.key`, FLOAT, ['batch_size', kvHeads, 'total_sequence_length', d]));
    outputs.push(valueInfo(`present.${l}.value`, FLOAT, ['batch_size', kvHeads, 'total_sequence_length', d]));
    const attentionOut = linear(attention, [`${p}.self_attn.o_proj.weight`], `${n}/attn/o_proj/MatMul`);

    let y;
    [y, , , residual] = g.op(
      'SkipSimplifiedLayerNormalization',
      [attentionOut, residual, norm('post_attention')],
      { epsilon: eps },
      {
        name: `${n}/post_attention_layernorm/SkipLayerNorm`,
        outputs: [`/${n}/post_attention_layernorm/output_0`, '', '', `/${n}/post_attention_layernorm/output_3`],
        domain: MS,
      },
    );
    const gate = linear(y, [`${p}.mlp.gate_proj.weight`], `${n}/mlp/gate_proj/MatMul`);
    const up = linear(y, [`${p}.mlp.up_proj.weight`], `${n}/mlp/up_proj/MatMul`);
    const sigmoid = g.op('Sigmoid', [gate], {}, { name: `${n}/mlp/act_fn/Sigmoid` });
    const silu = g.op('Mul', [gate, sigmoid], {}, { name: `${n}/mlp/act_fn/Mul` });
    const product = g.op('Mul', [silu, up], {}, { name: `${n}/mlp/Mul` });
    pending = linear(product, [`${p}.mlp.down_proj.weight`], `${n}/mlp/down_proj/MatMul`);
  }

  const finalNorm = floatInit('model.norm.weight', [c], source.read('model.norm.weight'));
  const normed = g.op(
    'SkipSimplifiedLayerNormalization',
    [pending, residual, finalNorm],
    { epsilon: eps },
    {
      name: 'model/norm/SkipLayerNorm',
      outputs: ['/model/norm/output_0'],
      domain: MS,
    },
  );
  // Tied embeddings: the LM head is the embedding table again, as its own initializer (as the
  // exporters write it), made from the table already in memory.
  if (spec.tieEmbeddings) {
    linear(normed, ['model.embed_tokens.weight'], 'lm_head/MatMul', { outputName: 'logits', data: embedData });
  } else {
    linear(normed, ['lm_head.weight'], 'lm_head/MatMul', { outputName: 'logits' });
  }
  return { inputs, outputs };
}
