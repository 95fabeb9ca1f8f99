/**
 * Which part of a conversation the model is shown before a reply, so that the prompt and the
 * reply fit the model's context window. Pure: the prompt is counted by a function the caller
 * gives (the engine's own tokenizer and chat template, in the worker).
 *
 * The rule, in order:
 * 1. A reply is given room for `maxTokens`, but never more than half the window
 *    ({@link replyReserve}); a longer reply may still run on until the window is full, where
 *    the engine ends it ("length").
 * 2. The prompt (system prompt, the history kept, the new message, as the chat template writes
 *    them) may use the rest: the budget is `contextWindow - reserve`.
 * 3. History is cut only where an exchange starts (a user message), so the model never reads
 *    a reply without its question, and templates that expect user/assistant turns stay valid.
 * 4. Where the model's memory began for the last reply stays put while the prompt fits. The
 *    history the engine sees then only grows at its end: an unchanged prefix, which engines that
 *    keep their KV cache across turns (web-llm) reuse instead of reading it again.
 * 5. When it no longer fits, the oldest exchanges are left out until the prompt uses at most half
 *    of the budget, so the next few replies fit again without another cut (one cache rebuild per
 *    several turns, not one per turn). If no cut gets that low, the earliest cut that fits is used
 *    (it keeps the most history).
 *    The system prompt and the new message are always kept.
 * 6. When the system prompt and the new message alone are over the budget, nothing is sent: the
 *    plan says how long the message is and the longest it can be.
 */
import type { ChatMessage } from '../shared/engine-api.js';
import { edgeError, ERROR_NAMES } from './errors.js';

/** A turn of the conversation as the planner sees it: its role and its text ('' when empty). */
export interface PlanTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ContextPlanInput {
  systemPrompt: string;
  /** Every turn before the new message, oldest first. */
  turns: readonly PlanTurn[];
  /** The new user message. */
  message: string;
  /** The model's context window in tokens; undefined when the engine does not say (no plan). */
  contextWindow: number | undefined;
  maxTokens: number;
  /** The index in `turns` where the model's memory began for the last reply (0 at first). */
  memoryStart: number;
}

/** Counts a prompt as the engine would read it (chat template included). */
export type PromptCounter = (messages: ChatMessage[]) => Promise<number>;

export type ContextPlan =
  | {
      fits: true;
      /** The messages to send: system prompt, kept history, new message. */
      messages: ChatMessage[];
      /** Turns before this index are no longer shown to the model. */
      memoryStart: number;
      /** The prompt's size in tokens, when it was counted (not without a context window). */
      promptTokens: number | undefined;
    }
  | {
      fits: false;
      /** Tokens of the message itself (the prompt less the system prompt and template). */
      messageTokens: number;
      /** The longest the message can be, in tokens (0 when the system prompt leaves no room). */
      maxMessageTokens: number;
      /** Tokens the system prompt and the chat template take without the message. */
      overheadTokens: number;
      contextWindow: number;
      /** Tokens kept free for the reply. */
      reserveTokens: number;
    };

/** Tokens kept free for the reply: `maxTokens`, at most half the window. */
export function replyReserve(contextWindow: number, maxTokens: number): number {
  return Math.max(1, Math.min(Math.floor(maxTokens), Math.floor(contextWindow / 2)));
}

/** The messages for a reply: the system prompt (when set), the turns from `start`, the new message. */
export function planMessages(
  systemPrompt: string,
  turns: readonly PlanTurn[],
  start: number,
  message: string,
): ChatMessage[] {
  const system = systemPrompt.trim();
  const history = turns
    .slice(start)
    .filter((turn) => turn.content !== '')
    .map((turn): ChatMessage => ({ role: turn.role, content: turn.content }));
  return [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...history,
    { role: 'user', content: message },
  ];
}

/** Where the history may start: each user turn at or after `from`, then "no history". */
function cutPoints(turns: readonly PlanTurn[], from: number): number[] {
  const points: number[] = [];
  for (let index = Math.max(0, from); index < turns.length; index++) {
    if (turns[index]!.role === 'user') points.push(index);
  }
  points.push(turns.length);
  return points;
}

/**
 * The first cut point whose prompt is within `limit` tokens, by binary search (the prompt only
 * shrinks as the cut moves later); undefined when even the last is over.
 */
async function firstWithin(
  points: number[],
  limit: number,
  count: (start: number) => Promise<number>,
): Promise<{ start: number; tokens: number } | undefined> {
  let low = 0;
  let high = points.length - 1;
  let found: { start: number; tokens: number } | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const start = points[middle]!;
    const tokens = await count(start);
    if (tokens <= limit) {
      found = { start, tokens };
      high = middle - 1;
    } else {
      low = middle + 1;
    }
  }
  return found;
}

/** Plans the prompt of the next reply (see the rule at the top of this file). */
export async function planContext(input: ContextPlanInput, countPrompt: PromptCounter): Promise<ContextPlan> {
  const { systemPrompt, turns, message, contextWindow, maxTokens } = input;
  // A start that no longer exists (turns were removed) or that is not an exchange's start moves
  // to the next exchange, never back: what the model forgot stays forgotten.
  const previous = cutPoints(turns, input.memoryStart)[0]!;
  if (contextWindow === undefined) {
    return {
      fits: true,
      messages: planMessages(systemPrompt, turns, previous, message),
      memoryStart: previous,
      promptTokens: undefined,
    };
  }
  const reserveTokens = replyReserve(contextWindow, maxTokens);
  const budget = contextWindow - reserveTokens;
  const counted = new Map<number, number>();
  const count = async (start: number) => {
    let tokens = counted.get(start);
    if (tokens === undefined) {
      tokens = await countPrompt(planMessages(systemPrompt, turns, start, message));
      counted.set(start, tokens);
    }
    return tokens;
  };

  const kept = await count(previous);
  if (kept <= budget) {
    return {
      fits: true,
      messages: planMessages(systemPrompt, turns, previous, message),
      memoryStart: previous,
      promptTokens: kept,
    };
  }
  const points = cutPoints(turns, previous + 1);
  const cut = (await firstWithin(points, Math.floor(budget / 2), count)) ?? (await firstWithin(points, budget, count));
  if (cut) {
    return {
      fits: true,
      messages: planMessages(systemPrompt, turns, cut.start, message),
      memoryStart: cut.start,
      promptTokens: cut.tokens,
    };
  }
  const alone = await count(turns.length);
  const overheadTokens = await countPrompt(planMessages(systemPrompt, [], 0, ''));
  return {
    fits: false,
    messageTokens: Math.max(1, alone - overheadTokens),
    maxMessageTokens: Math.max(0, budget - overheadTokens),
    overheadTokens,
    contextWindow,
    reserveTokens,
  };
}

/** The error for a plan that does not fit: the numbers, and the longest message in characters too. */
export function messageTooLongError(plan: Extract<ContextPlan, { fits: false }>, message: string): Error {
  const { messageTokens, maxMessageTokens, overheadTokens, contextWindow, reserveTokens } = plan;
  const maxMessageChars = Math.floor((message.length * maxMessageTokens) / messageTokens);
  return edgeError(
    ERROR_NAMES.messageTooLong,
    `The message has ${messageTokens} tokens; at most ${maxMessageTokens} fit the ${contextWindow}-token context window.`,
    { messageTokens, maxMessageTokens, maxMessageChars, overheadTokens, contextWindow, reserveTokens },
  );
}
