/**
 * llama.cpp (wllama) models: small instruct GGUF files on the public hub, one catalog row per
 * quantization, plus GGUF files a person points at by URL. Pure: no engine import.
 *
 * Sizes are the files' sizes on the hub. Where `verified` is false the size was not read from
 * the repository itself but computed from the parameter count and the format's bits per weight
 * (Q8_0 8.5, Q4_0 4.5, Q4_K_M about 4.9): the fit check still holds, the download bar shows the
 * real size once it starts.
 */
import type { ModelRecord } from '../shared/engine-api.js';
import { mirrorLlamaCppUrl, PUBLIC_MODEL_HOST } from './mirror-urls.js';

export interface GgufFile {
  /** File name in the repository; for a split model, its first part ("...-00001-of-00002.gguf"). */
  file: string;
  /** Size of all parts together, in MB (10^6 bytes). */
  sizeMB: number;
  /** Number of parts of a split model (llama.cpp's gguf-split); 1 when whole. */
  parts?: number;
  /** True when the size was read from the repository's file list. */
  verified: boolean;
}

export interface LlamaCppCatalogEntry {
  /** Hub repository, e.g. "bartowski/Llama-3.2-1B-Instruct-GGUF". */
  repo: string;
  family: string;
  parameters: string;
  parameterCount: number;
  contextWindow: number;
  /** KV-cache bytes per token of context with llama.cpp's default f16 cache (from the model's shape). */
  kvBytesPerToken: number;
  files: Record<string, GgufFile>;
}

/** Context llama.cpp is given unless asked otherwise: long enough to chat, small enough to fit. */
export const DEFAULT_CONTEXT = 4096;

const estimate = (file: string, sizeMB: number): GgufFile => ({ file, sizeMB, verified: false });

