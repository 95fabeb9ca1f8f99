#!/usr/bin/env node
// Generates the offline test fixtures: a tiny MLC-format model folder that
// web-llm can be pointed at through a custom app config, a tiny ONNX model
// folder that transformers.js loads as a local model, plus a couple of
// "model library" files that are deliberately not usable.
//
//   node scripts/make-fixtures.mjs [--out <dir>]
//   node scripts/make-fixtures.mjs --out <dir> --large     the real-size onnx-large only (below)
//   node scripts/make-fixtures.mjs --twin <name> [...]   a real-size twin instead (see scripts/twins/)
//
// Default output: tests/fixtures/generated (git-ignored). Output is fully
// deterministic and the script is idempotent (every file is overwritten).
//
// Layout written (relative to the output dir):
//   mlc-tiny/resolve/main/mlc-chat-config.json
//   mlc-tiny/resolve/main/tokenizer.json
//   mlc-tiny/resolve/main/tensor-cache.json
//   mlc-tiny/resolve/main/params_shard_0.bin
//   mlc-tiny/resolve/main/params_shard_1.bin
//   onnx-tiny/config.json
//   onnx-tiny/generation_config.json
//   onnx-tiny/tokenizer.json          (the same tokenizer as mlc-tiny)
//   onnx-tiny/tokenizer_config.json
//   onnx-tiny/onnx/model.onnx         (see scripts/onnx-tiny-model.mjs)
//   gguf-tiny/edge-tiny-{f32,q8_0,q4_0}.gguf  (see scripts/gguf/tiny-llama.mjs)
//   gguf-bad/{truncated,bad-magic,unknown-arch,unknown-quant}.gguf
//   onnx-tiny-perturbed/...           the same model with every weight scaled by 1 ± 2%
//                                     (a twin that computes slightly differently)
//   onnx-tiny-external/...            onnx-tiny with its weights in onnx/model.onnx_data
//   onnx-large/...                    with --large only: the same graph at real size (327 MB,
//                                     one fp32 file), for the download tests
//   libs/not-a-library.wasm   (HTML text, not WebAssembly)
//   libs/empty-module.wasm    (smallest valid wasm module, not a model library)
//
// web-llm normalises a ModelRecord.model of `<base>/fixtures/mlc-tiny` to
// `<base>/fixtures/mlc-tiny/resolve/main/`, hence the folder layout.
// transformers.js loads `onnx-tiny` with env.localModelPath = `<base>/fixtures/`
// (or the folder URL as the model id) and dtype fp32.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToUnicode } from './byte-level.mjs';
import { DIGEST_FILE, fixturesDigest, folderDigestPath } from './fixtures-digest.mjs';
import { writeTinyGgufFixtures } from './gguf/tiny-llama.mjs';
import { ONNX_TINY_MODEL, writeOnnxTinyModel } from './onnx-tiny-model.mjs';
import { runTwinCli } from './twins/cli.mjs';
import { mulberry32 } from './prng.mjs';

const SCRIPT_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(SCRIPT_DIR, '..');
const DEFAULT_OUT = join(REPO_ROOT, 'tests', 'fixtures', 'generated');

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  let out = DEFAULT_OUT;
  let large = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      const value = argv[++i];
      if (!value) throw new Error('--out needs a directory');
      out = resolve(value);
    } else if (arg.startsWith('--out=')) {
      out = resolve(arg.slice('--out='.length));
    } else if (arg === '--large') {
      large = true;
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(
        'usage: node scripts/make-fixtures.mjs [--out <dir>] [--large]\n' +
          '  --large  write only onnx-large, a real-size model (over 300 MB) for the download tests\n',
      );
      process.exit(0);
    } else {
      throw new Error(`unknown argument: ${arg}`);
    }
  }
  return { out, large };
}

