/**
 * Teacher forcing through llama.cpp as wllama exposes it (an OpenAI-style completion API with no
 * tokenizer call and no logits for prompt positions). The fixed sequence is fed by generation:
 * the prompt is its first token, and a grammar of token ids (`<[id]>`, llama.cpp's token-level
 * GBNF) lets the sampler pick only the next forced token at every step, while `logprobs` reports
 * the model's own distribution before any sampling: its top-1 token and the log-probability of
 * the forced one. One decoded token per position, the same ids as given, llama.cpp's own logits.
 *
 * Pure: vocabulary decoding and the longest-match split of text over a GGUF vocabulary, the
 * grammar, and the assembly of {@link ForcedChoices} from the steps.
 */
import type { ForcedChoices } from '../shared/engine-api.js';
import type { GgufValue } from './gguf.js';

/** The tokenizer part of a GGUF file's metadata. */
export interface GgufVocabulary {
  /** `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece). */
  model: string;
  tokens: readonly string[];
  /** `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte. */
  tokenTypes?: readonly number[];
  bosTokenId?: number;
  addBos: boolean;
}

const CONTROL = 3;

/** The vocabulary a GGUF file's metadata declares; undefined when it lists no tokens. */
export function ggufVocabulary(metadata: Record<string, GgufValue>): GgufVocabulary | undefined {
  const tokens = metadata['tokenizer.ggml.tokens'];
  const model = metadata['tokenizer.ggml.model'];
  if (!Array.isArray(tokens) || typeof model !== 'string') return undefined;
  const types = metadata['tokenizer.ggml.token_type'];
  const bos = metadata['tokenizer.ggml.bos_token_id'];
  // llama.cpp adds a BOS for SentencePiece vocabularies unless told otherwise.
  const addBos = metadata['tokenizer.ggml.add_bos_token'];
  return {
    model,
    tokens: tokens.map(String),
    ...(Array.isArray(types) ? { tokenTypes: types.map(Number) } : {}),
    ...(typeof bos === 'number' ? { bosTokenId: bos } : {}),
    addBos: typeof addBos === 'boolean' ? addBos : model === 'llama',
  };
}
/** SentencePiece writes a space as U+2581 (▁). */
const SPM_SPACE = '\u2581';

/** GPT-2's byte-to-character map (printable bytes stand for themselves, others from U+0100). */
function gpt2ByteChars(): string[] {
  const chars: string[] = [];
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    chars.push(String.fromCodePoint(printable ? byte : 256 + extra++));
  }
  return chars;
}

let byteChars: string[] | undefined;
let charBytes: Map<string, number> | undefined;

function gpt2Maps(): { byteChars: string[]; charBytes: Map<string, number> } {
  byteChars ??= gpt2ByteChars();
  charBytes ??= new Map(byteChars.map((char, byte) => [char, byte]));
  return { byteChars, charBytes };
}

/** Raised when a vocabulary or a sequence cannot be read this way; the message says why. */
export class ForcedSequenceError extends Error {
  override name = 'ForcedSequenceError';
}

function checkModel(vocab: GgufVocabulary): void {
  if (vocab.model !== 'gpt2' && vocab.model !== 'llama') {
    throw new ForcedSequenceError(
      `The tokenizer "${vocab.model}" is not supported for teacher forcing with llama.cpp (only gpt2 and llama).`,
    );
  }
}

