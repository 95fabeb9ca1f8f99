// Types of vocab.mjs: the twins' byte-level vocabulary.
import type { SpecialToken, TwinSpec } from './spec.mjs';
export interface VocabLayout {
  size: number;
  specials: SpecialToken[];
  /** The id of each byte value 0-255. */
  byteTokenIds: number[];
  fillerIds: number[];
}
export function vocabLayout(spec: TwinSpec): VocabLayout;
export function silentTokenIds(layout: VocabLayout): number[];
export function buildVocabulary(layout: VocabLayout): { tokens: string[]; merges: [string, string][] };
