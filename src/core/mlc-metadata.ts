/**
 * What an MLC model library (web-llm's compiled .wasm) says about its weights, read from its bytes
 * alone (issue 12, "measure without downloading"): the library carries its model's metadata as a
 * plain JSON string in its data section, starting at `{"model_type"` (the same JSON web-llm reads
 * through the library's `_metadata` function), and `params` lists every weight's name, shape and
 * dtype in the order the library loads them. From that list the tensor-cache manifest web-llm
 * reads is built, so weights of the real shapes can be made without the real ones.
 * Pure: bytes in, objects out.
 */

/** One weight as the library declares it. */
export interface MlcParam {
  name: string;
  shape: number[];
  dtype: MlcDtype;
}

/** The dtypes MLC libraries declare for weights, and their bytes per element. */
export const MLC_DTYPE_BYTES = { float32: 4, float16: 2, uint32: 4, int32: 4 } as const;
export type MlcDtype = keyof typeof MLC_DTYPE_BYTES;

/** The parts of the metadata the preview uses; the rest is kept as read. */
export interface MlcLibraryMetadata {
  model_type: string;
  quantization?: string;
  context_window_size?: number;
  prefill_chunk_size?: number;
  params: MlcParam[];
  [key: string]: unknown;
}

/** One weight's place in a shard (web-llm's tensor-cache record). */
export interface MlcTensorRecord {
  name: string;
  shape: number[];
  dtype: MlcDtype;
  format: 'raw';
  nbytes: number;
  byteOffset: number;
}

/** One shard file and the weights in it. */
export interface MlcShard {
  dataPath: string;
  format: 'raw-shard';
  nbytes: number;
  records: MlcTensorRecord[];
}

/** `tensor-cache.json` (web-llm 0.2.80 and later; `ndarray-cache.json` before): the shards, in load order. */
export interface MlcTensorCacheManifest {
  metadata: { ParamSize: number; ParamBytes: number };
  records: MlcShard[];
}

/** Raised when a library holds no metadata, or metadata that cannot describe weights. */
export class MlcMetadataError extends Error {
  override name = 'MlcMetadataError';
}

/** mlc-llm starts a new shard past 32 MB; a larger weight gets a shard of its own. */
export const MLC_SHARD_CAP_BYTES = 32 * 1024 * 1024;

const METADATA_START = new TextEncoder().encode('{"model_type"');

function indexOf(bytes: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  for (
    let at = bytes.indexOf(first);
    at >= 0 && at + needle.length <= bytes.length;
    at = bytes.indexOf(first, at + 1)
  ) {
    let i = 1;
    while (i < needle.length && bytes[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

/**
 * The library's embedded metadata, found by scanning its bytes for `{"model_type"` and reading the
 * JSON object to its closing brace (strings and escapes respected). Throws {@link MlcMetadataError}
 * naming what is wrong.
 */
export function readMlcLibraryMetadata(library: Uint8Array): MlcLibraryMetadata {
  const start = indexOf(library, METADATA_START);
  if (start < 0) throw new MlcMetadataError('The model library holds no MLC model metadata (no {"model_type" in it).');
  let depth = 0;
  let inString = false;
  for (let i = start; i < library.length; i++) {
    const byte = library[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(library.subarray(start, i + 1)));
      } catch (error) {
        throw new MlcMetadataError(`The model library's metadata is not valid JSON: ${(error as Error).message}`);
      }
      return validateMetadata(parsed);
    }
  }
  throw new MlcMetadataError("The model library's metadata never ends.");
}

/** Checks the metadata's `params` (and model_type), naming the first field that is wrong. */
export function validateMetadata(value: unknown): MlcLibraryMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MlcMetadataError('metadata: expected an object.');
  }
  const metadata = value as Record<string, unknown>;
  if (typeof metadata.model_type !== 'string') throw new MlcMetadataError('metadata.model_type: expected a string.');
  const params = metadata.params;
  if (!Array.isArray(params) || params.length === 0) {
    throw new MlcMetadataError('metadata.params: expected a non-empty list of weights.');
  }
  params.forEach((param: unknown, index) => {
    const path = `metadata.params[${index}]`;
    const p = param as Partial<Record<keyof MlcParam, unknown>> | null;
    if (typeof p !== 'object' || p === null) throw new MlcMetadataError(`${path}: expected an object.`);
    if (typeof p.name !== 'string' || p.name === '') throw new MlcMetadataError(`${path}.name: expected a name.`);
    if (!Array.isArray(p.shape) || !p.shape.every((n) => Number.isInteger(n) && (n as number) > 0)) {
      throw new MlcMetadataError(`${path}.shape (${p.name}): expected a list of positive integers.`);
    }
    if (typeof p.dtype !== 'string' || !(p.dtype in MLC_DTYPE_BYTES)) {
      throw new MlcMetadataError(
        `${path}.dtype (${p.name}): ${JSON.stringify(p.dtype)} is not one of ${Object.keys(MLC_DTYPE_BYTES).join(', ')}.`,
      );
    }
  });
  return metadata as MlcLibraryMetadata;
}

/** Bytes of one weight. */
export function mlcParamBytes(param: MlcParam): number {
  return param.shape.reduce((product, n) => product * n, MLC_DTYPE_BYTES[param.dtype]);
}

/**
 * The tensor-cache manifest for `params` in load order: raw shards named `params_shard_<n>.bin`,
 * each closed before it would pass `shardCap` bytes (a larger weight gets a shard of its own).
 */
export function tensorCacheManifest(
  params: readonly MlcParam[],
  shardCap = MLC_SHARD_CAP_BYTES,
): MlcTensorCacheManifest {
  const shards: MlcShard[] = [];
  let shard: MlcShard | undefined;
  let total = 0;
  for (const param of params) {
    const nbytes = mlcParamBytes(param);
    if (shard && shard.nbytes + nbytes > shardCap) shard = undefined;
    if (!shard) {
      shard = { dataPath: `params_shard_${shards.length}.bin`, format: 'raw-shard', nbytes: 0, records: [] };
      shards.push(shard);
    }
    shard.records.push({
      name: param.name,
      shape: [...param.shape],
      dtype: param.dtype,
      format: 'raw',
      nbytes,
      byteOffset: shard.nbytes,
    });
    shard.nbytes += nbytes;
    total += nbytes;
  }
  return { metadata: { ParamSize: params.length, ParamBytes: total }, records: shards };
}
