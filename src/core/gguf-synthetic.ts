/**
 * Synthetic weights for a GGUF file (issue 12, "measure without downloading"): the real header
 * (metadata, tokenizer, tensor table) followed by random tensor data of the same types and sizes,
 * so llama.cpp loads a model that costs what the real one costs (speed only, no quality).
 *
 * Random bytes are not random weights: a block's half-float scale made of random bits can be NaN
 * or 65504, and NaN arithmetic would make the figures meaningless. So each block type is filled
 * with random quantized values and a small finite scale at the offsets ggml's block layouts give.
 * Pure: bytes in, byte parts out; the worker fetches the header and builds the Blob.
 */
import { GGML_TYPES, tensorBytes, type GgufHeader } from './gguf.js';
import { smallHalf, xorshift } from './synthetic-random.js';

/** Where the half-float scales of one block sit (ggml-common.h's block_* structs). */
const HALF_SCALES: Readonly<Record<string, readonly number[]>> = {
  F16: [],
  Q4_0: [0],
  Q4_1: [0, 2],
  Q5_0: [0],
  Q5_1: [0, 2],
  Q8_0: [0],
  Q2_K: [80, 82],
  Q3_K: [108],
  Q4_K: [0, 2],
  Q5_K: [0, 2],
  Q6_K: [208],
};

/** The block types synthetic weights can be made for. */
export const SYNTHETIC_TYPES: readonly string[] = ['F32', 'BF16', ...Object.keys(HALF_SCALES)];

/** Raised when a file holds a tensor type synthetic weights cannot be made for. */
export class SyntheticWeightsError extends Error {
  override name = 'SyntheticWeightsError';
}

/**
 * `blocks` blocks of random, finite data of one ggml type, e.g. "Q4_K". F32 values lie in
 * ±0.03; F16/BF16 values and every block scale are small and finite.
 */
export function syntheticBlocks(typeName: string, blocks: number, seed = 1): Uint8Array {
  const format = Object.values(GGML_TYPES).find((type) => type.name === typeName);
  if (!format?.bytes || !SYNTHETIC_TYPES.includes(typeName)) {
    throw new SyntheticWeightsError(`Synthetic weights cannot be made for ${typeName} tensors yet.`);
  }
  const bytes = new Uint8Array(blocks * format.bytes);
  const next = xorshift(seed);
  const view = new DataView(bytes.buffer);
  if (typeName === 'F32') {
    for (let i = 0; i < bytes.length; i += 4) view.setFloat32(i, ((next() / 2 ** 32) * 2 - 1) * 0.03, true);
    return bytes;
  }
  if (typeName === 'F16' || typeName === 'BF16') {
    for (let i = 0; i < bytes.length; i += 2) {
      const bits = next();
      // BF16: the top half of a float32 of the same small magnitude (exponent 2^-7).
      view.setUint16(i, typeName === 'F16' ? smallHalf(bits) : (bits & 0x807f) | (0x78 << 7), true);
    }
    return bytes;
  }
  for (let i = 0; i + 4 <= bytes.length; i += 4) view.setUint32(i, next(), true);
  for (let i = bytes.length & ~3; i < bytes.length; i++) bytes[i] = next() & 0xff;
  const scales = HALF_SCALES[typeName]!;
  for (let block = 0; block < blocks; block++) {
    for (const at of scales) view.setUint16(block * format.bytes + at, smallHalf(next()), true);
  }
  return bytes;
}

/** Blocks per repeated chunk: a few MB of random data, reused across tensors of one type. */
const CHUNK_BLOCKS = 8192;

/**
 * The parts of a file of `fileSize` bytes whose first bytes are `headerBytes` (at least up to the
 * header's data offset): the header, then each tensor's data, each a slice of one random chunk per
 * type (so a 500 MB model costs a few MB of random data, not 500 MB, until llama.cpp copies it),
 * and zero padding where the table leaves gaps. Throws {@link SyntheticWeightsError}.
 */
export function syntheticGgufParts(header: GgufHeader, headerBytes: Uint8Array, fileSize: number): Uint8Array[] {
  if (headerBytes.length < header.dataOffset) {
    throw new SyntheticWeightsError('The header was not read to its end.');
  }
  const parts: Uint8Array[] = [headerBytes.subarray(0, header.dataOffset)];
  const chunks = new Map<string, Uint8Array>();
  const ordered = [...header.tensors].sort((a, b) => a.offset - b.offset);
  let at = 0;
  const pad = (bytes: number) => {
    if (bytes > 0) parts.push(new Uint8Array(bytes));
  };
  for (const tensor of ordered) {
    const format = GGML_TYPES[tensor.type];
    const size = tensorBytes(tensor);
    if (!format || size === undefined) {
      throw new SyntheticWeightsError(`Synthetic weights cannot be made for the tensor ${tensor.name}'s type.`);
    }
    if (tensor.offset < at) throw new SyntheticWeightsError(`The tensor ${tensor.name} overlaps the one before it.`);
    pad(tensor.offset - at);
    let chunk = chunks.get(format.name);
    if (!chunk) {
      chunk = syntheticBlocks(format.name, CHUNK_BLOCKS, chunks.size + 1);
      chunks.set(format.name, chunk);
    }
    for (let left = size; left > 0; left -= chunk.length) parts.push(chunk.subarray(0, Math.min(left, chunk.length)));
    at = tensor.offset + size;
  }
  const end = header.dataOffset + at;
  if (end > fileSize) throw new SyntheticWeightsError('The tensor table runs past the end of the file.');
  pad(fileSize - end);
  return parts;
}
