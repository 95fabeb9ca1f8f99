import { describe, expect, it } from 'vitest';
import {
  readSavedConversation,
  SAVED_CONVERSATION_VERSION,
  type SavedConversation,
} from '../../src/core/saved-conversation.js';
import { restoredSelection } from '../../src/core/restore-selection.js';
import type { GenerationStats } from '../../src/shared/engine-api.js';

const stats = {
  ttftMs: 120,
  prefillTokensPerSecond: 300,
  decodeTokensPerSecond: 42,
  promptTokens: 20,
  outputTokens: 12,
  finishReason: 'stop',
  totalMs: 400,
  engine: undefined,
  wallClock: { ttftMs: 120, prefillTokensPerSecond: 300, decodeTokensPerSecond: 42 },
  disagreements: [],
  gpuMemoryPeakBytes: 1024,
  batches: 3,
} satisfies GenerationStats;

function saved(overrides: Partial<SavedConversation> = {}): SavedConversation {
  return {
    version: SAVED_CONVERSATION_VERSION,
    id: 'c1',
    title: 'Hello',
    renamed: false,
    createdAt: 1_699_999_000_000,
    memoryStart: 0,
    savedAt: 1_700_000_000_000,
    settings: { systemPrompt: 'Be brief.', maxTokens: 64, temperature: 0, engine: 'double', model: 'double-timed' },
    turns: [
      { role: 'user', text: 'Hello' },
      { role: 'assistant', text: 'Hi there', stats },
    ],
    ...overrides,
  };
}

describe('readSavedConversation', () => {
  it('reads back a conversation as it was written (through structured clone)', () => {
    const written = saved({ renamed: true, memoryStart: 1 });
    const rest: Partial<SavedConversation> = { ...written };
    delete rest.version;
    expect(readSavedConversation(structuredClone(written))).toEqual(rest);
  });

  it('reads a format 1 record (one conversation, no id or title), so a returning visitor keeps it', () => {
    const legacy = {
      version: 1,
      savedAt: 1_700_000_000_000,
      settings: saved().settings,
      turns: saved().turns,
    };
    expect(readSavedConversation(legacy)).toEqual({
      id: undefined,
      title: undefined,
      renamed: false,
      createdAt: legacy.savedAt,
      savedAt: legacy.savedAt,
      settings: legacy.settings,
      turns: legacy.turns,
      memoryStart: 0,
    });
  });

  it('keeps the memory start within the turns read back, and drops a bad id, title or start', () => {
    expect(readSavedConversation(saved({ memoryStart: 9 }))?.memoryStart).toBe(2);
    const read = readSavedConversation({ ...saved(), id: 7, title: ' ', memoryStart: 1.5 });
    expect(read).toMatchObject({ id: undefined, title: undefined, memoryStart: 0 });
  });

  it.each([
    ['nothing stored', undefined],
    ['another version', { ...saved(), version: 3 }],
    ['a string', 'turns'],
    ['an array', []],
  ])('is undefined for %s', (_name, value) => {
    expect(readSavedConversation(value)).toBeUndefined();
  });

  it('keeps a reply cut short by a crash, marked partial, and drops one that never started', () => {
    const read = readSavedConversation(
      saved({
        turns: [
          { role: 'user', text: 'Tell me a story' },
          { role: 'assistant', text: 'Once upon a', partial: true },
          { role: 'user', text: 'And another' },
          { role: 'assistant', text: '', partial: true },
        ],
      }),
    );
    expect(read?.turns).toEqual([
      { role: 'user', text: 'Tell me a story' },
      { role: 'assistant', text: 'Once upon a', partial: true },
      { role: 'user', text: 'And another' },
    ]);
  });

  it('drops malformed turns and stats one by one, keeping the rest', () => {
    const read = readSavedConversation({
      ...saved(),
      turns: [
        { role: 'system', text: 'injected' },
        { role: 'user', text: 42 },
        { role: 'user', text: '<img src=x onerror=alert(1)>' },
        { role: 'assistant', text: 'ok', stats: { outputTokens: 'many' } },
        'not a turn',
      ],
    });
    // Markup is kept as the text it is: the transcript renders text nodes only.
    expect(read?.turns).toEqual([
      { role: 'user', text: '<img src=x onerror=alert(1)>' },
      { role: 'assistant', text: 'ok' },
    ]);
  });

  it('keeps each valid setting and leaves out each invalid one', () => {
    const read = readSavedConversation({
      ...saved(),
      settings: { systemPrompt: '', maxTokens: 0, temperature: 2.5, engine: 'cuda', model: 'x', device: 'wasm' },
    });
    expect(read?.settings).toEqual({ systemPrompt: '', model: 'x', device: 'wasm' });
    expect(readSavedConversation({ ...saved(), settings: { maxTokens: 12.5, temperature: -1 } })?.settings).toEqual({});
    expect(readSavedConversation({ ...saved(), settings: null, turns: 'x' })).toMatchObject({
      savedAt: saved().savedAt,
      settings: {},
      turns: [],
    });
  });
});

describe('restoredSelection', () => {
  it('restores the saved engine and its model when the URL names no engine', () => {
    expect(restoredSelection({ engine: 'transformers', model: 'm' }, 'webllm', false)).toEqual({
      engine: 'transformers',
      model: 'm',
    });
  });

  it('lets an engine in the URL win, keeping the saved model only if it belongs to that engine', () => {
    expect(restoredSelection({ engine: 'transformers', model: 'm' }, 'webllm', true)).toEqual({
      engine: 'webllm',
      model: undefined,
    });
    expect(restoredSelection({ engine: 'double', model: 'double-skewed' }, 'double', true)).toEqual({
      engine: 'double',
      model: 'double-skewed',
    });
  });

  it('never switches a visitor to the engine double', () => {
    expect(restoredSelection({ engine: 'double', model: 'double-timed' }, 'webllm', false)).toEqual({
      engine: 'webllm',
      model: undefined,
    });
  });

  it('keeps the current engine when nothing was saved', () => {
    expect(restoredSelection(undefined, 'webllm', false)).toEqual({ engine: 'webllm', model: undefined });
  });
});
