/**
 * Reading a GGUF file's header (llama.cpp's model format, v2 and v3): metadata, tensor table,
 * and whether the file holds every byte its tensor table promises. Pure: works on bytes.
 *
 * The engine reads it before llama.cpp does, to say precisely what is wrong with a file
 * (wrong magic, truncated, a tensor type no llama.cpp knows) and to size the KV cache.
 */

/** The ggml tensor types, by id: name, values per block, bytes per block (when fixed here). */
export const GGML_TYPES: Readonly<Record<number, { name: string; block: number; bytes: number | undefined }>> = {
  0: { name: 'F32', block: 1, bytes: 4 },
  1: { name: 'F16', block: 1, bytes: 2 },
  2: { name: 'Q4_0', block: 32, bytes: 18 },
  3: { name: 'Q4_1', block: 32, bytes: 20 },
  6: { name: 'Q5_0', block: 32, bytes: 22 },
  7: { name: 'Q5_1', block: 32, bytes: 24 },
  8: { name: 'Q8_0', block: 32, bytes: 34 },
  9: { name: 'Q8_1', block: 32, bytes: 36 },
  10: { name: 'Q2_K', block: 256, bytes: 84 },
  11: { name: 'Q3_K', block: 256, bytes: 110 },
  12: { name: 'Q4_K', block: 256, bytes: 144 },
  13: { name: 'Q5_K', block: 256, bytes: 176 },
  14: { name: 'Q6_K', block: 256, bytes: 210 },
  15: { name: 'Q8_K', block: 256, bytes: 292 },
  16: { name: 'IQ2_XXS', block: 256, bytes: 66 },
  17: { name: 'IQ2_XS', block: 256, bytes: 74 },
  18: { name: 'IQ3_XXS', block: 256, bytes: 98 },
  19: { name: 'IQ1_S', block: 256, bytes: 50 },
  20: { name: 'IQ4_NL', block: 32, bytes: 18 },
  21: { name: 'IQ3_S', block: 256, bytes: 110 },
  22: { name: 'IQ2_S', block: 256, bytes: 82 },
  23: { name: 'IQ4_XS', block: 256, bytes: 136 },
  24: { name: 'I8', block: 1, bytes: 1 },
  25: { name: 'I16', block: 1, bytes: 2 },
  26: { name: 'I32', block: 1, bytes: 4 },
  27: { name: 'I64', block: 1, bytes: 8 },
  28: { name: 'F64', block: 1, bytes: 8 },
  29: { name: 'IQ1_M', block: 256, bytes: 56 },
  30: { name: 'BF16', block: 1, bytes: 2 },
  34: { name: 'TQ1_0', block: 256, bytes: 54 },
  35: { name: 'TQ2_0', block: 256, bytes: 66 },
  39: { name: 'MXFP4', block: 32, bytes: 17 },
  // Newer types whose block layout is not needed here: their size is not checked.
  40: { name: 'NVFP4', block: 1, bytes: undefined },
  41: { name: 'Q1_0', block: 1, bytes: undefined },
  42: { name: 'Q2_0', block: 1, bytes: undefined },
};

export type GgufValue = string | number | boolean | bigint | GgufValue[];

export interface GgufTensorInfo {
  name: string;
  /** GGUF order: the first dimension is the row length. */
  shape: number[];
  type: number;
  /** Offset within the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Record<string, GgufValue>;
  /** The stored type code of each metadata key (see GGUF's value types). */
  metadataTypes: Record<string, number>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where the data section starts in the file. */
  dataOffset: number;
}

export type GgufProblem = 'bad-magic' | 'unsupported-version' | 'truncated' | 'unsupported-type' | 'malformed';

/** What is wrong with a GGUF file, in words and as a code. */
export class GgufError extends Error {
  override name = 'GgufError';
  constructor(
    readonly problem: GgufProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when the header runs past the bytes given: read more of the file and try again. */
export class NeedMoreBytes extends Error {
  override name = 'NeedMoreBytes';
}

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly fileSize: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get position(): number {
    return this.offset;
  }
  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.bytes.length) {
      if (this.bytes.length >= this.fileSize) {
        throw new GgufError('truncated', `The file ends inside its header (at byte ${this.fileSize}).`);
      }
      throw new NeedMoreBytes();
    }
    this.offset += n;
    return at;
  }
  u8 = () => this.view.getUint8(this.need(1));
  i8 = () => this.view.getInt8(this.need(1));
  u16 = () => this.view.getUint16(this.need(2), true);
  i16 = () => this.view.getInt16(this.need(2), true);
  u32 = () => this.view.getUint32(this.need(4), true);
  i32 = () => this.view.getInt32(this.need(4), true);
  f32 = () => this.view.getFloat32(this.need(4), true);
  f64 = () => this.view.getFloat64(this.need(8), true);
  i64 = () => this.view.getBigInt64(this.need(8), true);
  u64 = (): number => {
    const value = this.view.getBigUint64(this.need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new GgufError('malformed', `A count is impossibly large (${value}).`);
    return Number(value);
  };
  string = (): string => {
    const length = this.u64();
    if (length > this.fileSize) throw new GgufError('malformed', `A string claims ${length} bytes.`);
    const at = this.need(length);
    return new TextDecoder().decode(this.bytes.subarray(at, at + length));
  };
}

const STRING = 8;
const ARRAY = 9;

