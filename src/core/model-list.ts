/**
 * The custom model list a person imports (a JSON file), checked field by field. Pure: no DOM.
 *
 * ```json
 * {
 *   "schema": "edge-llm/models@2",
 *   "webllm": [
 *     {
 *       "model_id": "SmolLM2-360M-Instruct-q4f32_1-MLC",
 *       "model": "https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC",
 *       "model_lib": "https://raw.githubusercontent.com/.../SmolLM2-360M-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm",
 *       "vram_required_MB": 580
 *     }
 *   ],
 *   "transformers": [
 *     { "model": "onnx-community/Qwen2.5-0.5B-Instruct", "dtype": "q4" },
 *     { "url": "https://models.intranet.example/my-model", "dtype": "fp32", "name": "My model" }
 *   ],
 *   "llamacpp": [
 *     { "model": "bartowski/Llama-3.2-1B-Instruct-GGUF", "file": "Llama-3.2-1B-Instruct-Q4_K_M.gguf" },
 *     { "url": "https://models.intranet.example/gguf/my-model-Q4_0.gguf", "name": "My model" }
 *   ]
 * }
 * ```
 *
 * A web-llm entry is a web-llm `ModelRecord`. A transformers.js entry names either a hub model
 * (`model`: "org/name", fetched from the hub, or from the transformers.js mirror when one is
 * set) or a folder laid out like a hub repository (`url`). A llama.cpp entry names a GGUF file:
 * in a hub repository (`model` and `file`, fetched from the hub or the llama.cpp mirror) or by URL
 * (`url`); a split model by its first part. Version 2 added the llama.cpp list; version 1 files
 * (without it) are read as they are.
 */
import type {
  CustomModelSource,
  LlamaCppModelSource,
  ModelRecord,
  TransformersHubSource,
  TransformersModelSource,
} from '../shared/engine-api.js';
import { llamaCppFileUrl } from './llamacpp-catalog.js';
import { isHttpUrl } from './mirror-urls.js';
import { TRANSFORMERS_DTYPES, transformersModelId, unlistedTransformersRecord } from './transformers-catalog.js';

export const MODEL_LIST_SCHEMA = 'edge-llm/models@2';
/** Versions read: 1 (web-llm and transformers.js) and 2 (adds llama.cpp). */
export const MODEL_LIST_SCHEMAS: readonly string[] = ['edge-llm/models@1', MODEL_LIST_SCHEMA];

/** More than this is not a model list a person wrote; it keeps the picker and the checks quick. */
export const MAX_MODELS_PER_ENGINE = 200;
const MAX_TEXT = 2048;
const MAX_NAME = 100;

export type ModelListResult = { ok: true; models: CustomModelSource; count: number } | { ok: false; errors: string[] };

const WEBLLM_FIELDS = [
  'model_id',
  'model',
  'model_lib',
  'vram_required_MB',
  'low_resource_required',
  'buffer_size_required_bytes',
  'required_features',
  'model_type',
  'overrides',
  'model_manifest',
  'integrity',
];
const TRANSFORMERS_FIELDS = ['model', 'url', 'dtype', 'name'];
const LLAMACPP_FIELDS = ['model', 'file', 'url', 'name'];
const TOP_FIELDS = ['schema', 'webllm', 'transformers', 'llamacpp'];
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : String(value);
}

function unknownFields(entry: Json, known: readonly string[], path: string, errors: string[]) {
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) {
      const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
      errors.push(`${path}.${shown} is not a field edge-llm knows (known: ${known.join(', ')}).`);
    }
  }
}

function checkUrl(entry: Json, field: string, path: string, errors: string[]): string | undefined {
  const value = entry[field];
  if (value === undefined) {
    errors.push(`${path}.${field} is missing: give the absolute http(s) URL.`);
    return undefined;
  }
  if (typeof value !== 'string' || value.length > MAX_TEXT || !isHttpUrl(value)) {
    errors.push(`${path}.${field} must be an absolute http(s) URL (it is ${describe(value)}).`);
    return undefined;
  }
  return value;
}

