// Types of mirror.mjs's exports (the layout functions and the runner), for the tests.
export const PUBLIC_MODEL_HOST: string;
export const PUBLIC_LIBRARY_HOST: string;
export const MODEL_LIST_FILE: string;
export const MODEL_LIST_SCHEMA: string;
export const DTYPES: string[];
export function webLlmModelPath(model: string): string | undefined;
export function webLlmLibraryPath(modelLib: string): string | undefined;
export function transformersModelPath(model: string): string;
export function onnxFile(dtype: string): string;
export function externalDataFiles(config: unknown, onnxPath: string): string[];
export function formatBytes(bytes: number): string;
export function ggufParts(file: string): string[];
export interface MirrorOptions {
  engine: 'webllm' | 'transformers' | 'llamacpp';
  out: string;
  model?: string;
  record?: string;
  dtype?: string;
  /** llama.cpp: the GGUF file in the repository (a split model's first part). */
  file?: string;
  hub: string;
  libHost: string;
}
export function parseArgs(argv: string[]): MirrorOptions | { help: true };
export function mirror(
  options: MirrorOptions,
  log?: (line: string) => void,
): Promise<{ files: { path: string; size: number }[]; bytes: number; downloaded: number }>;
