/**
 * Models, not files: every engine's catalog rows grouped into one row per model (family and
 * size), whose variants are its quantizations in each engine, and the picker's filters over them.
 * Pure: no DOM, no worker.
 *
 * A model is recognised across engines by its published name, which each engine's catalog spells
 * its own way: web-llm "SmolLM2-360M-Instruct-q4f16_1-MLC", transformers.js
 * "HuggingFaceTB/SmolLM2-360M-Instruct@q4", llama.cpp "bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0".
 * Each reduces to "SmolLM2-360M-Instruct".
 */
import type { EngineId, ModelRecord } from '../shared/engine-api.js';
import { isInstructModel, quantizationOf, SMALL_MODEL_VRAM_MB } from './catalog.js';
import { ENGINE_IDS, engineName } from './engines.js';
import { quantizationFromFileName } from './llamacpp-catalog.js';
import { parseTransformersModelId } from './transformers-catalog.js';

export interface ModelGroup {
  /** The model's name, normalised: the same in every engine ("smollm2-360m-instruct"). */
  key: string;
  /** Family and size, as people say it: "SmolLM2 360M". */
  title: string;
  /** The published name ("SmolLM2-360M-Instruct"), which tells editions of one size apart. */
  name: string;
  /** Its variants: engine by engine (in the UI's order), smallest first within each. */
  variants: ModelRecord[];
  /** The engines that have it, in the UI's order. */
  engines: EngineId[];
  /** True when a variant is stored on this device. */
  stored: boolean;
  /** True when it is tuned to follow instructions (what a visitor wants to chat with). */
  instruct: boolean;
}

const MLC_SUFFIX = /-MLC(?:-.*)?$/i;
const SPLIT_PART = /-\d{5}-of-\d{5}(?=\.gguf$)/i;

function lastSegment(path: string): string {
  return path.replace(/\/+$/, '').split('/').at(-1) ?? path;
}

