import { describe, expect, it } from 'vitest';
import {
  completeConversation,
  CONVERSATION_INDEX_KIND,
  emptyIndex,
  readConversationIndex,
  summaryOf,
  titleFrom,
  UNTITLED,
  withoutConversation,
  withSummary,
  type ConversationSummary,
} from '../../src/core/conversation-index.js';
import { readSavedConversation, type SavedConversation } from '../../src/core/saved-conversation.js';

function conversation(id: string, savedAt: number, overrides: Partial<SavedConversation> = {}): SavedConversation {
  return {
    version: 2,
    id,
    title: `Title ${id}`,
    renamed: false,
    createdAt: savedAt - 10,
    savedAt,
    settings: { systemPrompt: '', maxTokens: 64, temperature: 0, engine: 'double', model: 'double-timed' },
    turns: [
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: 'Hello' },
    ],
    memoryStart: 0,
    ...overrides,
  };
}

describe('titleFrom', () => {
  it("takes the first message's first line, with spaces collapsed", () => {
    expect(titleFrom('\n\n  How do   tides\twork?\nAnd why twice a day?')).toBe('How do tides work?');
  });

  it('cuts a long line at a word near 60 characters', () => {
    const title = titleFrom('Please explain in detail how the moon and the sun together raise the tides of the sea');
    expect(title).toBe('Please explain in detail how the moon and the sun together…');
    expect(title.length).toBeLessThanOrEqual(61);
    expect(titleFrom('x'.repeat(100))).toBe(`${'x'.repeat(60)}…`);
  });

  it('names an empty conversation plainly', () => {
    expect(titleFrom('   \n ')).toBe(UNTITLED);
  });
});

describe('the index', () => {
  it('lists conversations newest first, replaces an entry by id, and opens one', () => {
    let index = withSummary(emptyIndex(), summaryOf(conversation('a', 100)), true);
    index = withSummary(index, summaryOf(conversation('b', 300)), false);
    index = withSummary(index, summaryOf(conversation('a', 500, { title: 'Renamed' })), true);
    expect(index.conversations.map((entry) => [entry.id, entry.title])).toEqual([
      ['a', 'Renamed'],
      ['b', 'Title b'],
    ]);
    expect(index.current).toBe('a');
    expect(index.conversations[0]).toEqual({
      id: 'a',
      title: 'Renamed',
      createdAt: 490,
      savedAt: 500,
      messages: 2,
      engine: 'double',
      model: 'double-timed',
    });
  });

  it('forgets the draft settings once a conversation is opened', () => {
    const draft = { ...emptyIndex(), draft: { model: 'double-paced' } };
    expect(withSummary(draft, summaryOf(conversation('a', 1)), true).draft).toBeUndefined();
    expect(withSummary(draft, summaryOf(conversation('a', 1)), false).draft).toEqual({ model: 'double-paced' });
  });

  it('removes a conversation, and closes it when it was open', () => {
    let index = withSummary(emptyIndex(), summaryOf(conversation('a', 1)), false);
    index = withSummary(index, summaryOf(conversation('b', 2)), true);
    expect(withoutConversation(index, 'a')).toMatchObject({ current: 'b', conversations: [{ id: 'b' }] });
    expect(withoutConversation(index, 'b')).toMatchObject({ current: undefined, conversations: [{ id: 'a' }] });
  });

  it('reads an index back through structured clone, and leaves out bad entries one by one', () => {
    const good = withSummary(emptyIndex(), summaryOf(conversation('a', 1)), true);
    expect(readConversationIndex(structuredClone(good))).toEqual(good);
    const messy = {
      ...good,
      current: 'gone',
      conversations: [
        ...good.conversations,
        { id: 'a', title: 'duplicate', savedAt: 9 },
        { id: '', title: 'no id' },
        { id: 'c', title: '' },
        { id: 'd', title: 'Fine', savedAt: 'yesterday', engine: 'cuda', model: 3 },
        'not an entry',
      ],
    };
    const read = readConversationIndex(messy)!;
    expect(read.current).toBeUndefined();
    expect(read.conversations.map((entry: ConversationSummary) => entry.id)).toEqual(['a', 'd']);
    expect(read.conversations[1]).toEqual({ id: 'd', title: 'Fine', createdAt: 0, savedAt: 0, messages: 0 });
  });

  it('is not an index: a format 1 conversation, nothing, another kind or version', () => {
    expect(readConversationIndex({ version: 1, savedAt: 1, settings: {}, turns: [] })).toBeUndefined();
    expect(readConversationIndex(undefined)).toBeUndefined();
    expect(readConversationIndex({ version: 2, kind: 'other', conversations: [] })).toBeUndefined();
    expect(readConversationIndex({ version: 3, kind: CONVERSATION_INDEX_KIND, conversations: [] })).toBeUndefined();
  });

  it('keeps valid draft settings only while no conversation is open', () => {
    const read = readConversationIndex({
      ...emptyIndex(),
      draft: { model: 'double-paced', maxTokens: -1, systemPrompt: 'Be kind.' },
    });
    expect(read?.draft).toEqual({ model: 'double-paced', systemPrompt: 'Be kind.' });
  });
});

describe('completeConversation', () => {
  it('gives a format 1 record an id and the title of its first message, keeping everything else', () => {
    const restored = readSavedConversation({
      version: 1,
      savedAt: 1000,
      settings: { systemPrompt: 'Be brief.', maxTokens: 40, temperature: 0.25, engine: 'double', model: 'm' },
      turns: [
        { role: 'user', text: 'What is the tide?' },
        { role: 'assistant', text: 'The sea rising.' },
      ],
    })!;
    expect(completeConversation(restored, 'new-id')).toEqual({
      version: 2,
      id: 'new-id',
      title: 'What is the tide?',
      renamed: false,
      createdAt: 1000,
      savedAt: 1000,
      settings: { systemPrompt: 'Be brief.', maxTokens: 40, temperature: 0.25, engine: 'double', model: 'm' },
      turns: restored.turns,
      memoryStart: 0,
    });
  });

  it('keeps the id and title a format 2 record has', () => {
    const restored = readSavedConversation(conversation('kept', 5, { title: 'Mine', renamed: true }))!;
    expect(completeConversation(restored, 'unused')).toMatchObject({ id: 'kept', title: 'Mine', renamed: true });
  });
});