/** The bytes one token stands for in text (control tokens: their text, as llama.cpp's prompt parser reads it). */
export function tokenBytes(vocab: GgufVocabulary, id: number): Uint8Array {
  checkModel(vocab);
  const text = vocab.tokens[id];
  if (text === undefined) throw new ForcedSequenceError(`Token id ${id} is outside the vocabulary.`);
  if (vocab.tokenTypes?.[id] === CONTROL) return new TextEncoder().encode(text);
  if (vocab.model === 'llama') {
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
    if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
    return new TextEncoder().encode(text.replaceAll(SPM_SPACE, ' '));
  }
  const { charBytes: map } = gpt2Maps();
  const bytes: number[] = [];
  for (const char of text) {
    const byte = map.get(char);
    if (byte === undefined) return new TextEncoder().encode(text);
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/** A token as prompt text; throws when its bytes are not whole UTF-8 characters. */
export function tokenText(vocab: GgufVocabulary, id: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(tokenBytes(vocab, id));
  } catch (error) {
    if (error instanceof ForcedSequenceError) throw error;
    throw new ForcedSequenceError(
      `Token ${id} is part of a character, so it cannot start the sequence as prompt text.`,
    );
  }
}

/** Every normal token's surface form in the vocabulary's own alphabet, longest first. */
function surfaceIndex(vocab: GgufVocabulary): { byForm: Map<string, number>; longest: number } {
  const byForm = new Map<string, number>();
  let longest = 1;
  vocab.tokens.forEach((text, id) => {
    if (vocab.tokenTypes?.[id] === CONTROL || text === '' || byForm.has(text)) return;
    byForm.set(text, id);
    longest = Math.max(longest, text.length);
  });
  return { byForm, longest };
}

/**
 * Splits text into the vocabulary's tokens by longest match (a valid sequence whose bytes are the
 * text; llama.cpp gives wllama no tokenizer call, so it is not necessarily the split llama.cpp's
 * own tokenizer would make). A BOS comes first when the model adds one. Cut to `maxTokens`.
 */
export function splitText(vocab: GgufVocabulary, text: string, maxTokens: number): number[] {
  checkModel(vocab);
  const { byForm, longest } = surfaceIndex(vocab);
  let surface: string[];
  let byteToken: (byte: number) => number | undefined;
  if (vocab.model === 'gpt2') {
    const { byteChars: chars } = gpt2Maps();
    surface = [...new TextEncoder().encode(text)].map((byte) => chars[byte]!);
    byteToken = (byte) => byForm.get(chars[byte]!);
  } else {
    surface = [...text.replaceAll(' ', SPM_SPACE)];
    byteToken = (byte) => byForm.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
  }
  const ids: number[] = vocab.addBos && vocab.bosTokenId !== undefined ? [vocab.bosTokenId] : [];
  let at = 0;
  while (at < surface.length && ids.length < maxTokens) {
    let matched = 0;
    for (let length = Math.min(longest, surface.length - at); length > 0 && matched === 0; length--) {
      const id = byForm.get(surface.slice(at, at + length).join(''));
      if (id !== undefined) {
        ids.push(id);
        matched = length;
      }
    }
    if (matched > 0) {
      at += matched;
      continue;
    }
    // A character no token spells: its UTF-8 bytes as byte tokens (SentencePiece's byte fallback).
    for (const byte of new TextEncoder().encode(surface[at]!)) {
      const id = byteToken(byte);
      if (id === undefined) throw new ForcedSequenceError(`No token spells the character "${surface[at]}".`);
      ids.push(id);
    }
    at += 1;
  }
  return ids.slice(0, maxTokens);
}

/**
 * The grammar that lets the sampler emit exactly `ids[1..]`, one token per step, and one step
 * more (any forced token will do: only the distribution it is drawn from is read), so the last
 * position gets its prediction too.
 */
export function forcedGrammar(ids: readonly number[]): string {
  if (ids.length === 0) throw new ForcedSequenceError('The sequence to read is empty.');
  const steps = [...ids.slice(1), ids.at(-1)!];
  return `root ::= ${steps.map((id) => `<[${id}]>`).join(' ')}`;
}

/** One generated step as the completion's `logprobs` report it. */
export interface ForcedStep {
  /** The token the grammar let through. */
  id: number;
  /** Its log-probability under the model's distribution before sampling. */
  logprob: number;
  /** The most likely token of that distribution and its log-probability. */
  top: { id: number; logprob: number } | undefined;
}

/**
 * Choices from the steps of a forced generation over `ids`: step i is the prediction after
 * reading ids[0..i]. Throws when a step emitted another token than the forced one (the sequence
 * read would not be the one given).
 */
export function forcedChoicesFromSteps(ids: readonly number[], steps: readonly ForcedStep[]): ForcedChoices {
  const n = ids.length;
  if (steps.length < n) {
    throw new ForcedSequenceError(`llama.cpp stopped after ${steps.length} of ${n} positions.`);
  }
  const top1: number[] = [];
  const top1Logprobs: number[] = [];
  const targetLogprobs: number[] = [];
  for (let i = 0; i < n; i++) {
    const step = steps[i]!;
    if (i + 1 < n) {
      if (step.id !== ids[i + 1]) {
        throw new ForcedSequenceError(`At position ${i + 1} llama.cpp read token ${step.id}, not ${ids[i + 1]}.`);
      }
      targetLogprobs.push(step.logprob);
    }
    if (!step.top) throw new ForcedSequenceError(`llama.cpp reported no top token at position ${i}.`);
    top1.push(step.top.id);
    top1Logprobs.push(step.top.logprob);
  }
  return { tokenIds: [...ids], top1, top1Logprobs, targetLogprobs };
}
