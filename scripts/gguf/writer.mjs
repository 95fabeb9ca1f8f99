/**
 * A GGUF v3 writer (the file format of llama.cpp), with no ML tooling: any named fp32 tensors
 * plus metadata in, one `.gguf` file out, each tensor stored as F32, Q8_0 or Q4_0.
 *
 *   writeGguf(path, {
 *     metadata: { 'general.architecture': 'llama', 'llama.rope.freq_base': gguf.f32(10000), ... },
 *     tensors: [{ name: 'token_embd.weight', shape: [64, 264], type: 'Q8_0', data: Float32Array }],
 *   });
 *
 * `shape` is in GGUF order: the first dimension is the row length (ggml's ne[0]), so a matrix
 * mapping n_in to n_out features is [n_in, n_out]. `data` is row-major in that order (rows of
 * shape[0] values) and may be a function returning it, so a large model never holds every
 * tensor at once. Files are written tensor by tensor.
 *
 * Metadata values: a string, a boolean, an integer (stored as uint32, or int32 when negative),
 * a non-integer (float32), an array of strings, or a typed value from {@link gguf} for any other
 * type (llama.cpp checks the stored type of every key it reads).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ENCODERS } from './quantize.mjs';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const VERSION = 3;
export const DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types. */
export const VALUE_TYPES = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

/** ggml tensor types the writer stores, with their block sizes and bytes per block. */
export const TENSOR_TYPES = {
  F32: { id: 0, block: 1, bytes: 4 },
  Q4_0: { id: 2, block: 32, bytes: 18 },
  Q8_0: { id: 8, block: 32, bytes: 34 },
};

/** Typed metadata values, for types a plain JavaScript value cannot say. */
export const gguf = Object.fromEntries(
  Object.keys(VALUE_TYPES)
    .filter((type) => type !== 'array')
    .map((type) => [type, (value) => ({ ggufType: type, value })]),
);
/** An array of one element type: `gguf.array('i32', [1, 2, 3])`. */
gguf.array = (elementType, values) => ({ ggufType: 'array', elementType, value: values });

/** A growable little-endian byte buffer. */
class ByteWriter {
  constructor() {
    this.bytes = new Uint8Array(1024);
    this.view = new DataView(this.bytes.buffer);
    this.length = 0;
  }
  reserve(n) {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  scalar(type, value) {
    const sizes = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8 };
    const size = sizes[type];
    this.reserve(size);
    const at = this.length;
    const v = this.view;
    switch (type) {
      case 'u8':
        v.setUint8(at, value);
        break;
      case 'i8':
        v.setInt8(at, value);
        break;
      case 'bool':
        v.setUint8(at, value ? 1 : 0);
        break;
      case 'u16':
        v.setUint16(at, value, true);
        break;
      case 'i16':
        v.setInt16(at, value, true);
        break;
      case 'u32':
        v.setUint32(at, value, true);
        break;
      case 'i32':
        v.setInt32(at, value, true);
        break;
      case 'f32':
        v.setFloat32(at, value, true);
        break;
      case 'u64':
        v.setBigUint64(at, BigInt(value), true);
        break;
      case 'i64':
        v.setBigInt64(at, BigInt(value), true);
        break;
      case 'f64':
        v.setFloat64(at, value, true);
        break;
      default:
        throw new Error(`unknown GGUF scalar type ${type}`);
    }
    this.length += size;
  }
  string(text) {
    const encoded = new TextEncoder().encode(text);
    this.scalar('u64', encoded.length);
    this.raw(encoded);
  }
  raw(bytes) {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }
  pad(alignment) {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.raw(new Uint8Array(padding));
  }
  result() {
    return this.bytes.slice(0, this.length);
  }
}

/** A plain or typed metadata value as { type, value, elementType? }. */
function typedValue(key, value) {
  if (value && typeof value === 'object' && 'ggufType' in value) return value;
  if (typeof value === 'string') return { ggufType: 'string', value };
  if (typeof value === 'boolean') return { ggufType: 'bool', value };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return { ggufType: value < 0 ? 'i32' : 'u32', value };
    return { ggufType: 'f32', value };
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return { ggufType: 'array', elementType: 'string', value };
  }
  throw new Error(`metadata ${key}: give a typed value (gguf.*) for ${JSON.stringify(value)?.slice(0, 40)}`);
}

