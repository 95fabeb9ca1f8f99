// Types of mlc-params.mjs: an MLC library's weights and how they map onto the HF tensors.
import type { TwinSpec } from './spec.mjs';
export interface MlcParam {
  name: string;
  shape: number[];
  dtype: string;
}
export interface MlcLibraryMetadata {
  model_type: string;
  quantization: string;
  context_window_size: number;
  prefill_chunk_size: number;
  params: (MlcParam & { preprocs?: unknown[] })[];
  kv_cache?: Record<string, number>;
  memory_usage?: Record<string, number>;
  [key: string]: unknown;
}
export function readLibraryMetadata(path: string): MlcLibraryMetadata;
export function paramBytes(param: MlcParam): number;
export function mlcParamsFromSpec(spec: TwinSpec): MlcParam[];
export function hfSourcesOf(spec: TwinSpec, mlcName: string): { sources: string[]; quantized: boolean };
