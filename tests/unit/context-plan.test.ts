import { describe, expect, it } from 'vitest';
import { classifyError, serializeError } from '../../src/core/errors.js';
import {
  messageTooLongError,
  planContext,
  planMessages,
  replyReserve,
  type ContextPlanInput,
  type PlanTurn,
} from '../../src/core/context-plan.js';
import type { ChatMessage } from '../../src/shared/engine-api.js';

/** A chat template like ChatML: 4 tokens around each message, 3 for the reply header; a word is a token. */
function counter() {
  const calls: ChatMessage[][] = [];
  const count = (messages: ChatMessage[]) => {
    calls.push(messages);
    const words = messages.reduce((sum, message) => sum + 4 + message.content.split(/\s+/).filter(Boolean).length, 0);
    return Promise.resolve(words + 3);
  };
  return { count, calls };
}

const words = (n: number, word = 'w') => Array.from({ length: n }, () => word).join(' ');

function exchanges(n: number, size = 40): PlanTurn[] {
  return Array.from({ length: n }, (_, index) => [
    { role: 'user' as const, content: words(size, `q${index}`) },
    { role: 'assistant' as const, content: words(size, `a${index}`) },
  ]).flat();
}

function input(overrides: Partial<ContextPlanInput> = {}): ContextPlanInput {
  return {
    systemPrompt: 'Be brief.',
    turns: [],
    message: 'Hello there',
    contextWindow: 512,
    maxTokens: 100,
    memoryStart: 0,
    ...overrides,
  };
}

describe('replyReserve', () => {
  it('is max tokens, but never more than half the window', () => {
    expect(replyReserve(512, 100)).toBe(100);
    expect(replyReserve(512, 512)).toBe(256);
    expect(replyReserve(4096, 1000)).toBe(1000);
    expect(replyReserve(513, 4000)).toBe(256);
  });
});

describe('planMessages', () => {
  it('sends the system prompt, the turns from the start with text, and the new message', () => {
    const turns: PlanTurn[] = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: '' },
    ];
    expect(planMessages('  Sys  ', turns, 2, 'four')).toEqual([
      { role: 'system', content: 'Sys' },
      { role: 'user', content: 'three' },
      { role: 'user', content: 'four' },
    ]);
    expect(planMessages('', turns, 0, 'four')[0]).toEqual({ role: 'user', content: 'one' });
  });
});

