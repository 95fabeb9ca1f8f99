/**
 * Tiny llama-architecture GGUF models for the tests (random weights from a fixed seed, the
 * project's GPT-2 byte-level tokenizer), and the broken files the error tests load.
 *
 * A random model can pick any token, and a lone byte >= 0x80 is invalid UTF-8: llama.cpp then
 * fails the reply (wllama throws `RangeError: Invalid typed array length`). So is an early
 * end-of-sequence a problem for tests that must stop a reply or time a fixed number of tokens.
 * Both are ruled out by construction: every token embedding carries a constant in hidden
 * dimension 0, no layer writes to that dimension, so after the final norm it is always large
 * and positive; the output rows of the forbidden tokens are zero except a large negative
 * weight there, which puts their logits tens of units below every other token's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../prng.mjs';
import { encodeGguf, gguf } from './writer.mjs';

export const TINY_SHAPE = {
  embedding: 64,
  feedForward: 128,
  layers: 4,
  heads: 4,
  kvHeads: 2,
  contextLength: 2048,
};
const SEED = 0x6c6c616d; // "llam"
/** Hidden dimension 0 of every embedding: large next to the random values (std 0.5). */
const ANCHOR = 3;
/** Weight on dimension 0 in the output row of a token that must never be picked. */
const FORBIDDEN_WEIGHT = -20;
/** Weight on dimension 1 (set only by the trap's trigger token) in the trap byte's output row. */
const TRAP_WEIGHT = 100;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * Tokens, token types and merges from a HuggingFace tokenizer.json (byte-level BPE).
 * Token type 1 is a normal token, 3 a control token.
 */
export function tokenizerMetadata(tokenizer) {
  const vocab = tokenizer.model.vocab;
  const tokens = Object.entries(vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([text]) => text);
  const special = new Set(tokenizer.added_tokens.filter((t) => t.special).map((t) => t.id));
  const id = (text) => vocab[text];
  return {
    tokens,
    special,
    metadata: {
      'tokenizer.ggml.model': 'gpt2',
      'tokenizer.ggml.pre': 'gpt-2',
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.token_type': gguf.array(
        'i32',
        tokens.map((_, i) => (special.has(i) ? 3 : 1)),
      ),
      'tokenizer.ggml.merges': tokenizer.model.merges,
      'tokenizer.ggml.bos_token_id': id('<|im_start|>'),
      'tokenizer.ggml.eos_token_id': id('<|im_end|>'),
      'tokenizer.ggml.padding_token_id': id('<|endoftext|>'),
      'tokenizer.ggml.add_bos_token': false,
      'tokenizer.chat_template': CHATML_TEMPLATE,
    },
  };
}

/** GPT-2's byte-to-character map, inverted: which byte a single-character token stands for. */
function byteOfToken() {
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    map.set(String.fromCodePoint(printable.includes(b) ? b : 256 + extra++), b);
  }
  return map;
}

/** Token ids a random model must never emit: lone bytes >= 0x80 and control tokens. */
export function forbiddenTokens(tokens, special) {
  const bytes = byteOfToken();
  return new Set(tokens.map((text, i) => i).filter((i) => special.has(i) || (bytes.get(tokens[i]) ?? 0) >= 0x80));
}

/**
 * The tiny model's tensors as fp32, stored as `type` (norms stay F32, as llama.cpp's own
 * quantizer keeps them).
 */