function writeValue(out, type, value) {
  if (type === 'string') out.string(value);
  else out.scalar(type, value);
}

/** Bytes a tensor takes in the file (before padding). */
export function tensorByteSize(shape, type) {
  const format = TENSOR_TYPES[type];
  if (!format) throw new Error(`unsupported tensor type ${type}; the writer stores ${Object.keys(TENSOR_TYPES)}`);
  const elements = shape.reduce((n, d) => n * d, 1);
  if (shape[0] % format.block !== 0) {
    throw new Error(`${type} rows must hold a multiple of ${format.block} values; shape ${shape}`);
  }
  return (elements / format.block) * format.bytes;
}

/**
 * The file's header: magic, version, counts, metadata, tensor table, padding up to the data.
 * Also returns each tensor's offset within the data section.
 */
export function encodeHeader({ metadata, tensors, alignment = DEFAULT_ALIGNMENT }) {
  const out = new ByteWriter();
  out.scalar('u32', MAGIC);
  out.scalar('u32', VERSION);
  out.scalar('u64', tensors.length);
  const entries = Object.entries(metadata);
  const hasAlignment = 'general.alignment' in metadata;
  out.scalar('u64', entries.length + (hasAlignment || alignment === DEFAULT_ALIGNMENT ? 0 : 1));
  for (const [key, raw] of entries) {
    const { ggufType, value, elementType } = typedValue(key, raw);
    out.string(key);
    out.scalar('u32', VALUE_TYPES[ggufType]);
    if (ggufType === 'array') {
      out.scalar('u32', VALUE_TYPES[elementType]);
      out.scalar('u64', value.length);
      for (const item of value) writeValue(out, elementType, item);
    } else {
      writeValue(out, ggufType, value);
    }
  }
  if (!hasAlignment && alignment !== DEFAULT_ALIGNMENT) {
    out.string('general.alignment');
    out.scalar('u32', VALUE_TYPES.u32);
    out.scalar('u32', alignment);
  }
  const offsets = [];
  let offset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.scalar('u32', tensor.shape.length);
    for (const dim of tensor.shape) out.scalar('u64', dim);
    out.scalar('u32', TENSOR_TYPES[tensor.type].id);
    out.scalar('u64', offset);
    offsets.push(offset);
    const size = tensorByteSize(tensor.shape, tensor.type);
    offset += size + ((alignment - (size % alignment)) % alignment);
  }
  out.pad(alignment);
  return { header: out.result(), offsets, dataBytes: offset };
}

function tensorData(tensor) {
  const data = typeof tensor.data === 'function' ? tensor.data() : tensor.data;
  const elements = tensor.shape.reduce((n, d) => n * d, 1);
  if (data.length !== elements) {
    throw new Error(`tensor ${tensor.name}: shape ${tensor.shape} holds ${elements} values, data has ${data.length}`);
  }
  return ENCODERS[tensor.type](data);
}

/** Writes the file tensor by tensor; returns its size in bytes. */
export function writeGguf(path, model) {
  const alignment = model.alignment ?? DEFAULT_ALIGNMENT;
  const { header } = encodeHeader(model);
  const fd = openSync(path, 'w');
  try {
    let written = writeSync(fd, header);
    for (const tensor of model.tensors) {
      const bytes = tensorData(tensor);
      written += writeSync(fd, bytes);
      const padding = (alignment - (bytes.length % alignment)) % alignment;
      if (padding) written += writeSync(fd, new Uint8Array(padding));
    }
    return written;
  } finally {
    closeSync(fd);
  }
}

/** The whole file in memory (small models and tests). */
export function encodeGguf(model) {
  const alignment = model.alignment ?? DEFAULT_ALIGNMENT;
  const { header, dataBytes } = encodeHeader(model);
  const out = new Uint8Array(header.length + dataBytes);
  out.set(header, 0);
  let at = header.length;
  for (const tensor of model.tensors) {
    const bytes = tensorData(tensor);
    out.set(bytes, at);
    at += bytes.length + ((alignment - (bytes.length % alignment)) % alignment);
  }
  return out;
}