/**
 * The real-size model the download tests use: the same graph as onnx-tiny, with layer sizes that
 * make a single fp32 ONNX file over 300 MB (larger than what Chromium stores in a private
 * window). It only has to load and answer; its weights are random.
 */
const LARGE_SHAPE = Object.freeze({
  ...ONNX_TINY_MODEL,
  hidden_size: 512,
  intermediate_size: 8192,
  num_hidden_layers: 6,
  num_attention_heads: 8,
  num_key_value_heads: 8,
  head_dim: 64,
});

// ---------------------------------------------------------------------------
// Model shape (a tiny llama, q4f32_1-style: 4-bit weights packed in uint32,
// float32 group scales, group size 32, float32 norms).

const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const MERGES = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['Ġt', 'he'],
  ['i', 'n'],
  ['e', 'r'],
];
const VOCAB_SIZE = SPECIAL_TOKENS.length + 256 + MERGES.length; // 264
const ENDOFTEXT_ID = 0;
const IM_START_ID = 1;
const IM_END_ID = 2;

const MODEL = {
  hidden_size: 64,
  intermediate_size: 128,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  num_hidden_layers: 4,
  rms_norm_eps: 1e-5,
  vocab_size: VOCAB_SIZE,
  tie_word_embeddings: true,
  position_embedding_base: 10000,
  rope_scaling: null,
  context_window_size: 512,
  prefill_chunk_size: 128,
  tensor_parallel_shards: 1,
  pipeline_parallel_stages: 1,
  max_batch_size: 1,
};

const GROUP_SIZE = 32;
/** The perturbed twin of onnx-tiny: every weight × (1 ± up to 2%), its own seed. */
const PERTURBATION = { seed: 0x9e77ab1e, scale: 0.02 };
const SHARD_LIMIT_BYTES = 64 * 1024; // start a new shard when this is exceeded

// ---------------------------------------------------------------------------
// Deterministic PRNG: see prng.mjs.

// ---------------------------------------------------------------------------
// Tensors

/** List of { name, shape, dtype, kind } in the order MLC would write them. */
function tensorList() {
  const { hidden_size: h, intermediate_size: inter, num_attention_heads: nh } = MODEL;
  const { num_key_value_heads: nkv, head_dim: hd, num_hidden_layers: layers } = MODEL;
  const list = [];
  const quantized = (name, out, inp) => {
    list.push({
      name: `${name}.q_weight`,
      shape: [out, inp / 8],
      dtype: 'uint32',
      kind: 'qweight',
      elements: out * inp,
    });
    list.push({
      name: `${name}.q_scale`,
      shape: [out, inp / GROUP_SIZE],
      dtype: 'float32',
      kind: 'scale',
      elements: 0,
    });
  };
  const norm = (name) => {
    list.push({
      name,
      shape: [h],
      dtype: 'float32',
      kind: 'norm',
      elements: h,
    });
  };
  quantized('model.embed_tokens', VOCAB_SIZE, h);
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    quantized(`${p}.self_attn.qkv_proj`, (nh + 2 * nkv) * hd, h);
    quantized(`${p}.self_attn.o_proj`, h, nh * hd);
    quantized(`${p}.mlp.gate_up_proj`, 2 * inter, h);
    quantized(`${p}.mlp.down_proj`, h, inter);
    norm(`${p}.input_layernorm.weight`);
    norm(`${p}.post_attention_layernorm.weight`);
  }
  norm('model.norm.weight');
  return list;
}

function tensorBytes(tensor, rand) {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const buf = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) {
    const off = i * 4;
    if (tensor.kind === 'qweight') {
      buf.writeUInt32LE(Math.floor(rand() * 4294967296) >>> 0, off);
    } else if (tensor.kind === 'scale') {
      buf.writeFloatLE(0.001 + rand() * 0.02, off);
    } else {
      buf.writeFloatLE(1 + (rand() - 0.5) * 0.02, off);
    }
  }
  return buf;
}

