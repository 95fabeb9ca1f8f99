/**
 * Synthetic MLC weight shards (issue 12, "measure without downloading", web-llm): the bytes of a
 * shard that the tensor-cache manifest describes, filled with random values of each weight's
 * dtype. Random bits are not random weights: float bits can be NaN or huge, and NaN arithmetic
 * would make the figures meaningless, so floats are small and finite; the packed 4-bit weights
 * (uint32) take random bits, every one of which is a valid nibble. Speed only, no quality.
 * Pure: a shard description in, bytes out.
 */
import type { MlcDtype, MlcShard } from './mlc-metadata.js';
import { smallHalf, xorshift } from './synthetic-random.js';

/**
 * `bytes` bytes of random values of one dtype: float32 in ±0.03, float16 small and finite,
 * uint32 random bits, int32 in [0, 16). `bytes` must be a multiple of the dtype's size.
 */
export function syntheticValues(dtype: MlcDtype, bytes: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  const next = xorshift(seed);
  if (dtype === 'float16') {
    for (let i = 0; i + 2 <= bytes; i += 2) view.setUint16(i, smallHalf(next()), true);
    return out;
  }
  for (let i = 0; i + 4 <= bytes; i += 4) {
    if (dtype === 'float32') view.setFloat32(i, ((next() / 2 ** 32) * 2 - 1) * 0.03, true);
    else if (dtype === 'int32') view.setInt32(i, next() & 15, true);
    else view.setUint32(i, next(), true);
  }
  return out;
}

/** Bytes per repeated chunk: 1 MB of random values per dtype, reused across weights. */
const CHUNK_BYTES = 1 << 20;

/**
 * One shard's bytes: every record at its byte offset, filled with its dtype's random values (one
 * chunk per dtype, repeated, so a 300 MB model costs a few MB of random numbers to make).
 */
export function syntheticShard(shard: MlcShard, chunks = new Map<MlcDtype, Uint8Array>()): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(shard.nbytes);
  for (const record of shard.records) {
    let chunk = chunks.get(record.dtype);
    if (!chunk) {
      chunk = syntheticValues(record.dtype, CHUNK_BYTES, chunks.size + 1);
      chunks.set(record.dtype, chunk);
    }
    for (let done = 0; done < record.nbytes; done += chunk.length) {
      out.set(chunk.subarray(0, Math.min(chunk.length, record.nbytes - done)), record.byteOffset + done);
    }
  }
  return out;
}