// KV bytes per token: 2 (K, V) x layers x KV heads x head size x 2 bytes.
export const LLAMACPP_CATALOG: readonly LlamaCppCatalogEntry[] = [
  {
    repo: 'bartowski/SmolLM2-135M-Instruct-GGUF',
    family: 'SmolLM2',
    parameters: '135M',
    parameterCount: 135e6,
    contextWindow: 8192,
    kvBytesPerToken: 2 * 30 * 3 * 64 * 2,
    files: {
      Q8_0: estimate('SmolLM2-135M-Instruct-Q8_0.gguf', 145),
      Q4_K_M: estimate('SmolLM2-135M-Instruct-Q4_K_M.gguf', 105),
      Q4_0: estimate('SmolLM2-135M-Instruct-Q4_0.gguf', 92),
    },
  },
  {
    repo: 'bartowski/SmolLM2-360M-Instruct-GGUF',
    family: 'SmolLM2',
    parameters: '360M',
    parameterCount: 362e6,
    contextWindow: 8192,
    kvBytesPerToken: 2 * 32 * 5 * 64 * 2,
    files: {
      Q8_0: estimate('SmolLM2-360M-Instruct-Q8_0.gguf', 386),
      Q4_K_M: estimate('SmolLM2-360M-Instruct-Q4_K_M.gguf', 271),
      Q4_0: estimate('SmolLM2-360M-Instruct-Q4_0.gguf', 229),
    },
  },
  {
    repo: 'bartowski/SmolLM2-1.7B-Instruct-GGUF',
    family: 'SmolLM2',
    parameters: '1.7B',
    parameterCount: 1.71e9,
    contextWindow: 8192,
    kvBytesPerToken: 2 * 24 * 32 * 64 * 2,
    files: {
      Q8_0: estimate('SmolLM2-1.7B-Instruct-Q8_0.gguf', 1820),
      Q4_K_M: estimate('SmolLM2-1.7B-Instruct-Q4_K_M.gguf', 1060),
      Q4_0: estimate('SmolLM2-1.7B-Instruct-Q4_0.gguf', 991),
    },
  },
  {
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    family: 'Qwen2.5',
    parameters: '0.5B',
    parameterCount: 494e6,
    contextWindow: 32768,
    kvBytesPerToken: 2 * 24 * 2 * 64 * 2,
    files: {
      Q8_0: estimate('qwen2.5-0.5b-instruct-q8_0.gguf', 676),
      Q4_K_M: estimate('qwen2.5-0.5b-instruct-q4_k_m.gguf', 491),
      Q4_0: estimate('qwen2.5-0.5b-instruct-q4_0.gguf', 429),
    },
  },
  {
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    family: 'Qwen2.5',
    parameters: '1.5B',
    parameterCount: 1.54e9,
    contextWindow: 32768,
    kvBytesPerToken: 2 * 28 * 2 * 128 * 2,
    files: {
      Q8_0: estimate('qwen2.5-1.5b-instruct-q8_0.gguf', 1890),
      Q4_K_M: estimate('qwen2.5-1.5b-instruct-q4_k_m.gguf', 1120),
      Q4_0: estimate('qwen2.5-1.5b-instruct-q4_0.gguf', 1070),
    },
  },
  {
    repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    family: 'Llama 3.2',
    parameters: '1B',
    parameterCount: 1.24e9,
    contextWindow: 131072,
    kvBytesPerToken: 2 * 16 * 8 * 64 * 2,
    files: {
      Q8_0: { file: 'Llama-3.2-1B-Instruct-Q8_0.gguf', sizeMB: 1320, verified: true },
      Q4_K_M: { file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', sizeMB: 810, verified: true },
      Q4_0: estimate('Llama-3.2-1B-Instruct-Q4_0.gguf', 771),
    },
  },
  {
    repo: 'bartowski/Phi-3.5-mini-instruct-GGUF',
    family: 'Phi 3.5',
    parameters: '3.8B',
    parameterCount: 3.82e9,
    contextWindow: 131072,
    kvBytesPerToken: 2 * 32 * 32 * 96 * 2,
    files: {
      // Over the 4 GiB WebAssembly memory on the CPU path: listed so the fit check can say so.
      Q8_0: estimate('Phi-3.5-mini-instruct-Q8_0.gguf', 4060),
      Q4_K_M: estimate('Phi-3.5-mini-instruct-Q4_K_M.gguf', 2390),
      Q4_0: estimate('Phi-3.5-mini-instruct-Q4_0.gguf', 2180),
    },
  },
];

/** A GGUF file a person points at: its URL (the first part of a split model) and a name. */
export interface LlamaCppModelSource {
  url: string;
  name?: string;
}

const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/;

/** Parts of a split GGUF URL ("x-00001-of-00003.gguf" -> its three URLs); the URL alone otherwise. */
export function ggufPartUrls(url: string): string[] {
  const match = SPLIT.exec(url);
  if (!match) return [url];
  const count = Number(match[2]);
  const base = url.slice(0, match.index);
  return Array.from({ length: count }, (_, i) => `${base}-${String(i + 1).padStart(5, '0')}-of-${match[2]}.gguf`);
}

/** Catalog id of a hub file: "<repo>@<quantization>". A custom model's id is its URL. */
export function llamaCppModelId(repo: string, quantization: string): string {
  return `${repo}@${quantization}`;
}

/** URL of a catalog file on the hub or in a mirror laid out like it. */
export function llamaCppFileUrl(repo: string, file: string, mirror?: string): string {
  return new URL(`${repo}/resolve/main/${file}`, mirror ?? PUBLIC_MODEL_HOST).href;
}

export interface ResolvedGguf {
  /** URL of the file (the first part of a split model): what wllama's cache keys the model by. */
  url: string;
  entry: LlamaCppCatalogEntry | undefined;
  quantization: string;
  /** Declared size of every part together, when the catalog knows it. */
  sizeBytes: number | undefined;
}

/** Where a model id's file is: a catalog entry (on the hub or the mirror) or a URL as given. */
export function resolveLlamaCppModel(id: string, mirror?: string): ResolvedGguf | undefined {
  if (/^https?:\/\//.test(id)) {
    if (!/\.gguf$/i.test(new URL(id).pathname)) return undefined;
    // A hub file named in a model list is fetched from the mirror when one is set.
    const url = mirrorLlamaCppUrl(id, mirror);
    return { url, entry: undefined, quantization: quantizationFromFileName(id), sizeBytes: undefined };
  }
  const at = id.lastIndexOf('@');
  const repo = id.slice(0, at);
  const quantization = id.slice(at + 1);
  const entry = LLAMACPP_CATALOG.find((candidate) => candidate.repo === repo);
  const file = entry?.files[quantization];
  if (!entry || !file) return undefined;
  return { url: llamaCppFileUrl(repo, file.file, mirror), entry, quantization, sizeBytes: file.sizeMB * 1e6 };
}

/** "Q4_K_M" from "model-Q4_K_M.gguf" or "qwen2.5-0.5b-instruct-q8_0.gguf"; "" when the name does not say. */
export function quantizationFromFileName(url: string): string {
  const name = url.replace(SPLIT, '.gguf').split('/').at(-1) ?? '';
  const match = /[-_.]((?:I?Q\d(?:_[A-Z0-9]+)*)|F16|BF16|F32)\.gguf$/i.exec(name);
  return match ? match[1]!.toUpperCase() : '';
}

/**
 * Memory the model needs, in MiB: the weights, the KV cache at the context llama.cpp is given,
 * and about 10% for compute buffers and the runtime.
 */
export function llamaCppMemoryMB(sizeBytes: number, kvBytesPerToken: number, context = DEFAULT_CONTEXT): number {
  return Math.round(((sizeBytes + kvBytesPerToken * context) * 1.1) / 2 ** 20);
}

export function llamaCppRecords(): ModelRecord[] {
  return LLAMACPP_CATALOG.flatMap((entry) =>
    Object.entries(entry.files).map(([quantization, file]) => ({
      id: llamaCppModelId(entry.repo, quantization),
      engine: 'llamacpp' as const,
      kind: 'chat' as const,
      family: entry.family,
      parameters: entry.parameters,
      parameterCount: entry.parameterCount,
      quantization,
      vramMB: llamaCppMemoryMB(
        file.sizeMB * 1e6,
        entry.kvBytesPerToken,
        Math.min(entry.contextWindow, DEFAULT_CONTEXT),
      ),
      vramIsEstimate: true,
      downloadBytes: file.sizeMB * 1e6,
      contextWindow: entry.contextWindow,
      // llama.cpp's WebGPU backend needs shader-f16, but without it the model runs on the CPU.
      requiredFeatures: [],
      bufferSizeRequiredBytes: undefined,
      lowResource: true,
      cached: false,
    })),
  );
}

/** A catalog row for a GGUF file outside the catalog; its size is unknown until it is fetched. */
export function customLlamaCppRecord(source: LlamaCppModelSource): ModelRecord {
  const file = source.url.split('/').at(-1) ?? source.url;
  return {
    id: source.url,
    engine: 'llamacpp',
    kind: 'chat',
    family: source.name ?? file.replace(SPLIT, '').replace(/\.gguf$/i, ''),
    parameters: '?',
    parameterCount: undefined,
    quantization: quantizationFromFileName(source.url),
    vramMB: 0,
    vramIsEstimate: true,
    contextWindow: undefined,
    requiredFeatures: [],
    bufferSizeRequiredBytes: undefined,
    lowResource: true,
    cached: false,
  };
}

/** The catalog id of a stored file's URL (on the hub or a mirror laid out like it); the URL itself otherwise. */
export function llamaCppIdOfUrl(url: string): string {
  for (const entry of LLAMACPP_CATALOG) {
    for (const [quantization, file] of Object.entries(entry.files)) {
      if (url.endsWith(`/${entry.repo}/resolve/main/${file.file}`)) return llamaCppModelId(entry.repo, quantization);
    }
  }
  return url;
}
