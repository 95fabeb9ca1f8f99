/**
 * A cautious estimate of a chat prompt's size in tokens, for an engine that cannot count without
 * generating. Pure.
 *
 * The byte-level BPE tokenizers of small chat models average about 4 UTF-8 bytes a token on
 * English prose, fewer on code, numbers and most other scripts (a CJK character, 3 bytes, is often
 * a token of its own). Dividing the bytes by 3 therefore overestimates English by about a third
 * and comes close on the rest: an estimate that errs high leaves out a turn too many, never one
 * too few. Chat templates add a few tokens around each message (ChatML: 5) and a reply header;
 * 8 a message and 8 for the header cover the common templates.
 */
import type { ChatMessage } from '../shared/engine-api.js';

const BYTES_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 8;
const TOKENS_FOR_REPLY_HEADER = 8;

const encoder = new TextEncoder();

/** Estimated tokens of `messages` with a chat template and a reply header (see above). */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = TOKENS_FOR_REPLY_HEADER;
  for (const message of messages) {
    tokens += TOKENS_PER_MESSAGE + Math.ceil(encoder.encode(message.content).length / BYTES_PER_TOKEN);
  }
  return tokens;
}
