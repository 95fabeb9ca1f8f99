/**
 * The conversation store against fake-indexeddb (an in-memory IndexedDB for Node): format 2
 * layout, the format 1 migration, and transactions that keep the list and the records in step.
 */
import 'fake-indexeddb/auto';
import { createStore, get, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { SavedConversation } from '../../src/core/saved-conversation.js';
import {
  clearConversation,
  CONVERSATION_DB,
  CONVERSATION_STORE,
  conversationKey,
  deleteConversation,
  loadConversation,
  loadLibrary,
  openConversation,
  readAllConversations,
  readConversation,
  renameConversation,
  saveConversation,
  saveDraft,
} from '../../src/persistence/conversation-store.js';

const raw = createStore(CONVERSATION_DB, CONVERSATION_STORE);
let keys = 0;
const freshKey = () => `chat-${++keys}`;

function conversation(id: string, savedAt: number, text = `Question ${id}`): SavedConversation {
  return {
    version: 2,
    id,
    title: text,
    renamed: false,
    createdAt: savedAt - 1,
    savedAt,
    settings: { systemPrompt: 'Be brief.', maxTokens: 40, temperature: 0, engine: 'double', model: 'double-timed' },
    turns: [
      { role: 'user', text },
      { role: 'assistant', text: `Answer ${id}` },
    ],
    memoryStart: 0,
  };
}

const legacy = {
  version: 1,
  savedAt: 1_700_000_000_000,
  settings: {
    systemPrompt: 'Answer like a lighthouse keeper.',
    maxTokens: 40,
    temperature: 0.25,
    engine: 'double',
    model: 'double-paced',
  },
  turns: [
    { role: 'user', text: 'echo: kept across versions' },
    { role: 'assistant', text: 'kept across versions' },
  ],
};

describe('the format 1 record', () => {
  it('is migrated once into a conversation and an index, losing nothing', async () => {
    const key = freshKey();
    await set(key, legacy, raw);
    const { index, current } = await loadLibrary(key);
    expect(current).toMatchObject({
      version: 2,
      title: 'echo: kept across versions',
      savedAt: legacy.savedAt,
      settings: legacy.settings,
      turns: legacy.turns,
      memoryStart: 0,
    });
    expect(index.current).toBe(current!.id);
    expect(index.conversations).toEqual([
      expect.objectContaining({ id: current!.id, title: 'echo: kept across versions', messages: 2 }),
    ]);
    // Stored as format 2: the index under the key, the conversation beside it.
    expect(await get(key, raw)).toMatchObject({ kind: 'edge-llm/conversations', current: current!.id });
    expect(await get(conversationKey(key, current!.id), raw)).toMatchObject({ version: 2, id: current!.id });
    // Read again, it is the same conversation, not a second copy.
    const again = await loadLibrary(key);
    expect(again.index.conversations.map((entry) => entry.id)).toEqual([current!.id]);
    expect((await loadConversation(key))?.turns).toEqual(legacy.turns);
  });

  it('with settings but no turns becomes the settings of a new conversation', async () => {
    const key = freshKey();
    await set(key, { ...legacy, turns: [] }, raw);
    expect(await loadConversation(key)).toMatchObject({ id: undefined, turns: [], settings: legacy.settings });
    expect((await loadLibrary(key)).index.conversations).toEqual([]);
  });
});

describe('conversations', () => {
  it('are listed newest first, and the one saved as open is restored', async () => {
    const key = freshKey();
    await saveConversation(key, conversation('a', 100));
    await saveConversation(key, conversation('b', 200));
    const index = await saveConversation(key, conversation('a', 300, 'Question a, later'));
    expect(index.conversations.map((entry) => [entry.id, entry.title])).toEqual([
      ['a', 'Question a, later'],
      ['b', 'Question b'],
    ]);
    expect(index.current).toBe('a');
    expect((await loadConversation(key))?.title).toBe('Question a, later');
    expect((await readAllConversations(key)).map((entry) => entry.id)).toEqual(['a', 'b']);
  });

  it('open, rename and delete keep the list and the records in step', async () => {
    const key = freshKey();
    await saveConversation(key, conversation('a', 100));
    await saveConversation(key, conversation('b', 200), false);
    expect((await openConversation(key, 'b')).current).toBe('b');
    expect((await openConversation(key, 'nope')).current).toBe('b');

    const renamed = await renameConversation(key, 'a', 'My own title');
    expect(renamed.conversations.find((entry) => entry.id === 'a')?.title).toBe('My own title');
    expect(await readConversation(key, 'a')).toMatchObject({ title: 'My own title', renamed: true });
    expect(renamed.current).toBe('b');

    const deleted = await deleteConversation(key, 'b');
    expect(deleted).toMatchObject({ current: undefined, conversations: [{ id: 'a' }] });
    expect(await get(conversationKey(key, 'b'), raw)).toBeUndefined();
  });

  it('keeps a new conversation’s settings without listing it, until its first message', async () => {
    const key = freshKey();
    await saveConversation(key, conversation('a', 100));
    const index = await saveDraft(key, { model: 'double-paced', systemPrompt: 'Be kind.' });
    expect(index).toMatchObject({ current: undefined, draft: { model: 'double-paced' }, conversations: [{ id: 'a' }] });
    expect(await loadConversation(key)).toMatchObject({
      id: undefined,
      turns: [],
      settings: { model: 'double-paced' },
    });
    expect((await saveConversation(key, conversation('c', 300))).draft).toBeUndefined();
  });

  it('clearing deletes the open conversation and nothing else', async () => {
    const key = freshKey();
    await saveConversation(key, conversation('a', 100));
    await saveConversation(key, conversation('b', 200));
    const index = await clearConversation(key);
    expect(index).toMatchObject({ current: undefined, conversations: [{ id: 'a' }] });
    expect(await loadConversation(key)).toBeUndefined();
    expect(await get(conversationKey(key, 'b'), raw)).toBeUndefined();
  });

  it('saved at the same time from two tabs, both stay listed', async () => {
    const key = freshKey();
    await Promise.all([saveConversation(key, conversation('x', 1)), saveConversation(key, conversation('y', 2))]);
    expect((await loadLibrary(key)).index.conversations.map((entry) => entry.id).sort()).toEqual(['x', 'y']);
  });
});

describe('one chat cannot reach another storage-key through an id', () => {
  it('refuses an id that would name a record of the chat whose key extends its own', async () => {
    // Keys "a" and "a/b" would both have a record at "a/b/<id>" if ids could hold a "/".
    const outer = freshKey();
    const inner = `${outer}/b`;
    await saveConversation(inner, conversation('secret', 1_700_000_000_100, 'Private to the inner chat'));
    expect(await readConversation(inner, 'secret')).toBeDefined();
    expect(await readConversation(outer, 'b/secret')).toBeUndefined();
    expect(() => conversationKey(outer, 'b/secret')).toThrow(/Not a conversation id/);
    await expect(renameConversation(outer, 'b/secret', 'mine now')).rejects.toThrow(/Not a conversation id/);
    expect((await readConversation(inner, 'secret'))!.title).toBe('Private to the inner chat');
  });
});
