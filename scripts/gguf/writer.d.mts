// Types of writer.mjs, the GGUF v3 writer.
export type TensorType = 'F32' | 'Q8_0' | 'Q4_0';
export type ScalarType =
  'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'bool' | 'string' | 'u64' | 'i64' | 'f64';
export interface TypedValue {
  ggufType: ScalarType | 'array';
  elementType?: ScalarType;
  value: unknown;
}
export type MetadataValue = string | boolean | number | string[] | TypedValue;
export interface GgufTensor {
  name: string;
  /** GGUF order: the first dimension is the row length. */
  shape: number[];
  type: TensorType;
  data: Float32Array | (() => Float32Array);
}
export interface GgufModel {
  metadata: Record<string, MetadataValue>;
  tensors: GgufTensor[];
  alignment?: number;
}
export const DEFAULT_ALIGNMENT: number;
export const VALUE_TYPES: Record<ScalarType | 'array', number>;
export const TENSOR_TYPES: Record<TensorType, { id: number; block: number; bytes: number }>;
export const gguf: { [K in ScalarType]: (value: unknown) => TypedValue } & {
  array(elementType: ScalarType, values: unknown[]): TypedValue;
};
export function tensorByteSize(shape: number[], type: TensorType): number;
export function encodeHeader(model: GgufModel): { header: Uint8Array; offsets: number[]; dataBytes: number };
export function writeGguf(path: string, model: GgufModel): number;
export function encodeGguf(model: GgufModel): Uint8Array;