/** The model's published name, from a catalog row of any engine. */
export function baseModelName(record: Pick<ModelRecord, 'id' | 'engine'>): string {
  const { id } = record;
  switch (record.engine) {
    case 'webllm': {
      const quant = quantizationOf(id);
      const cut = quant ? id.slice(0, id.indexOf(`-${quant}`)) : id.replace(MLC_SUFFIX, '');
      return cut.replace(/-1k$/i, '');
    }
    case 'transformers':
      return lastSegment(parseTransformersModelId(id).source);
    case 'llamacpp': {
      if (!/^https?:\/\//.test(id)) return lastSegment(id.slice(0, id.lastIndexOf('@'))).replace(/-GGUF$/i, '');
      const file = lastSegment(new URL(id).pathname).replace(SPLIT_PART, '');
      const quant = quantizationFromFileName(file);
      const stem = file.replace(/\.gguf$/i, '');
      return quant ? stem.replace(new RegExp(`[-_.]${quant}$`, 'i'), '') : stem;
    }
    default:
      return id;
  }
}

/** The key one model shares across engines. */
export function modelGroupKey(record: Pick<ModelRecord, 'id' | 'engine'>): string {
  return baseModelName(record)
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Family and size; a model of unknown size by the name it was added under, else its published name. */
function titleOf(records: readonly ModelRecord[], name: string): string {
  const sized = records.find((record) => record.parameterCount);
  if (sized) return `${sized.family} ${sized.parameters}`;
  const added = records.find((record) => record.engine === 'transformers' || record.engine === 'llamacpp');
  return added?.family || name;
}

/** Smallest memory need among variants of known size; 0 when none is known (sorted first, as they are the visitor's own). */
function smallestNeed(records: readonly ModelRecord[]): number {
  const known = records.map((record) => record.vramMB).filter((mb) => mb > 0);
  return known.length > 0 ? Math.min(...known) : 0;
}

/** One row per model, smallest first. */
export function groupModels(records: readonly ModelRecord[]): ModelGroup[] {
  const byKey = new Map<string, ModelRecord[]>();
  for (const record of records) {
    const key = modelGroupKey(record);
    const list = byKey.get(key);
    if (list) list.push(record);
    else byKey.set(key, [record]);
  }
  const groups: ModelGroup[] = [];
  for (const [key, list] of byKey) {
    const variants = [...list].sort(
      (a, b) =>
        ENGINE_IDS.indexOf(a.engine) - ENGINE_IDS.indexOf(b.engine) || a.vramMB - b.vramMB || a.id.localeCompare(b.id),
    );
    const name = baseModelName(variants.find((record) => record.engine === 'webllm') ?? variants[0]!);
    groups.push({
      key,
      title: titleOf(variants, name),
      name,
      variants,
      engines: ENGINE_IDS.filter((engine) => variants.some((record) => record.engine === engine)),
      stored: variants.some((record) => record.cached),
      instruct: variants.some(isInstructModel),
    });
  }
  return groups.sort((a, b) => smallestNeed(a.variants) - smallestNeed(b.variants) || a.title.localeCompare(b.title));
}

/** How big a model the picker lists: its memory need, in MiB. */
export type SizeFilter = 'tiny' | 'small' | 'any';

/** Upper memory bound of each size filter, in MiB; "any" also lists base, vision and embedding models. */
export const SIZE_LIMITS_MB: Record<SizeFilter, number> = {
  tiny: 1024,
  small: SMALL_MODEL_VRAM_MB,
  any: Number.POSITIVE_INFINITY,
};

export interface GroupFilter {
  engine: EngineId | 'all';
  size: SizeFilter;
  /** Only variants stored on this device. */
  storedOnly: boolean;
  /** Case-insensitive text matched against the model's title, name and variant ids. */
  query: string;
}

export const DEFAULT_GROUP_FILTER: GroupFilter = { engine: 'all', size: 'small', storedOnly: false, query: '' };

function variantPasses(record: ModelRecord, filter: GroupFilter): boolean {
  if (filter.engine !== 'all' && record.engine !== filter.engine) return false;
  if (filter.storedOnly && !record.cached) return false;
  if (filter.size !== 'any' && record.kind !== 'chat') return false;
  // A model of unknown size (0) is one the visitor added: it is always listed.
  return record.vramMB <= SIZE_LIMITS_MB[filter.size];
}

/**
 * The rows a filter leaves, each with only the variants that pass it; a row with none is left
 * out. The query matches the row (so all its passing variants stay) or single variants.
 */
export function filterGroups(groups: readonly ModelGroup[], filter: GroupFilter): ModelGroup[] {
  const query = filter.query.trim().toLowerCase();
  const out: ModelGroup[] = [];
  for (const group of groups) {
    const rowMatches =
      query === '' || group.title.toLowerCase().includes(query) || group.name.toLowerCase().includes(query);
    const variants = group.variants.filter(
      (record) => variantPasses(record, filter) && (rowMatches || record.id.toLowerCase().includes(query)),
    );
    if (variants.length === 0) continue;
    // The row still names every engine that has the model: "also in" marks survive a filter.
    out.push({ ...group, variants });
  }
  return out;
}

/**
 * A variant's short name in the picker: its quantization, its engine, and what else tells it
 * apart ("q4f32_1 · web-llm · 1k context", "fp32 · transformers.js · self-hosted").
 */
export function variantLabel(record: Pick<ModelRecord, 'id' | 'engine' | 'quantization'>): string {
  const parts = [record.quantization || 'default', engineName(record.engine)];
  if (record.engine === 'webllm' && /-1k$/i.test(record.id)) parts.push('1k context');
  if (/^https?:\/\//.test(record.id)) parts.push('self-hosted');
  return parts.join(' · ');
}

/** "in web-llm, transformers.js and llama.cpp" */
export function enginesPhrase(engines: readonly EngineId[]): string {
  const names = engines.map(engineName);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `in ${list}`;
}
