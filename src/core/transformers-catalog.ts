/**
 * transformers.js models: small ONNX chat models from the hub's `onnx-community` organisation,
 * one catalog row per published weights variant ("dtype"). Pure: no engine import.
 *
 * The hub does not declare GPU memory, so it is estimated from parameters and bits per weight
 * (and marked as an estimate on screen).
 */
import type { ModelRecord, TransformersModelSource } from '../shared/engine-api.js';

export interface TransformersCatalogEntry {
  /** Hub repository, e.g. "onnx-community/SmolLM2-135M-Instruct". */
  repo: string;
  family: string;
  parameters: string;
  parameterCount: number;
  contextWindow: number;
  /** Weights variants the repository publishes. */
  dtypes: string[];
}

export const TRANSFORMERS_CATALOG: readonly TransformersCatalogEntry[] = [
  {
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    family: 'SmolLM2',
    parameters: '135M',
    parameterCount: 135e6,
    contextWindow: 8192,
    dtypes: ['fp32', 'fp16', 'q4', 'q4f16', 'int8'],
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    family: 'SmolLM2',
    parameters: '360M',
    parameterCount: 360e6,
    contextWindow: 8192,
    dtypes: ['fp32', 'fp16', 'q4', 'q4f16', 'int8'],
  },
  {
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    family: 'Qwen2.5',
    parameters: '0.5B',
    parameterCount: 494e6,
    contextWindow: 32768,
    dtypes: ['fp32', 'fp16', 'q4', 'q4f16', 'int8'],
  },
  {
    repo: 'onnx-community/Llama-3.2-1B-Instruct',
    family: 'Llama 3.2',
    parameters: '1B',
    parameterCount: 1.24e9,
    contextWindow: 131072,
    dtypes: ['fp16', 'q4', 'q4f16', 'int8'],
  },
];

/** Bits stored per weight for each variant; q4 keeps scales and embeddings at higher precision. */
const BITS_PER_WEIGHT: Record<string, number> = {
  fp32: 32,
  fp16: 16,
  int8: 8,
  q8: 8,
  uint8: 8,
  q4: 5,
  q4f16: 4.5,
  bnb4: 5,
};
/** Activations, KV cache for a short chat, and runtime buffers, on top of the weights. */
const RUNTIME_OVERHEAD = 1.25;

/** The ONNX file transformers.js v4 loads for a dtype (`onnx/model_<suffix>.onnx`). */
export function onnxFileForDtype(dtype: string): string {
  const suffix: Record<string, string> = {
    fp32: '',
    fp16: '_fp16',
    int8: '_int8',
    q8: '_quantized',
    uint8: '_uint8',
    q4: '_q4',
    q4f16: '_q4f16',
    bnb4: '_bnb4',
  };
  return `onnx/model${suffix[dtype] ?? `_${dtype}`}.onnx`;
}

export function estimateVramMB(parameterCount: number, dtype: string): number {
  const bits = BITS_PER_WEIGHT[dtype] ?? 16;
  return Math.round(((parameterCount * bits) / 8 / 2 ** 20) * RUNTIME_OVERHEAD);
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
    entry.dtypes.map((dtype) => ({
      id: transformersModelId(entry.repo, dtype),
      engine: 'transformers' as const,
      kind: 'chat' as const,
      family: entry.family,
      parameters: entry.parameters,
      parameterCount: entry.parameterCount,
      quantization: dtype,
      vramMB: estimateVramMB(entry.parameterCount, dtype),
      vramIsEstimate: true,
      contextWindow: entry.contextWindow,
      requiredFeatures: [],
      bufferSizeRequiredBytes: undefined,
      lowResource: true,
      cached: false,
    })),
  );
}

/** A catalog row for a self-hosted model folder; size unknown until its config is read. */
export function customTransformersRecord(source: TransformersModelSource): ModelRecord {
  const name = source.name ?? (new URL(source.url).pathname.split('/').filter(Boolean).at(-1) || source.url);
  return {
    id: transformersModelId(source.url.replace(/\/+$/, ''), source.dtype),
    engine: 'transformers',
    kind: 'chat',
    family: name,
    parameters: '?',
    parameterCount: undefined,
    quantization: source.dtype,
    vramMB: 0,
    vramIsEstimate: true,
    contextWindow: undefined,
    requiredFeatures: [],
    bufferSizeRequiredBytes: undefined,
    lowResource: true,
    cached: false,
  };
}

/**
 * A key shared by the same model in different engines ("smollm2-360m"), so the picker can say
 * a model can be compared across engines on this device.
 */
export function crossEngineKey(record: Pick<ModelRecord, 'family' | 'parameters'>): string {
  return `${record.family}-${record.parameters}`.toLowerCase().replace(/[^a-z0-9.]+/g, '');
}