function buildTensorCache() {
  const rand = mulberry32(0x5eed1234);
  const shards = [];
  let current = null;
  let paramBytes = 0;
  let paramElements = 0;
  let paramCount = 0;
  for (const tensor of tensorList()) {
    const bytes = tensorBytes(tensor, rand);
    if (current === null || (current.size > 0 && current.size + bytes.length > SHARD_LIMIT_BYTES)) {
      current = {
        dataPath: `params_shard_${shards.length}.bin`,
        chunks: [],
        size: 0,
        records: [],
      };
      shards.push(current);
    }
    current.records.push({
      name: tensor.name,
      shape: tensor.shape,
      dtype: tensor.dtype,
      format: 'raw',
      nbytes: bytes.length,
      byteOffset: current.size,
    });
    current.chunks.push(bytes);
    current.size += bytes.length;
    paramBytes += bytes.length;
    paramElements += tensor.elements;
    paramCount += 1;
  }
  const files = [];
  const records = shards.map((shard) => {
    const data = Buffer.concat(shard.chunks);
    files.push({ name: shard.dataPath, data });
    return {
      dataPath: shard.dataPath,
      format: 'raw-shard',
      nbytes: data.length,
      records: shard.records,
      md5sum: createHash('md5').update(data).digest('hex'),
    };
  });
  const manifest = {
    metadata: {
      ParamSize: paramCount,
      ParamBytes: paramBytes,
      BitsPerParam: Number(((paramBytes * 8) / paramElements).toFixed(6)),
    },
    records,
  };
  return { manifest, files };
}

// ---------------------------------------------------------------------------
// Tokenizer (HuggingFace tokenizers JSON, byte-level BPE)

function buildTokenizer() {
  const vocab = {};
  let id = 0;
  for (const special of SPECIAL_TOKENS) vocab[special] = id++;
  const byteMap = bytesToUnicode();
  for (let b = 0; b < 256; b++) vocab[byteMap.get(b)] = id++;
  for (const [a, b] of MERGES) vocab[a + b] = id++;
  if (id !== VOCAB_SIZE) throw new Error(`vocab size mismatch: ${id} != ${VOCAB_SIZE}`);

  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, i) => ({
      id: i,
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
      merges: MERGES.map(([a, b]) => `${a} ${b}`),
    },
  };
}

// ---------------------------------------------------------------------------
// mlc-chat-config.json (shape mirrors mlc-llm's output, e.g. SmolLM2 chatml)

function buildChatConfig() {
  return {
    version: '0.1.0',
    model_type: 'llama',
    quantization: 'q4f32_1',
    model_config: { ...MODEL },
    vocab_size: VOCAB_SIZE,
    context_window_size: MODEL.context_window_size,
    sliding_window_size: -1,
    prefill_chunk_size: MODEL.prefill_chunk_size,
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
      role_templates: {
        user: '{user_message}',
        assistant: '{assistant_message}',
        tool: '{tool_message}',
      },
      messages: [],
      seps: ['<|im_end|>\n'],
      role_content_sep: '\n',
      role_empty_sep: '\n',
      stop_str: ['<|im_end|>'],
      stop_token_ids: [IM_END_ID, ENDOFTEXT_ID],
      function_string: '',
      use_function_calling: false,
    },
    pad_token_id: ENDOFTEXT_ID,
    bos_token_id: IM_START_ID,
    eos_token_id: IM_END_ID,
  };
}

// ---------------------------------------------------------------------------
// Libraries

