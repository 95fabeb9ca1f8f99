// Types of gguf-writer.mjs: a twin as GGUF files for llama.cpp.
import type { GgufTensor } from '../gguf/writer.mjs';
import type { TwinSpec } from './spec.mjs';
import type { WeightSource } from './weights.mjs';
export type TwinGgufType = 'F32' | 'Q8_0' | 'Q4_0';
export const GGUF_TYPES: readonly TwinGgufType[];
export function ggufFileName(name: string, type: TwinGgufType): string;
export function ggufTensorName(hfName: string): string;
export function permuteForRope(data: Float32Array, rows: number, cols: number, heads: number): Float32Array;
export function ggufTensors(source: WeightSource, type: TwinGgufType): GgufTensor[];
export function ggufTokenizerMetadata(spec: TwinSpec): Record<string, unknown>;
export function ggufMetadata(spec: TwinSpec, type: TwinGgufType, seed: number): Record<string, unknown>;
export function writeGgufTwin(
  dir: string,
  source: WeightSource,
  options?: { types?: readonly TwinGgufType[] },
): { type: TwinGgufType; file: string; bytes: number }[];