function checkWebLlm(entry: unknown, path: string, errors: string[], ids: Set<string>): Json | undefined {
  if (!isObject(entry)) {
    errors.push(`${path} must be an object (a web-llm ModelRecord), not ${describe(entry)}.`);
    return undefined;
  }
  const before = errors.length;
  unknownFields(entry, WEBLLM_FIELDS, path, errors);
  const id = entry.model_id;
  if (typeof id !== 'string' || !/^\S{1,200}$/.test(id)) {
    errors.push(`${path}.model_id must be a non-empty name without spaces (it is ${describe(id)}).`);
  } else if (ids.has(id)) {
    errors.push(`${path}.model_id "${id}" appears twice in webllm; each model needs its own id.`);
  } else {
    ids.add(id);
  }
  checkUrl(entry, 'model', path, errors);
  const lib = checkUrl(entry, 'model_lib', path, errors);
  if (lib !== undefined && !new URL(lib).pathname.endsWith('.wasm')) {
    errors.push(`${path}.model_lib must name the compiled model library, a .wasm file.`);
  }
  const vram = entry.vram_required_MB;
  if (vram !== undefined && (typeof vram !== 'number' || !Number.isFinite(vram) || vram < 0)) {
    errors.push(`${path}.vram_required_MB must be a number of MiB, 0 or more (it is ${describe(vram)}).`);
  }
  const lowResource = entry.low_resource_required;
  if (lowResource !== undefined && typeof lowResource !== 'boolean') {
    errors.push(`${path}.low_resource_required must be true or false (it is ${describe(lowResource)}).`);
  }
  const buffer = entry.buffer_size_required_bytes;
  if (buffer !== undefined && (!Number.isSafeInteger(buffer) || (buffer as number) < 0)) {
    errors.push(`${path}.buffer_size_required_bytes must be a whole number of bytes (it is ${describe(buffer)}).`);
  }
  const features = entry.required_features;
  if (
    features !== undefined &&
    (!Array.isArray(features) || !features.every((feature) => typeof feature === 'string' && feature.length <= 100))
  ) {
    errors.push(`${path}.required_features must be a list of WebGPU feature names, e.g. ["shader-f16"].`);
  }
  const type = entry.model_type;
  if (type !== undefined && type !== 0 && type !== 1 && type !== 2) {
    errors.push(`${path}.model_type must be 0 (LLM), 1 (embedding) or 2 (vision) (it is ${describe(type)}).`);
  }
  const overrides = entry.overrides;
  if (overrides !== undefined) {
    if (!isObject(overrides)) {
      errors.push(`${path}.overrides must be an object, e.g. { "context_window_size": 4096 }.`);
    } else {
      const context = overrides.context_window_size;
      if (context !== undefined && (!Number.isSafeInteger(context) || (context as number) <= 0)) {
        errors.push(
          `${path}.overrides.context_window_size must be a whole number of tokens above 0 (it is ${describe(context)}).`,
        );
      }
    }
  }
  const manifest = entry.model_manifest;
  if (manifest !== undefined && (typeof manifest !== 'string' || manifest === '' || manifest.length > MAX_TEXT)) {
    errors.push(`${path}.model_manifest must be a file name relative to model, e.g. "mlc-model-manifest.json".`);
  }
  if (entry.integrity !== undefined && !isObject(entry.integrity)) {
    errors.push(`${path}.integrity must be an object as web-llm defines it.`);
  }
  if (errors.length > before) return undefined;
  // Known fields only: nothing a file smuggles in reaches web-llm.
  return Object.fromEntries(WEBLLM_FIELDS.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]]));
}

function checkTransformers(
  entry: unknown,
  path: string,
  errors: string[],
): { hub: TransformersHubSource } | { folder: TransformersModelSource } | undefined {
  if (!isObject(entry)) {
    errors.push(`${path} must be an object such as { "model": "org/name", "dtype": "q4" }, not ${describe(entry)}.`);
    return undefined;
  }
  const before = errors.length;
  unknownFields(entry, TRANSFORMERS_FIELDS, path, errors);
  const { model, url, dtype, name } = entry;
  if (model !== undefined && url !== undefined) {
    errors.push(`${path} has both model and url: give model for a hub id, or url for a folder, not both.`);
  } else if (model === undefined && url === undefined) {
    errors.push(`${path}.model is missing: give a hub id ("org/name") as model, or a folder URL as url.`);
  } else if (model !== undefined && (typeof model !== 'string' || !HUB_ID.test(model))) {
    errors.push(
      `${path}.model must be a hub id such as onnx-community/Qwen2.5-0.5B-Instruct (it is ${describe(model)}).`,
    );
  } else if (url !== undefined) {
    checkUrl(entry, 'url', path, errors);
  }
  if (!(TRANSFORMERS_DTYPES as readonly unknown[]).includes(dtype)) {
    errors.push(
      dtype === undefined
        ? `${path}.dtype is missing: give one of ${TRANSFORMERS_DTYPES.join(', ')}.`
        : `${path}.dtype must be one of ${TRANSFORMERS_DTYPES.join(', ')} (it is ${describe(dtype)}).`,
    );
  }
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME)) {
    errors.push(`${path}.name must be a short text of 1 to ${MAX_NAME} characters (it is ${describe(name)}).`);
  }
  if (errors.length > before) return undefined;
  const extra = name === undefined ? {} : { name: name as string };
  return typeof model === 'string'
    ? { hub: { model, dtype: dtype as string, ...extra } }
    : { folder: { url: (url as string).replace(/\/+$/, ''), dtype: dtype as string, ...extra } };
}