const NOT_A_LIBRARY = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>404 Not Found</title></head>
<body>
<h1>Not Found</h1>
<p>The requested model library could not be found on this server.</p>
</body>
</html>
`;

// Magic "\\0asm" + version 1: the smallest valid WebAssembly module.
const EMPTY_MODULE = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

// ---------------------------------------------------------------------------

function writeLarge(out) {
  const dir = join(out, 'onnx-large');
  const model = writeOnnxTinyModel(dir, { tokenizer: buildTokenizer(), shape: LARGE_SHAPE });
  // Last, so an interrupted run leaves no digest and is redone.
  writeFileSync(folderDigestPath(out, 'onnx-large'), `${fixturesDigest()}\n`);
  process.stdout.write(
    `make-fixtures: wrote onnx-large to ${relative(process.cwd(), dir) || '.'}: llama ${model.layers} layers, ` +
      `${model.paramCount} params, onnx/model.onnx ${model.modelBytes} bytes\n`,
  );
}

function main() {
  const { out, large } = parseArgs(process.argv.slice(2));
  if (large) return writeLarge(out);
  const modelDir = join(out, 'mlc-tiny', 'resolve', 'main');
  const libsDir = join(out, 'libs');
  mkdirSync(modelDir, { recursive: true });
  mkdirSync(libsDir, { recursive: true });

  const written = [];
  const write = (path, data) => {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeFileSync(path, buf);
    written.push({ path, bytes: buf.length });
  };
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

  const { manifest, files } = buildTensorCache();
  write(join(modelDir, 'mlc-chat-config.json'), json(buildChatConfig()));
  write(join(modelDir, 'tokenizer.json'), json(buildTokenizer()));
  write(join(modelDir, 'tensor-cache.json'), json(manifest));
  for (const file of files) write(join(modelDir, file.name), file.data);
  write(join(libsDir, 'not-a-library.wasm'), NOT_A_LIBRARY);
  write(join(libsDir, 'empty-module.wasm'), EMPTY_MODULE);
  const onnxTiny = writeOnnxTinyModel(join(out, 'onnx-tiny'), { tokenizer: buildTokenizer(), write });
  const ggufTiny = writeTinyGgufFixtures(out, { tokenizer: buildTokenizer(), write });
  writeOnnxTinyModel(join(out, 'onnx-tiny-perturbed'), {
    tokenizer: buildTokenizer(),
    write,
    perturbation: PERTURBATION,
  });
  writeOnnxTinyModel(join(out, 'onnx-tiny-external'), { tokenizer: buildTokenizer(), write, externalData: true });

  // Last, so an interrupted run leaves no digest and is redone.
  writeFileSync(join(out, DIGEST_FILE), `${fixturesDigest()}\n`);
  const total = written.reduce((sum, f) => sum + f.bytes, 0);
  const shown = relative(process.cwd(), out) || '.';
  process.stdout.write(
    `make-fixtures: wrote ${written.length} files (${total} bytes) to ${shown}: ` +
      `mlc-tiny (config, tokenizer ${VOCAB_SIZE} tokens, ${manifest.metadata.ParamSize} tensors in ` +
      `${files.length} shards ${files.map((f) => f.data.length).join('+')} bytes), ` +
      `onnx-tiny (llama ${onnxTiny.layers} layers, ${onnxTiny.paramCount} params, ` +
      `onnx/model.onnx ${onnxTiny.modelBytes} bytes, ${onnxTiny.nodeCount} nodes), ` +
      `gguf-tiny (llama, F32 ${ggufTiny.sizes.F32} / Q8_0 ${ggufTiny.sizes.Q8_0} / Q4_0 ${ggufTiny.sizes.Q4_0} bytes), ` +
      `gguf-bad (truncated, bad magic, unknown architecture, unknown quantization), ` +
      `onnx-tiny-perturbed (weights × 1 ± ${PERTURBATION.scale}), ` +
      `onnx-tiny-external (onnx-tiny with its weights in onnx/model.onnx_data), ` +
      `libs/not-a-library.wasm, libs/empty-module.wasm\n`,
  );
}

try {
  if (process.argv.slice(2).some((arg) => arg === '--twin' || arg.startsWith('--twin='))) {
    process.exitCode = runTwinCli(process.argv.slice(2), DEFAULT_OUT);
  } else {
    main();
  }
} catch (err) {
  process.stderr.write(`make-fixtures: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
