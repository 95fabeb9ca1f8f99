/**
 * Counting a prompt as web-llm reads it, against `FakeWebLlmPipeline`: a test double shaped like
 * web-llm 0.2.x's private pipeline (tokenizer, conversation template, chat config).
 */
import { describe, expect, it, vi } from 'vitest';
import { countWebLlmPrompt } from '../../workers/engines/webllm-count.js';

/** A ChatML-like conversation, rendered the way web-llm's Conversation renders its prompt array. */
class FakeConversation {
  messages: [string, string | undefined][] = [];
  override_system_message: string | undefined;
  constructor(
    readonly config: { system_message: string; system_prefix_token_ids?: number[] },
    readonly isTextCompletion = false,
  ) {}
  appendMessage(role: string, message: string) {
    if (role !== 'user' && role !== 'assistant') throw new Error(`Role is not supported: ${role}`);
    this.messages.push([role, message]);
  }
  appendReplyHeader(role: string) {
    this.messages.push([role, undefined]);
  }
  getPromptArray(config?: { seen?: boolean }) {
    if (!config?.seen) throw new Error('the chat config was not passed');
    const system = this.override_system_message ?? this.config.system_message;
    return [
      `<s>system ${system}</s>`,
      ...this.messages.map(([role, text]) => (text === undefined ? `<s>${role} ` : `<s>${role} ${text}</s>`)),
    ];
  }
}

/** One token per space-separated word. */
const tokenizer = { encode: (text: string) => Int32Array.from(text.split(' ').filter(Boolean), () => 0) };

function fakeEngine(conversationConfig: { system_message: string; system_prefix_token_ids?: number[] }) {
  const current = new FakeConversation(conversationConfig);
  current.appendMessage('user', 'an earlier turn the engine keeps');
  const pipeline = { tokenizer, config: { seen: true }, getConversationObject: () => current };
  return { engine: { loadedModelIdToPipeline: new Map([['m', pipeline]]) }, current };
}

const messages = [
  { role: 'system' as const, content: 'Be brief please' },
  { role: 'user' as const, content: 'one two' },
  { role: 'assistant' as const, content: 'three' },
  { role: 'user' as const, content: 'four five six' },
];

describe('countWebLlmPrompt', () => {
  it("counts a fresh conversation of the model's template, system prefix tokens included", () => {
    const { engine, current } = fakeEngine({ system_message: 'default', system_prefix_token_ids: [1] });
    // 1 prefix + "<s>system Be brief please</s>" 4 + 3 + 2 + 4 + "<s>assistant " 1.
    expect(countWebLlmPrompt(engine, 'm', messages)).toBe(15);
    // The conversation web-llm keeps between turns (its KV cache's mirror) is untouched.
    expect(current.messages).toEqual([['user', 'an earlier turn the engine keeps']]);
  });

  it('uses the template system message when none is sent', () => {
    const { engine } = fakeEngine({ system_message: 'default words here' });
    expect(countWebLlmPrompt(engine, 'm', messages.slice(1))).toBe(4 + 3 + 2 + 4 + 1);
  });

  it('answers undefined, so the worker estimates, when web-llm does not expose what counting needs', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(countWebLlmPrompt({}, 'm', messages)).toBeUndefined();
    expect(countWebLlmPrompt(undefined, 'm', messages)).toBeUndefined();
    const { engine } = fakeEngine({ system_message: '' });
    expect(countWebLlmPrompt(engine, 'another-model', messages)).toBeUndefined();
    const broken = { loadedModelIdToPipeline: new Map([['m', { tokenizer, getConversationObject: () => ({}) }]]) };
    expect(countWebLlmPrompt(broken, 'm', messages)).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