export function tinyLlamaTensors(vocabSize, forbidden, type, trap) {
  const { embedding: n, feedForward: ff, layers, heads, kvHeads } = TINY_SHAPE;
  const headDim = n / heads;
  const rand = mulberry32(SEED);
  const random = (count, scale) => Float32Array.from({ length: count }, () => (rand() * 2 - 1) * scale);
  const ones = (count) => new Float32Array(count).fill(1);
  /** A [rows x cols] matrix whose output rows (features) listed in `zeroRows` are zero. */
  const matrix = (cols, rows, scale, zeroRows = []) => {
    const data = random(cols * rows, scale);
    for (const row of zeroRows) data.fill(0, row * cols, (row + 1) * cols);
    return data;
  };
  const tensors = [];
  const add = (name, shape, data, stored = type) => tensors.push({ name, shape, type: stored, data });

  const embeddings = random(n * vocabSize, 0.87);
  for (let token = 0; token < vocabSize; token++) {
    embeddings[token * n] = ANCHOR;
    embeddings[token * n + 1] = trap && token === trap.trigger ? ANCHOR : 0;
  }
  add('token_embd.weight', [n, vocabSize], embeddings);
  const scale = (fanIn) => Math.sqrt(3 / fanIn);
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `blk.${layer}`;
    add(`${prefix}.attn_norm.weight`, [n], ones(n), 'F32');
    add(`${prefix}.attn_q.weight`, [n, heads * headDim], matrix(n, heads * headDim, scale(n)));
    add(`${prefix}.attn_k.weight`, [n, kvHeads * headDim], matrix(n, kvHeads * headDim, scale(n)));
    add(`${prefix}.attn_v.weight`, [n, kvHeads * headDim], matrix(n, kvHeads * headDim, scale(n)));
    // Rows 0 and 1 of each residual write are zero: hidden dimensions 0 and 1 keep what the
    // token embedding put there.
    add(`${prefix}.attn_output.weight`, [heads * headDim, n], matrix(heads * headDim, n, scale(n), [0, 1]));
    add(`${prefix}.ffn_norm.weight`, [n], ones(n), 'F32');
    add(`${prefix}.ffn_gate.weight`, [n, ff], matrix(n, ff, scale(n)));
    add(`${prefix}.ffn_up.weight`, [n, ff], matrix(n, ff, scale(n)));
    add(`${prefix}.ffn_down.weight`, [ff, n], matrix(ff, n, scale(ff), [0, 1]));
  }
  add('output_norm.weight', [n], ones(n), 'F32');
  const output = matrix(n, vocabSize, scale(n) * 2);
  for (let token = 0; token < vocabSize; token++) {
    output[token * n] = 0;
    output[token * n + 1] = 0;
    if (forbidden.has(token)) {
      output.fill(0, token * n, (token + 1) * n);
      output[token * n] = FORBIDDEN_WEIGHT;
    }
  }
  // The trap model emits the lone byte right after its trigger token, and only then.
  if (trap) output[trap.byteToken * n + 1] = TRAP_WEIGHT;
  add('output.weight', [n, vocabSize], output);
  return tensors;
}

/**
 * The token after which the UTF-8 trap model emits a lone 0xff byte: GPT-2's character for byte
 * 0x08, the tiny models' first greedy token after the app's default system prompt.
 */
export const UTF8_TRAP_TRIGGER = '\u0108';

const FILE_TYPES = { F32: 0, Q4_0: 2, Q8_0: 7 };

/** Metadata of the tiny llama, for tensors stored as `type`. */
export function tinyLlamaMetadata(tokenizerMeta, vocabSize, type, name) {
  const { embedding, feedForward, layers, heads, kvHeads, contextLength } = TINY_SHAPE;
  return {
    'general.architecture': 'llama',
    'general.name': name,
    'general.alignment': 32,
    'general.file_type': FILE_TYPES[type],
    'llama.context_length': contextLength,
    'llama.embedding_length': embedding,
    'llama.block_count': layers,
    'llama.feed_forward_length': feedForward,
    'llama.attention.head_count': heads,
    'llama.attention.head_count_kv': kvHeads,
    'llama.attention.layer_norm_rms_epsilon': gguf.f32(1e-5),
    'llama.rope.freq_base': gguf.f32(10000),
    'llama.rope.dimension_count': embedding / heads,
    'llama.vocab_size': vocabSize,
    ...tokenizerMeta.metadata,
  };
}

/** One tiny model as a GGUF description for the writer. */
export function tinyLlamaModel(tokenizer, type, { trapAfter, trapByte = 0xff } = {}) {
  const meta = tokenizerMetadata(tokenizer);
  const vocabSize = meta.tokens.length;
  const forbidden = forbiddenTokens(meta.tokens, meta.special);
  const byteMap = byteOfToken();
  const trap =
    trapAfter === undefined
      ? undefined
      : {
          trigger: meta.tokens.indexOf(trapAfter),
          byteToken: meta.tokens.findIndex((text) => byteMap.get(text) === trapByte),
        };
  return {
    metadata: tinyLlamaMetadata(meta, vocabSize, type, `edge-tiny-${type.toLowerCase()}`),
    tensors: tinyLlamaTensors(vocabSize, forbidden, type, trap),
    forbidden,
  };
}

