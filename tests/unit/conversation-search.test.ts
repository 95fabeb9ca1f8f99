import { describe, expect, it } from 'vitest';
import { searchConversations } from '../../src/core/conversation-search.js';
import type { SavedConversation } from '../../src/core/saved-conversation.js';

function conversation(id: string, title: string, texts: string[]): SavedConversation {
  return {
    version: 2,
    id,
    title,
    renamed: false,
    createdAt: 0,
    savedAt: 0,
    settings: {},
    turns: texts.map((text, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', text })),
    memoryStart: 0,
  };
}

const library = [
  conversation('tides', 'Tides', ['Why are there two tides a day?', 'Because the Moon pulls the sea.']),
  conversation('cafe', 'Café notes', ['Where is a good café?', 'Try the one near the harbour.']),
  conversation('long', 'Long one', [
    `${'filler words here '.repeat(20)}the lighthouse keeper ${'and more '.repeat(20)}`,
  ]),
];

describe('searchConversations', () => {
  it('finds conversations whose title or messages hold every word, ignoring case and accents', () => {
    expect(searchConversations(library, 'moon SEA').map((match) => match.id)).toEqual(['tides']);
    expect(searchConversations(library, 'cafe').map((match) => match.id)).toEqual(['cafe']);
    expect(searchConversations(library, 'CAFÉ harbour').map((match) => match.id)).toEqual(['cafe']);
    expect(searchConversations(library, 'moon harbour')).toEqual([]);
  });

  it('shows the words around the first hit in a message, and none when only the title matched', () => {
    expect(searchConversations(library, 'moon')).toEqual([{ id: 'tides', snippet: 'Because the Moon pulls the sea.' }]);
    expect(searchConversations(library, 'long')).toEqual([{ id: 'long', snippet: undefined }]);
    const [long] = searchConversations(library, 'lighthouse');
    expect(long!.snippet).toMatch(/^….*the lighthouse keeper.*…$/);
    expect(long!.snippet!.length).toBeLessThanOrEqual(92);
  });

  it('lists everything, in the order given, for an empty query', () => {
    expect(searchConversations(library, '   ').map((match) => match.id)).toEqual(['tides', 'cafe', 'long']);
  });
});