function checkLlamaCpp(entry: unknown, path: string, errors: string[]): LlamaCppModelSource | undefined {
  if (!isObject(entry)) {
    errors.push(`${path} must be an object such as { "url": "https://.../model-Q4_0.gguf" }, not ${describe(entry)}.`);
    return undefined;
  }
  const before = errors.length;
  unknownFields(entry, LLAMACPP_FIELDS, path, errors);
  const { model, file, url, name } = entry;
  let address: string | undefined;
  if (url !== undefined && (model !== undefined || file !== undefined)) {
    errors.push(`${path} has both url and model/file: give a file's url, or a hub model and file, not both.`);
  } else if (url !== undefined) {
    checkUrl(entry, 'url', path, errors);
    if (typeof url === 'string' && isHttpUrl(url)) address = url;
  } else if (typeof model !== 'string' || !HUB_ID.test(model)) {
    errors.push(
      model === undefined
        ? `${path}.url is missing: give a GGUF file's url, or a hub model ("org/name") and its file.`
        : `${path}.model must be a hub id such as bartowski/Llama-3.2-1B-Instruct-GGUF (it is ${describe(model)}).`,
    );
  } else if (typeof file !== 'string' || !/^[\w.-]+(\/[\w.-]+)*$/.test(file)) {
    errors.push(`${path}.file must be the GGUF file's name in the repository (it is ${describe(file)}).`);
  } else {
    address = llamaCppFileUrl(model, file);
  }
  if (address !== undefined && !/\.gguf$/i.test(new URL(address).pathname)) {
    errors.push(`${path} must name a .gguf file (the first part of a split model), not ${describe(address)}.`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME)) {
    errors.push(`${path}.name must be a short text of 1 to ${MAX_NAME} characters (it is ${describe(name)}).`);
  }
  if (errors.length > before || address === undefined) return undefined;
  return { url: address, ...(name === undefined ? {} : { name: name as string }) };
}

function checkList(value: unknown, field: string, errors: string[]): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.push(`${field} must be a list ([...]) of models, not ${describe(value)}.`);
    return [];
  }
  if (value.length > MAX_MODELS_PER_ENGINE) {
    errors.push(`${field} has ${value.length} models; a list may hold at most ${MAX_MODELS_PER_ENGINE} per engine.`);
    return [];
  }
  return value;
}

/** Checks a parsed model list. Every problem is reported, each naming its field. */
export function validateModelList(data: unknown): ModelListResult {
  const errors: string[] = [];
  if (!isObject(data)) {
    return { ok: false, errors: [`The file must hold one JSON object with "schema": "${MODEL_LIST_SCHEMA}".`] };
  }
  if (!MODEL_LIST_SCHEMAS.includes(data.schema as string)) {
    errors.push(
      data.schema === undefined
        ? `schema is missing: add "schema": "${MODEL_LIST_SCHEMA}".`
        : `schema must be "${MODEL_LIST_SCHEMA}" (or "edge-llm/models@1") (it is ${describe(data.schema)}).`,
    );
  } else if (data.schema === MODEL_LIST_SCHEMAS[0] && data.llamacpp !== undefined) {
    errors.push(`A llamacpp list needs "schema": "${MODEL_LIST_SCHEMA}" (version 1 has none).`);
  }
  unknownFields(data, TOP_FIELDS, '(top level)', errors);
  const webllmEntries = checkList(data.webllm, 'webllm', errors);
  const transformersEntries = checkList(data.transformers, 'transformers', errors);
  const llamaCppEntries = checkList(data.llamacpp, 'llamacpp', errors);
  if (data.webllm === undefined && data.transformers === undefined && data.llamacpp === undefined) {
    errors.push('The list has no models: add a "webllm", a "transformers" or a "llamacpp" list.');
  }

  const ids = new Set<string>();
  const webllm = webllmEntries
    .map((entry, index) => checkWebLlm(entry, `webllm[${index}]`, errors, ids))
    .filter((entry) => entry !== undefined);
  const hub: TransformersHubSource[] = [];
  const folders: TransformersModelSource[] = [];
  transformersEntries.forEach((entry, index) => {
    const checked = checkTransformers(entry, `transformers[${index}]`, errors);
    if (checked && 'hub' in checked) hub.push(checked.hub);
    else if (checked) folders.push(checked.folder);
  });
  const gguf = llamaCppEntries
    .map((entry, index) => checkLlamaCpp(entry, `llamacpp[${index}]`, errors))
    .filter((entry) => entry !== undefined);
  if (errors.length > 0) return { ok: false, errors };
  const models: CustomModelSource = {};
  if (webllm.length > 0) models.webllm = webllm;
  if (folders.length > 0) models.transformers = folders;
  if (hub.length > 0) models.transformersHub = hub;
  if (gguf.length > 0) models.llamacpp = gguf;
  return { ok: true, models, count: webllm.length + folders.length + hub.length + gguf.length };
}

/** Parses and checks the text of a model list file. */
export function parseModelList(text: string): ModelListResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`The file is not valid JSON: ${(error as Error).message}.`] };
  }
  return validateModelList(data);
}

/** A catalog row for a transformers.js hub model from an imported list. */
export function hubTransformersRecord(source: TransformersHubSource): ModelRecord {
  const family = source.name ?? source.model.split('/').at(-1) ?? source.model;
  return unlistedTransformersRecord(transformersModelId(source.model, source.dtype), family, source.dtype);
}
