/**
 * transformers.js models: small ONNX chat models from the hub's `onnx-community` organisation,
 * one catalog row per published weights variant ("dtype"). Pure: no engine import.
 *
 * The hub does not declare GPU memory, so it is estimated from the size of each weights file
 * (and marked as an estimate on screen).
 */
import type { ModelRecord, TransformersModelSource } from '../shared/engine-api.js';

export interface TransformersCatalogEntry {
  /** Hub repository, e.g. "onnx-community/Qwen2.5-0.5B-Instruct". */
  repo: string;
  family: string;
  parameters: string;
  parameterCount: number;
  contextWindow: number;
  /**
   * Weights variants the repository publishes as single ONNX files, with the file's size in MB
   * as the hub lists it (variants stored as external data are left out).
   */
  fileMB: Record<string, number>;
}

// SmolLM2's ONNX weights are published in HuggingFaceTB's own repositories, not onnx-community's.
export const TRANSFORMERS_CATALOG: readonly TransformersCatalogEntry[] = [
  {
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    family: 'SmolLM2',
    parameters: '135M',
    parameterCount: 135e6,
    contextWindow: 8192,
    fileMB: { fp32: 654, fp16: 327, q4: 200, q4f16: 134 },
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    family: 'SmolLM2',
    parameters: '360M',
    parameterCount: 362e6,
    contextWindow: 8192,
    fileMB: { fp32: 1640, fp16: 819, q4: 417, q4f16: 299 },
  },
  {
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    family: 'Qwen2.5',
    parameters: '0.5B',
    parameterCount: 494e6,
    contextWindow: 32768,
    fileMB: { fp32: 1990, fp16: 997, q4: 786, q4f16: 483, int8: 512 },
  },
  {
    repo: 'onnx-community/Llama-3.2-1B-Instruct',
    family: 'Llama 3.2',
    parameters: '1B',
    parameterCount: 1.24e9,
    contextWindow: 131072,
    fileMB: { q4: 1660, q4f16: 1070, int8: 1240 },
  },
];

/** Weights on the GPU plus activations, a short chat's KV cache and runtime buffers. */
const RUNTIME_OVERHEAD = 1.2;

/** The weights variants a visitor can pick for a self-hosted or listed model. */
export const TRANSFORMERS_DTYPES = ['q4', 'q4f16', 'int8', 'fp16', 'fp32'] as const;

/**
 * The file-name suffix of each dtype's decoder (`onnx/model<suffix>.onnx`), as transformers.js v4
 * names them; also the variants a stored file is recognised as.
 */
export const ONNX_DTYPE_SUFFIX: Readonly<Record<string, string>> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  q8: '_quantized',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** The ONNX file transformers.js v4 loads for a dtype (`onnx/model_<suffix>.onnx`). */
export function onnxFileForDtype(dtype: string): string {
  return `onnx/model${ONNX_DTYPE_SUFFIX[dtype] ?? `_${dtype}`}.onnx`;
}

/** GPU memory estimated from the weights file's size (MB as the hub lists them), in MiB. */
export function estimateVramMB(fileMB: number): number {
  return Math.round(((fileMB * 1e6) / 2 ** 20) * RUNTIME_OVERHEAD);
}

/** Catalog id of one variant: "<repo>@<dtype>" or "<folder URL>@<dtype>". */
export function transformersModelId(source: string, dtype: string): string {
  return `${source}@${dtype}`;
}

export function parseTransformersModelId(id: string): { source: string; dtype: string } {
  const at = id.lastIndexOf('@');
  if (at <= 0) return { source: id, dtype: 'q4' };
  return { source: id.slice(0, at), dtype: id.slice(at + 1) };
}

export function transformersRecords(): ModelRecord[] {
  return TRANSFORMERS_CATALOG.flatMap((entry) =>
    Object.entries(entry.fileMB).map(([dtype, fileMB]) => ({
      id: transformersModelId(entry.repo, dtype),
      engine: 'transformers' as const,
      kind: 'chat' as const,
      family: entry.family,
      parameters: entry.parameters,
      parameterCount: entry.parameterCount,
      quantization: dtype,
      vramMB: estimateVramMB(fileMB),
      vramIsEstimate: true,
      downloadBytes: fileMB * 1e6,
      contextWindow: entry.contextWindow,
      requiredFeatures: [],
      bufferSizeRequiredBytes: undefined,
      lowResource: true,
      cached: false,
    })),
  );
}

/** A catalog row for a model outside the catalog, whose size is unknown until its config is read. */
export function unlistedTransformersRecord(id: string, family: string, dtype: string): ModelRecord {
  return {
    id,
    engine: 'transformers',
    kind: 'chat',
    family,
    parameters: '?',
    parameterCount: undefined,
    quantization: dtype,
    vramMB: 0,
    vramIsEstimate: true,
    contextWindow: undefined,
    requiredFeatures: [],
    bufferSizeRequiredBytes: undefined,
    lowResource: true,
    cached: false,
  };
}

/** A catalog row for a self-hosted model folder. */
export function customTransformersRecord(source: TransformersModelSource): ModelRecord {
  const name = source.name ?? (new URL(source.url).pathname.split('/').filter(Boolean).at(-1) || source.url);
  return unlistedTransformersRecord(
    transformersModelId(source.url.replace(/\/+$/, ''), source.dtype),
    name,
    source.dtype,
  );
}

/**
 * A key shared by the same model in different engines ("smollm2-360m"), so the picker can say
 * a model can be compared across engines on this device.
 */
export function crossEngineKey(record: Pick<ModelRecord, 'family' | 'parameters'>): string {
  return `${record.family}-${record.parameters}`.toLowerCase().replace(/[^a-z0-9.]+/g, '');
}
