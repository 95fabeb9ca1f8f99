// Types of tiny-llama.mjs, the tiny GGUF test models and the broken files.
import type { GgufModel, TensorType } from './writer.mjs';
export const TINY_SHAPE: {
  embedding: number;
  feedForward: number;
  layers: number;
  heads: number;
  kvHeads: number;
  contextLength: number;
};
export const UTF8_TRAP_TRIGGER: string;
export function tinyLlamaModel(
  tokenizer: unknown,
  type: TensorType,
  options?: { trapAfter?: string; trapByte?: number },
): GgufModel & { forbidden: Set<number> };
export function writeTinyGgufFixtures(
  dir: string,
  options: { tokenizer: unknown; write: (path: string, data: Uint8Array | string) => void },
): { sizes: Record<TensorType, number> };
export function splitModel(model: GgufModel, parts: number): GgufModel[];
