// Types of tokenizer.mjs: the twins' tokenizer files.
import type { TwinSpec } from './spec.mjs';
import type { VocabLayout } from './vocab.mjs';
export interface TokenizerJson {
  added_tokens: { id: number; content: string; special: boolean }[];
  model: { type: 'BPE'; vocab: Record<string, number>; merges: string[] };
  [key: string]: unknown;
}
export function tokenizerJson(layout: VocabLayout): TokenizerJson;
export function tokenizerConfig(spec: TwinSpec, layout: VocabLayout): Record<string, unknown>;
