import { describe, expect, it } from 'vitest';
import { Conversation, forgottenMessages, TurnText } from '../../src/core/conversation.js';

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

  it('counts the messages with text before the memory start', () => {
    const turns = ['a', '', 'b', 'c', 'd'].map((text, index) => ({
      id: index,
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      text: new TurnText(text),
    }));
    expect(forgottenMessages(turns, 0)).toBe(0);
    expect(forgottenMessages(turns, 4)).toBe(3);
  });
});
