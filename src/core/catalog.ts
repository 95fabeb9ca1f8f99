/**
 * Turning an engine's model list into catalog rows, and choosing which rows to show.
 * Pure: no DOM, no worker, no engine import.
 */
import type { EngineId, ModelKind, ModelRecord } from '../shared/engine-api.js';

/** The subset of web-llm's `ModelRecord` the catalog reads. */
export interface WebLlmModelEntry {
  model_id: string;
  model?: string;
  model_lib?: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  /** web-llm's ModelType enum: 0 LLM, 1 embedding, 2 VLM. */
  model_type?: number;
  overrides?: { context_window_size?: number };
}

/** Declared VRAM up to which a model counts as "small" and is listed by default. */
export const SMALL_MODEL_VRAM_MB = 4096;

const QUANTIZATION = /-(q\d+f\d+(?:_\d+)?)(?=-|$)/i;
const PARAMETERS = /[-_](\d+(?:\.\d+)?)([BM])(?=[-_]|$)/i;
const SUFFIXES = /-(Instruct|Chat|it|MLC|hf|1k|v\d+(?:\.\d+)?)$/i;

/** Parses a quantization code such as "q4f16_1" out of a model id. */
export function quantizationOf(modelId: string): string {
  return QUANTIZATION.exec(modelId)?.[1] ?? '';
}

/** True when the quantization computes in 16-bit floats ("q4f16_1", "fp16") and so needs shader-f16. */
export function quantizationNeedsF16(quantization: string): boolean {
  return /fp?16/i.test(quantization);
}

function parametersOf(modelId: string): { label: string; count: number | undefined } {
  const match = PARAMETERS.exec(modelId);
  if (!match) return { label: '?', count: undefined };
  const value = Number(match[1]);
  const unit = match[2]!.toUpperCase();
  return { label: `${match[1]}${unit}`, count: value * (unit === 'B' ? 1e9 : 1e6) };
}

function familyOf(modelId: string): string {
  let family = modelId;
  const params = PARAMETERS.exec(family);
  if (params) family = family.slice(0, params.index);
  else {
    const quant = QUANTIZATION.exec(family);
    if (quant) family = family.slice(0, quant.index);
  }
  while (SUFFIXES.test(family)) family = family.replace(SUFFIXES, '');
  return family.replace(/[-_]/g, ' ').trim();
}

function kindOf(entry: WebLlmModelEntry): ModelKind {
  if (entry.model_type === 1) return 'embedding';
  if (entry.model_type === 2) return 'vision';
  if (/-Base-|-base-/.test(entry.model_id)) return 'base';
  return 'chat';
}

function contextWindowOf(entry: WebLlmModelEntry): number | undefined {
  const declared = entry.overrides?.context_window_size;
  if (typeof declared === 'number' && declared > 0) return declared;
  if (/-1k$/i.test(entry.model_id)) return 1024;
  return undefined;
}

/** Normalises one web-llm catalog entry. `cached` is filled in by the worker. */
export function recordFromWebLlm(entry: WebLlmModelEntry, engine: EngineId = 'webllm'): ModelRecord {
  const params = parametersOf(entry.model_id);
  return {
    id: entry.model_id,
    engine,
    kind: kindOf(entry),
    family: familyOf(entry.model_id),
    parameters: params.label,
    parameterCount: params.count,
    quantization: quantizationOf(entry.model_id),
    vramMB: entry.vram_required_MB ?? 0,
    contextWindow: contextWindowOf(entry),
    requiredFeatures: [...(entry.required_features ?? [])],
    bufferSizeRequiredBytes: entry.buffer_size_required_bytes,
    lowResource: entry.low_resource_required ?? false,
    cached: false,
  };
}

export interface CatalogFilter {
  /** Show every model, not only small chat models. */
  showAll: boolean;
  /** Case-insensitive text to match against id and family. */
  query?: string;
}

/** The rows the picker lists, smallest first within a family. */
export function filterCatalog(records: readonly ModelRecord[], filter: CatalogFilter): ModelRecord[] {
  const query = filter.query?.trim().toLowerCase() ?? '';
  return records
    .filter((record) => filter.showAll || (record.kind === 'chat' && record.vramMB <= SMALL_MODEL_VRAM_MB))
    .filter(
      (record) =>
        query === '' || record.id.toLowerCase().includes(query) || record.family.toLowerCase().includes(query),
    )
    .sort((a, b) => a.vramMB - b.vramMB || a.id.localeCompare(b.id));
}

/** True for models tuned to follow instructions (what a visitor wants to chat with). */
export function isInstructModel(record: ModelRecord): boolean {
  return record.kind === 'chat' && /instruct|-it-|-it$|chat|zephyr/i.test(record.id);
}

/**
 * The same model with the f16 part of its quantization swapped for f32, when the catalog has it
 * (e.g. "SmolLM2-360M-Instruct-q4f16_1-MLC" -> "SmolLM2-360M-Instruct-q4f32_1-MLC").
 */
export function f32Twin(record: ModelRecord, records: readonly ModelRecord[]): ModelRecord | undefined {
  const quant = record.quantization;
  if (!quantizationNeedsF16(quant)) return undefined;
  // web-llm: q4f16_1 -> q4f32_1; transformers.js: fp16 -> fp32, q4f16 -> q4.
  const twinQuants = [quant.replace(/fp16/i, 'fp32'), quant.replace(/f16/i, 'f32'), quant.replace(/f16$/i, '')];
  for (const twinQuant of twinQuants) {
    if (!twinQuant || twinQuant === quant) continue;
    const twin = records.find((candidate) => candidate.id === record.id.replace(quant, twinQuant));
    if (twin) return twin;
  }
  return undefined;
}

/** The same model with a 1k context window, which needs less memory, when the catalog has it. */
export function shortContextTwin(record: ModelRecord, records: readonly ModelRecord[]): ModelRecord | undefined {
  if (/-1k$/i.test(record.id)) return undefined;
  const twin = records.find((candidate) => candidate.id === `${record.id}-1k`);
  return twin && twin.vramMB < record.vramMB ? twin : undefined;
}
