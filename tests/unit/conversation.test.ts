import { describe, expect, it } from 'vitest';
import { Conversation, TurnText } from '../../src/core/conversation.js';

describe('Conversation', () => {
  it('replaces a turn and everything after it with a new message and a reply that streams', () => {
    const conversation = new Conversation();
    conversation.replace(
      [
        { role: 'user', text: new TurnText('one') },
        { role: 'assistant', text: new TurnText('two') },
        { role: 'user', text: new TurnText('three') },
        { role: 'assistant', text: new TurnText('four') },
      ],
      2,
    );
    expect(conversation.lastUserIndex()).toBe(2);
    const reply = conversation.begin(2, 'three, edited');
    expect(conversation.turns.map((turn) => [turn.role, turn.text.value, turn.streaming ?? false])).toEqual([
      ['user', 'one', false],
      ['assistant', 'two', false],
      ['user', 'three, edited', false],
      ['assistant', '', true],
    ]);
    expect(conversation.turns.at(-1)).toBe(reply);
    // Ids stay unique across replacements, so views never mix up two turns.
    expect(new Set(conversation.turns.map((turn) => turn.id)).size).toBe(4);
    // A reply still streaming is empty to the planner.
    reply.text.append('partial');
    expect(conversation.planTurns(4).at(-1)).toEqual({ role: 'assistant', content: '' });
  });

  it('keeps the memory start within the turns, and clears it with them', () => {
    const conversation = new Conversation();
    conversation.replace([{ role: 'user', text: new TurnText('a') }], 5);
    expect(conversation.memoryStart).toBe(1);
    conversation.clear();
    expect(conversation).toMatchObject({ turns: [], memoryStart: 0 });
    expect(conversation.lastUserIndex()).toBe(-1);
  });

  it('plans a reply from where the memory began, with the turns before the one replaced', async () => {
    const conversation = new Conversation();
    conversation.replace(
      [
        { role: 'user', text: new TurnText('old') },
        { role: 'assistant', text: new TurnText('older reply') },
        { role: 'user', text: new TurnText('kept') },
        { role: 'assistant', text: new TurnText('kept reply') },
      ],
      2,
    );
    const plan = await conversation.plan(
      4,
      'next',
      { systemPrompt: 'sys', maxTokens: 10, contextWindow: 1000 },
      async () => 5,
    );
    expect(plan).toEqual({
      fits: true,
      memoryStart: 2,
      promptTokens: 5,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'kept' },
        { role: 'assistant', content: 'kept reply' },
        { role: 'user', content: 'next' },
      ],
    });
  });
});