/**
 * A model cut into `parts` files as llama.cpp's gguf-split writes them: the first carries all
 * metadata, every part its own tensors and the split keys llama.cpp reads to find the others.
 */
export function splitModel(model, parts) {
  const per = Math.ceil(model.tensors.length / parts);
  return Array.from({ length: parts }, (_, index) => ({
    ...model,
    metadata: {
      ...(index === 0 ? model.metadata : { 'general.alignment': model.metadata['general.alignment'] ?? 32 }),
      'split.no': gguf.u16(index),
      'split.count': gguf.u16(parts),
      'split.tensors.count': gguf.i32(model.tensors.length),
    },
    tensors: model.tensors.slice(index * per, (index + 1) * per),
  }));
}

/** Overwrites the first string metadata value `key` holds, byte for byte (same length). */
function replaceString(bytes, from, to) {
  if (from.length !== to.length) throw new Error('replacement must keep the length');
  const text = new TextEncoder();
  const needle = text.encode(from);
  outer: for (let i = 0; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    bytes.set(text.encode(to), i);
    return bytes;
  }
  throw new Error(`${from} not found`);
}

/**
 * Writes the tiny models (F32, Q8_0, Q4_0) to `dir/gguf-tiny/` and the broken ones the error
 * tests load to `dir/gguf-bad/`. `write(path, bytes)` records each file (see make-fixtures).
 */
export function writeTinyGgufFixtures(dir, { tokenizer, write }) {
  const good = join(dir, 'gguf-tiny');
  const bad = join(dir, 'gguf-bad');
  mkdirSync(good, { recursive: true });
  mkdirSync(bad, { recursive: true });
  const sizes = {};
  for (const type of ['F32', 'Q8_0', 'Q4_0']) {
    const bytes = encodeGguf(tinyLlamaModel(tokenizer, type));
    write(join(good, `edge-tiny-${type.toLowerCase()}.gguf`), bytes);
    sizes[type] = bytes.length;
  }
  // The Q8_0 model as a split model in two parts, as llama.cpp's gguf-split names them.
  splitModel(tinyLlamaModel(tokenizer, 'Q8_0'), 2).forEach((part, index) =>
    write(join(good, `edge-tiny-q8_0-split-0000${index + 1}-of-00002.gguf`), encodeGguf(part)),
  );
  const q8 = encodeGguf(tinyLlamaModel(tokenizer, 'Q8_0'));
  // Cut inside the tensor data: the header reads, the weights end early.
  write(join(bad, 'truncated.gguf'), q8.slice(0, Math.floor(q8.length * 0.6)));
  const magic = q8.slice();
  magic.set(new TextEncoder().encode('GGUX'), 0);
  write(join(bad, 'bad-magic.gguf'), magic);
  // An architecture no llama.cpp knows, same length as "llama" so every offset stays valid.
  write(join(bad, 'unknown-arch.gguf'), replaceString(q8.slice(), 'llama', 'zorba'));
  write(join(bad, 'unknown-quant.gguf'), unknownQuantFile(tokenizer));
  // Replies as edge-tiny-q8_0 does until it emits UTF8_TRAP_TRIGGER, then the lone byte 0xff.
  write(join(bad, 'utf8-trap.gguf'), encodeGguf(tinyLlamaModel(tokenizer, 'Q8_0', { trapAfter: UTF8_TRAP_TRIGGER })));
  return { sizes };
}

/** A valid file except that one tensor claims ggml type 200, which no llama.cpp has. */
function unknownQuantFile(tokenizer) {
  const model = tinyLlamaModel(tokenizer, 'Q8_0');
  const bytes = encodeGguf(model);
  // The tensor table follows the metadata; the first tensor's type is after its name and dims.
  const name = new TextEncoder().encode('token_embd.weight');
  const at = findBytes(bytes, name);
  const typeAt = at + name.length + 4 + 8 * 2;
  new DataView(bytes.buffer).setUint32(typeAt, 200, true);
  return bytes;
}

function findBytes(bytes, needle) {
  outer: for (let i = 0; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
