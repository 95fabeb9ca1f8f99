// Writes a twin as a web-llm model folder (MLC format): the weights a model library loads, by name,
// quantized q4f32_1 from the twin's float32 source, in raw shards described by tensor-cache.json
// (web-llm 0.2.80 and later) and ndarray-cache.json (the same manifest under the name web-llm up to
// 0.2.79 reads), plus mlc-chat-config.json, tokenizer.json and a README.
//
// Layout (web-llm appends resolve/main/ to a model URL): <dir>/resolve/main/...

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hfSourcesOf, paramBytes } from './mlc-params.mjs';
import { quantizeMlcQ4 } from './quantize.mjs';
import { TWIN_NOTE } from './spec.mjs';
import { tokenizerJson } from './tokenizer.mjs';
import { vocabLayout } from './vocab.mjs';

/** mlc-llm starts a new shard past 32 MB; a larger tensor gets a shard of its own. */
const SHARD_CAP_BYTES = 32 * 1024 * 1024;

const asBytes = (array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** The HF tensors of an MLC weight, stacked by rows into one [rows, cols] matrix. */
function stackedSource(source, names) {
  if (names.length === 1) {
    const { shape } = source.tensors.find((t) => t.name === names[0]);
    return { data: source.read(names[0]), rows: shape[0], cols: shape[1] ?? 1 };
  }
  const parts = names.map((name) => ({
    data: source.read(name),
    shape: source.tensors.find((t) => t.name === name).shape,
  }));
  const cols = parts[0].shape[1] ?? 1;
  const rows = parts.reduce((sum, part) => sum + part.shape[0], 0);
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { data, rows, cols };
}

function sameShape(a, b) {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Values of every param, in order, computed one HF group at a time (a q_weight and its q_scale share one). */
function* paramValues(spec, source, params) {
  let cached;
  for (const param of params) {
    const { sources, quantized } = hfSourcesOf(spec, param.name);
    const key = sources.join('+');
    if (!quantized) {
      const { data, rows } = stackedSource(source, sources);
      if (!sameShape(param.shape, [rows])) {
        throw new Error(`${param.name}: the library wants [${param.shape}], the twin has [${rows}]`);
      }
      yield { param, bytes: asBytes(data) };
      continue;
    }
    if (cached?.key !== key) {
      const { data, rows, cols } = stackedSource(source, sources);
      cached = { key, rows, cols, ...quantizeMlcQ4(data, rows, cols) };
    }
    const isWeight = param.name.endsWith('.q_weight');
    const expected = isWeight ? [cached.rows, cached.cols / 8] : [cached.rows, cached.cols / 32];
    const dtype = isWeight ? 'uint32' : 'float32';
    if (!sameShape(param.shape, expected) || param.dtype !== dtype) {
      throw new Error(
        `${param.name}: the library wants ${param.dtype}[${param.shape}], q4f32_1 gives ${dtype}[${expected}]`,
      );
    }
    yield { param, bytes: asBytes(isWeight ? cached.qWeight : cached.qScale) };
  }
}

/** Writes the shards; returns the manifest (tensor-cache.json's content). */
function writeShards(dir, spec, source, params) {
  const shards = [];
  let shard;
  const finish = () => {
    if (!shard) return;
    closeSync(shard.fd);
    shards.push({
      dataPath: shard.dataPath,
      format: 'raw-shard',
      nbytes: shard.size,
      records: shard.records,
      md5sum: shard.md5.digest('hex'),
    });
    shard = undefined;
  };
  let total = 0;
  for (const { param, bytes } of paramValues(spec, source, params)) {
    if (bytes.byteLength !== paramBytes(param))
      throw new Error(`${param.name}: ${bytes.byteLength} bytes, expected ${paramBytes(param)}`);
    if (shard && shard.size + bytes.byteLength > SHARD_CAP_BYTES) finish();
    if (!shard) {
      const dataPath = `params_shard_${shards.length}.bin`;
      shard = { dataPath, fd: openSync(join(dir, dataPath), 'w'), size: 0, records: [], md5: createHash('md5') };
    }
    writeSync(shard.fd, bytes);
    shard.md5.update(bytes);
    shard.records.push({
      name: param.name,
      shape: param.shape,
      dtype: param.dtype,
      format: 'raw',
      nbytes: bytes.byteLength,
      byteOffset: shard.size,
    });
    shard.size += bytes.byteLength;
    total += bytes.byteLength;
  }
  finish();
  return {
    metadata: {
      ParamSize: params.length,
      ParamBytes: total,
      BitsPerParam: Number(
        ((total * 8) / source.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0)).toFixed(4),
      ),
    },
    records: shards,
  };
}

function chatConfig(spec, metadata, twin) {
  const byId = new Map(spec.specialTokens.map((token) => [token.content, token.id]));
  const contextWindowSize = metadata?.context_window_size ?? spec.mlc.contextWindowSize;
  const prefillChunkSize = metadata?.prefill_chunk_size ?? spec.mlc.prefillChunkSize;
  return {
    version: '0.1.0',
    model_type: spec.architecture,
    quantization: 'q4f32_1',
    model_config: {
      hidden_act: 'silu',
      hidden_size: spec.hiddenSize,
      intermediate_size: spec.intermediateSize,
      num_attention_heads: spec.heads,
      num_hidden_layers: spec.layers,
      num_key_value_heads: spec.kvHeads,
      head_dim: spec.headDim,
      rms_norm_eps: spec.rmsNormEps,
      rope_theta: spec.ropeTheta,
      position_embedding_base: spec.ropeTheta,
      vocab_size: spec.vocabSize,
      tie_word_embeddings: spec.tieEmbeddings,
      context_window_size: contextWindowSize,
      prefill_chunk_size: prefillChunkSize,
      tensor_parallel_shards: 1,
      max_batch_size: 1,
    },
    vocab_size: spec.vocabSize,
    context_window_size: contextWindowSize,
    sliding_window_size: -1,
    prefill_chunk_size: prefillChunkSize,
    attention_sink_size: -1,
    tensor_parallel_shards: 1,
    pipeline_parallel_stages: 1,
    temperature: 0.7,
    presence_penalty: 0.0,
    frequency_penalty: 0.0,
    repetition_penalty: 1.0,
    top_p: 0.95,
    tokenizer_files: ['tokenizer.json'],
    tokenizer_info: {
      token_postproc_method: 'byte_level',
      prepend_space_in_encode: false,
      strip_space_in_decode: false,
    },
    conv_template: {
      name: 'chatml',
      system_template: '<|im_start|>system\n{system_message}<|im_end|>\n',
      system_message: 'You are a helpful assistant.',
      system_prefix_token_ids: null,
      add_role_after_system_message: true,
      roles: { user: '<|im_start|>user', assistant: '<|im_start|>assistant' },
      role_templates: { user: '{user_message}', assistant: '{assistant_message}', tool: '{tool_message}' },
      messages: [],
      seps: ['<|im_end|>\n'],
      role_content_sep: '\n',
      role_empty_sep: '\n',
      stop_str: ['<|im_end|>'],
      stop_token_ids: [byId.get('<|im_end|>'), byId.get('<|endoftext|>')],
      function_string: '',
      use_function_calling: false,
    },
    pad_token_id: spec.padTokenId,
    bos_token_id: spec.bosTokenId,
    eos_token_id: spec.eosTokenId,
    edge_llm_twin: twin,
  };
}

/**
 * Writes the web-llm folder of a twin.
 * @param {string} dir the model folder (files go to <dir>/resolve/main/)
 * @param {ReturnType<typeof import('./weights.mjs').createWeightSource>} source
 * @param {{ params: { name: string, shape: number[], dtype: string }[], metadata?: object, paramsFrom: string }} options
 */
export function writeMlcTwin(dir, source, { params, metadata, paramsFrom }) {
  const { spec } = source;
  const folder = join(dir, 'resolve', 'main');
  mkdirSync(folder, { recursive: true });
  const manifest = writeShards(folder, spec, source, params);
  const twin = { twin_of: spec.twinOf, note: TWIN_NOTE, seed: source.seed, params_from: paramsFrom };
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(join(folder, 'tensor-cache.json'), json(manifest));
  writeFileSync(join(folder, 'ndarray-cache.json'), json(manifest));
  writeFileSync(join(folder, 'mlc-chat-config.json'), json(chatConfig(spec, metadata, twin)));
  writeFileSync(join(folder, 'tokenizer.json'), json(tokenizerJson(vocabLayout(spec))));
  writeFileSync(
    join(folder, 'README.md'),
    `# ${spec.name} twin (MLC q4f32_1, web-llm)\n\n**${TWIN_NOTE}.** Random weights (seed ${source.seed}) with the ` +
      `shapes of ${spec.twinOf}; never a substitute for the real model.\n\nParams: ${paramsFrom}.\n`,
  );
  return { folder, manifest };
}