function readValue(reader: Reader, type: number): GgufValue {
  switch (type) {
    case 0:
      return reader.u8();
    case 1:
      return reader.i8();
    case 2:
      return reader.u16();
    case 3:
      return reader.i16();
    case 4:
      return reader.u32();
    case 5:
      return reader.i32();
    case 6:
      return reader.f32();
    case 7:
      return reader.u8() !== 0;
    case STRING:
      return reader.string();
    case ARRAY: {
      const elementType = reader.u32();
      const count = reader.u64();
      const values: GgufValue[] = [];
      for (let i = 0; i < count; i++) values.push(readValue(reader, elementType));
      return values;
    }
    case 10:
      return reader.u64();
    case 11:
      return reader.i64();
    case 12:
      return reader.f64();
    default:
      throw new GgufError('malformed', `Unknown metadata value type ${type}.`);
  }
}

/**
 * Parses the header from the first bytes of a file of `fileSize` bytes. Throws
 * {@link NeedMoreBytes} when `bytes` end before the header does, {@link GgufError} when the file
 * is not a GGUF file llama.cpp can read.
 */
export function parseGgufHeader(bytes: Uint8Array, fileSize = bytes.length): GgufHeader {
  const reader = new Reader(bytes, fileSize);
  if (fileSize < 4) throw new GgufError('truncated', `The file has ${fileSize} bytes: too short to be a model.`);
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 4));
  if (magic !== 'GGUF') {
    throw new GgufError('bad-magic', `The file does not start with "GGUF" (it starts with "${printable(magic)}").`);
  }
  reader.u32();
  const version = reader.u32();
  if (version < 2 || version > 3) {
    throw new GgufError('unsupported-version', `GGUF version ${version}; llama.cpp reads versions 2 and 3.`);
  }
  const tensorCount = reader.u64();
  const kvCount = reader.u64();
  const metadata: Record<string, GgufValue> = {};
  const metadataTypes: Record<string, number> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = reader.string();
    const type = reader.u32();
    metadataTypes[key] = type;
    metadata[key] = readValue(reader, type);
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = reader.string();
    const dims = reader.u32();
    if (dims > 4) throw new GgufError('malformed', `Tensor ${name} has ${dims} dimensions.`);
    const shape: number[] = [];
    for (let d = 0; d < dims; d++) shape.push(reader.u64());
    const type = reader.u32();
    const offset = reader.u64();
    tensors.push({ name, shape, type, offset });
  }
  const declared = metadata['general.alignment'];
  const alignment = typeof declared === 'number' && declared > 0 ? declared : 32;
  const dataOffset = Math.ceil(reader.position / alignment) * alignment;
  return { version, metadata, metadataTypes, tensors, alignment, dataOffset };
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** Bytes a tensor's data takes, or undefined for a type whose layout is not known here. */
export function tensorBytes(tensor: GgufTensorInfo): number | undefined {
  const format = GGML_TYPES[tensor.type];
  if (!format?.bytes) return undefined;
  const elements = tensor.shape.reduce((n, d) => n * d, 1);
  return Math.ceil(elements / format.block) * format.bytes;
}

/**
 * Checks that every tensor has a type llama.cpp knows and lies within the file. Throws
 * {@link GgufError}; returns the bytes of tensor data the file holds.
 */
export function checkGgufFile(header: GgufHeader, fileSize: number): number {
  let end = header.dataOffset;
  let weights = 0;
  for (const tensor of header.tensors) {
    if (!GGML_TYPES[tensor.type]) {
      throw new GgufError(
        'unsupported-type',
        `Tensor ${tensor.name} is stored as ggml type ${tensor.type}, which this llama.cpp does not know.`,
      );
    }
    const size = tensorBytes(tensor);
    if (size === undefined) continue;
    weights += size;
    end = Math.max(end, header.dataOffset + tensor.offset + size);
  }
  if (end > fileSize) {
    throw new GgufError(
      'truncated',
      `The file has ${fileSize} bytes but its tensors need ${end}: it is truncated (an interrupted download?).`,
    );
  }
  return weights;
}

/** The quantization a file is mostly stored in: the type most of its weight bytes use. */
export function dominantType(header: GgufHeader): string {
  const bytes = new Map<string, number>();
  for (const tensor of header.tensors) {
    const name = GGML_TYPES[tensor.type]?.name ?? `type ${tensor.type}`;
    bytes.set(name, (bytes.get(name) ?? 0) + (tensorBytes(tensor) ?? 0));
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/**
 * KV-cache bytes per token of context from the model's metadata (f16 cache, llama.cpp's
 * default): 2 (K and V) x layers x KV heads x head size x 2 bytes. Undefined when the metadata
 * does not say.
 */
export function ggufKvBytesPerToken(metadata: Record<string, GgufValue>): number | undefined {
  const arch = metadata['general.architecture'];
  if (typeof arch !== 'string') return undefined;
  const get = (key: string) => {
    const value = metadata[`${arch}.${key}`];
    return typeof value === 'number' ? value : undefined;
  };
  const layers = get('block_count');
  const heads = get('attention.head_count');
  const embedding = get('embedding_length');
  const kvHeads = get('attention.head_count_kv') ?? heads;
  if (!layers || !heads || !embedding || !kvHeads) return undefined;
  const keyLength = get('attention.key_length') ?? embedding / heads;
  const valueLength = get('attention.value_length') ?? embedding / heads;
  return layers * kvHeads * (keyLength + valueLength) * 2;
}