describe('planContext', () => {
  it('keeps the whole conversation while it fits, counting the prompt once', async () => {
    const { count, calls } = counter();
    const turns = exchanges(2, 20);
    const plan = await planContext(input({ turns }), count);
    expect(plan).toMatchObject({ fits: true, memoryStart: 0 });
    if (!plan.fits) throw new Error('unreachable');
    expect(plan.messages).toHaveLength(6);
    expect(plan.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(plan.messages.at(-1)).toEqual({ role: 'user', content: 'Hello there' });
    expect(plan.promptTokens).toBe(await counter().count(plan.messages));
    expect(calls).toHaveLength(1);
  });

  it('sends everything and counts nothing when the engine gives no context window', async () => {
    const { count, calls } = counter();
    const plan = await planContext(input({ turns: exchanges(50), contextWindow: undefined }), count);
    expect(plan).toMatchObject({ fits: true, memoryStart: 0, promptTokens: undefined });
    expect(calls).toHaveLength(0);
  });

  it('leaves out the oldest exchanges down to half the budget, always keeping the system prompt and the message', async () => {
    const { count } = counter();
    // Each exchange is 2 x (40 + 4) = 88 tokens; budget 512 - 100 = 412, half of it 206.
    const turns = exchanges(5);
    const plan = await planContext(input({ turns }), count);
    if (!plan.fits) throw new Error('expected a plan that fits');
    expect(plan.memoryStart).toBe(6);
    expect(plan.promptTokens).toBeLessThanOrEqual(206);
    expect(plan.messages[0]!.role).toBe('system');
    expect(plan.messages[1]).toEqual({ role: 'user', content: words(40, 'q3') });
    expect(plan.messages.at(-1)!.content).toBe('Hello there');
    // One exchange more would be over half the budget: the cut is the earliest that gets there.
    expect(await count(planMessages('Be brief.', turns, 4, 'Hello there'))).toBeGreaterThan(206);
  });

  it('cuts only where an exchange starts, so no reply is shown without its question', async () => {
    const { count } = counter();
    const turns: PlanTurn[] = [
      { role: 'user', content: words(300) },
      { role: 'assistant', content: words(10) },
      { role: 'assistant', content: words(10) },
      { role: 'user', content: words(30) },
      { role: 'assistant', content: words(30) },
    ];
    const plan = await planContext(input({ turns }), count);
    if (!plan.fits) throw new Error('expected a plan that fits');
    expect(plan.memoryStart).toBe(3);
    expect(turns[plan.memoryStart]!.role).toBe('user');
  });

  it('falls back to the earliest cut that fits the budget when none reaches half of it', async () => {
    const { count } = counter();
    const turns: PlanTurn[] = [
      { role: 'user', content: words(100) },
      { role: 'assistant', content: words(100) },
      { role: 'user', content: words(100) },
      { role: 'assistant', content: words(20) },
    ];
    // Even with no history the message is 250 + 13 tokens, over half the budget (206): the cut
    // that keeps the most history within the budget (412) wins.
    const plan = await planContext(input({ turns, message: words(250) }), count);
    if (!plan.fits) throw new Error('expected a plan that fits');
    expect(plan.memoryStart).toBe(2);
    expect(plan.promptTokens).toBeGreaterThan(206);
    expect(plan.promptTokens).toBeLessThanOrEqual(412);
  });

  it('keeps the history prefix unchanged across turns, cutting in chunks rather than every turn', async () => {
    const { count } = counter();
    let turns: PlanTurn[] = [];
    let memoryStart = 0;
    const starts: number[] = [];
    for (let exchange = 0; exchange < 12; exchange++) {
      const message = words(45, `q${exchange}`);
      const plan = await planContext(input({ turns, message, memoryStart }), count);
      if (!plan.fits) throw new Error('expected a plan that fits');
      expect(plan.promptTokens).toBeLessThanOrEqual(412);
      expect(plan.memoryStart).toBeGreaterThanOrEqual(memoryStart);
      memoryStart = plan.memoryStart;
      starts.push(memoryStart);
      turns = [...turns, { role: 'user', content: message }, { role: 'assistant', content: words(45, `a${exchange}`) }];
    }
    const cuts = starts.filter((start, index) => index > 0 && start !== starts[index - 1]).length;
    // A one-exchange-at-a-time sliding window would cut on 8 of these 12 turns.
    expect(cuts).toBeGreaterThan(0);
    expect(cuts).toBeLessThanOrEqual(4);
    // Between cuts the prefix is the same: the same messages after the system prompt, in order.
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('never moves the memory start back, and moves a start that is gone to the next exchange', async () => {
    const { count } = counter();
    const turns = exchanges(3, 5);
    const stays = await planContext(input({ turns, memoryStart: 2 }), count);
    expect(stays).toMatchObject({ fits: true, memoryStart: 2 });
    const fromReply = await planContext(input({ turns, memoryStart: 3 }), count);
    expect(fromReply).toMatchObject({ fits: true, memoryStart: 4 });
    const beyond = await planContext(input({ turns, memoryStart: 40 }), count);
    expect(beyond).toMatchObject({ fits: true, memoryStart: 6 });
    if (!beyond.fits) throw new Error('unreachable');
    expect(beyond.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there' },
    ]);
  });

  it('counts a logarithmic number of prompts, not one per turn', async () => {
    const { count, calls } = counter();
    await planContext(input({ turns: exchanges(200, 5), contextWindow: 4096, maxTokens: 512 }), count);
    expect(calls.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(201)) * 2);
  });

  it('says how long a message that cannot fit on its own is, and the longest it can be', async () => {
    const { count } = counter();
    const plan = await planContext(input({ turns: exchanges(2), message: words(500) }), count);
    // Overhead: system (4 + 2) + empty message (4) + header (3) = 13; budget 412.
    expect(plan).toEqual({
      fits: false,
      messageTokens: 500,
      maxMessageTokens: 399,
      overheadTokens: 13,
      contextWindow: 512,
      reserveTokens: 100,
    });
  });

  it('reserves at most half the window for a reply, so max tokens as large as the window still chats', async () => {
    const { count } = counter();
    const plan = await planContext(input({ turns: exchanges(1, 20), maxTokens: 512 }), count);
    expect(plan).toMatchObject({ fits: true, memoryStart: 0 });
  });
});

describe('messageTooLongError', () => {
  it('carries the numbers and the longest message in characters, for the message-too-long code', () => {
    const error = messageTooLongError(
      {
        fits: false,
        messageTokens: 500,
        maxMessageTokens: 200,
        overheadTokens: 13,
        contextWindow: 512,
        reserveTokens: 100,
      },
      'x'.repeat(2000),
    );
    expect(classifyError(serializeError(error))).toBe('message-too-long');
    expect((error as Error & { detail: Record<string, number> }).detail).toEqual({
      messageTokens: 500,
      maxMessageTokens: 200,
      maxMessageChars: 800,
      overheadTokens: 13,
      contextWindow: 512,
      reserveTokens: 100,
    });
  });
});
