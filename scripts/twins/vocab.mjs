// A twin's vocabulary: byte-level BPE over the whole vocabulary size, so that every id a random
// model can emit decodes to text. The chat tokens keep their real ids; the 256 byte tokens take
// the lowest free ids; every other id is a pronounceable ASCII pseudo-word made by a merge of two
// earlier tokens (" bako", "rimu"...), so replies read as words and are always valid UTF-8.

import { bytesToUnicode } from '../byte-level.mjs';

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v));

/**
 * Where the special and byte tokens sit in the vocabulary.
 * @returns {{ size: number, specials: { id: number, content: string }[], byteTokenIds: number[], fillerIds: number[] }}
 */
export function vocabLayout(spec) {
  const taken = new Set(spec.specialTokens.map((token) => token.id));
  const free = [];
  for (let id = 0; id < spec.vocabSize; id++) if (!taken.has(id)) free.push(id);
  if (free.length < 256) throw new Error(`a vocabulary of ${spec.vocabSize} has no room for the 256 byte tokens`);
  return {
    size: spec.vocabSize,
    specials: spec.specialTokens.map((token) => ({ ...token })),
    byteTokenIds: free.slice(0, 256),
    fillerIds: free.slice(256),
  };
}

/**
 * Ids a random model must never emit: the special tokens (so a reply runs to its length, as a
 * benchmark expects) and the bytes 0x80-0xff, which alone are not valid UTF-8 (llama.cpp then
 * fails with a misleading error; see ENVIRONMENT.md).
 */
export function silentTokenIds(layout) {
  return [...layout.specials.map((token) => token.id), ...layout.byteTokenIds.slice(0x80)].sort((a, b) => a - b);
}

/** Pairs [left, right] whose concatenations are the filler tokens, in creation order. */
function* fillerMerges(space) {
  for (const c of CONSONANTS) for (const v of VOWELS) yield [c, v];
  for (const s of SYLLABLES) yield [space, s];
  const two = [];
  for (const a of SYLLABLES) {
    for (const b of SYLLABLES) {
      yield [a, b];
      yield [space + a, b];
      two.push(a + b);
    }
  }
  for (const ab of two) {
    for (const c of SYLLABLES) {
      yield [ab, c];
      yield [space + ab, c];
    }
  }
}

/**
 * Every token string by id, and the merges that build the filler tokens (in rank order).
 * @returns {{ tokens: string[], merges: [string, string][] }}
 */
export function buildVocabulary(layout) {
  const byteChars = bytesToUnicode();
  const tokens = new Array(layout.size);
  for (const { id, content } of layout.specials) tokens[id] = content;
  layout.byteTokenIds.forEach((id, byte) => (tokens[id] = byteChars.get(byte)));
  const merges = [];
  const pairs = fillerMerges(byteChars.get(0x20));
  for (const id of layout.fillerIds) {
    const next = pairs.next();
    if (next.done) throw new Error(`cannot make ${layout.fillerIds.length} filler tokens`);
    const [left, right] = next.value;
    tokens[id] = left + right;
    merges.push([left, right]);
  }
  return { tokens, merges };
}
