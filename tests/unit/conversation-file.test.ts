import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_FILE_SCHEMA,
  conversationFileName,
  conversationToJson,
  conversationToMarkdown,
  readConversationFile,
} from '../../src/core/conversation-file.js';
import type { SavedConversation } from '../../src/core/saved-conversation.js';
import type { GenerationStats } from '../../src/shared/engine-api.js';

const stats = {
  ttftMs: 120,
  prefillTokensPerSecond: 300,
  decodeTokensPerSecond: 42.25,
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

const conversation: SavedConversation = {
  version: 2,
  id: 'c1',
  title: 'Tides, explained',
  renamed: true,
  createdAt: Date.UTC(2026, 0, 2, 9, 30),
  savedAt: Date.UTC(2026, 0, 2, 10, 5),
  settings: {
    systemPrompt: 'Answer like a\nlighthouse keeper.',
    maxTokens: 64,
    temperature: 0.25,
    engine: 'transformers',
    model: 'HuggingFaceTB/SmolLM2-135M-Instruct@q4',
    device: 'webgpu',
  },
  turns: [
    { role: 'user', text: 'What are tides?' },
    { role: 'assistant', text: 'The sea **rising**.', stats },
    { role: 'user', text: 'Why twice a day?' },
    { role: 'assistant', text: 'Because the moon', partial: true },
  ],
  memoryStart: 2,
};

describe('export', () => {
  it('writes Markdown with the settings on top, a heading per message and where memory begins', () => {
    expect(conversationToMarkdown(conversation)).toBe(
      [
        '# Tides, explained',
        '',
        '- Started 2026-01-02 09:30 UTC, saved 2026-01-02 10:05 UTC',
        '- Model: HuggingFaceTB/SmolLM2-135M-Instruct@q4 (transformers.js (ONNX Runtime))',
        '- Max tokens: 64',
        '- Temperature: 0.25',
        '- System prompt: Answer like a lighthouse keeper.',
        '',
        '## You',
        '',
        'What are tides?',
        '',
        '## Model · 12 tokens, 42.3 tokens/s',
        '',
        'The sea **rising**.',
        '',
        '_2 earlier messages are no longer visible to the model._',
        '',
        '## You',
        '',
        'Why twice a day?',
        '',
        '## Model',
        '',
        'Because the moon',
        '',
      ].join('\n'),
    );
  });

  it('writes JSON that imports back to the same conversation', () => {
    const json = conversationToJson(conversation);
    const file = JSON.parse(json) as Record<string, unknown>;
    expect(file).toMatchObject({
      schema: CONVERSATION_FILE_SCHEMA,
      title: 'Tides, explained',
      createdAt: '2026-01-02T09:30:00.000Z',
      updatedAt: '2026-01-02T10:05:00.000Z',
      memoryStart: 2,
    });
    // Only the figures the file documents: not the worker's internals.
    expect((file.messages as { stats?: object }[])[1]!.stats).toEqual({
      outputTokens: 12,
      decodeTokensPerSecond: 42.25,
      ttftMs: 120,
      finishReason: 'stop',
      promptTokens: 20,
      prefillTokensPerSecond: 300,
    });
    const read = readConversationFile(json);
    expect(read).toEqual({
      ok: true,
      conversation: {
        title: 'Tides, explained',
        renamed: true,
        createdAt: conversation.createdAt,
        savedAt: conversation.savedAt,
        settings: conversation.settings,
        turns: [
          conversation.turns[0],
          { role: 'assistant', text: 'The sea **rising**.', stats: (file.messages as { stats: object }[])[1]!.stats },
          conversation.turns[2],
          conversation.turns[3],
        ],
        memoryStart: 2,
      },
    });
  });

  it('names the file after the title and the day it was saved', () => {
    expect(conversationFileName(conversation, 'md')).toBe('edge-llm-tides-explained-2026-01-02.md');
    expect(conversationFileName({ ...conversation, title: '¿Qué tal? Ça va — très bien!' }, 'json')).toBe(
      'edge-llm-que-tal-ca-va-tres-bien-2026-01-02.json',
    );
    expect(conversationFileName({ ...conversation, title: '日本語' }, 'json')).toBe(
      'edge-llm-conversation-2026-01-02.json',
    );
  });
});

describe('import', () => {
  const minimal = {
    schema: CONVERSATION_FILE_SCHEMA,
    createdAt: '2026-01-02T09:30:00Z',
    settings: {},
    messages: [{ role: 'user', text: 'Hello from a file' }],
  };

  it('takes a minimal file, titled from its first message', () => {
    const read = readConversationFile(JSON.stringify(minimal));
    expect(read).toEqual({
      ok: true,
      conversation: {
        title: 'Hello from a file',
        renamed: false,
        createdAt: Date.UTC(2026, 0, 2, 9, 30),
        savedAt: Date.UTC(2026, 0, 2, 9, 30),
        settings: {},
        turns: [{ role: 'user', text: 'Hello from a file' }],
        memoryStart: 0,
      },
    });
  });

  it('names every bad field by its path, and imports nothing', () => {
    const read = readConversationFile(
      JSON.stringify({
        ...minimal,
        title: '',
        createdAt: 'last Tuesday',
        settings: { maxTokens: 0, temperature: 3, engine: 'cuda', device: 'npu', systemPrompt: 5 },
        memoryStart: 4,
        messages: [
          { role: 'system', text: 'x' },
          { role: 'user', text: 7 },
          {
            role: 'assistant',
            text: 'ok',
            partial: 'yes',
            stats: { outputTokens: -1, ttftMs: 1, finishReason: 'eos' },
          },
          'hello',
        ],
      }),
    );
    expect(read).toEqual({
      ok: false,
      problems: [
        'title must be non-empty text of at most 200 characters (it is "").',
        'createdAt must be a date in ISO 8601 form (it is "last Tuesday").',
        'settings.systemPrompt must be text of at most 1000000 characters (it is 5).',
        'settings.maxTokens must be a whole number from 1 to 32768 (it is 0).',
        'settings.temperature must be a number from 0 to 2 (it is 3).',
        'settings.engine must be one of "webllm", "transformers", "llamacpp", "double" (it is "cuda").',
        'settings.device must be "webgpu" or "wasm" (it is "npu").',
        'messages[0].role must be "user" or "assistant" (it is "system").',
        'messages[1].text must be text of at most 1000000 characters (it is 7).',
        'messages[2].partial must be true (it is "yes").',
        'messages[2].stats.outputTokens must be a whole number from 0 to 9007199254740991 (it is -1).',
        'messages[2].stats.decodeTokensPerSecond must be a number from 0 to 1.7976931348623157e+308 (it is missing).',
        '…and 3 more.',
      ],
    });
  });

  it('says what a file is when it is not a conversation file', () => {
    expect(readConversationFile('{ not json')).toMatchObject({ ok: false, problems: [/^The file is not JSON: /] });
    expect(readConversationFile('[]')).toEqual({ ok: false, problems: ['The file must hold a JSON object.'] });
    expect(readConversationFile(JSON.stringify({ schema: 'edge-llm/bench@1' }))).toEqual({
      ok: false,
      problems: [
        'schema must be "edge-llm/conversation@1" (it is "edge-llm/bench@1"): this is not an edge-llm conversation file.',
      ],
    });
    expect(readConversationFile(JSON.stringify({ ...minimal, schema: 'edge-llm/conversation@2' }))).toEqual({
      ok: false,
      problems: [
        'The file is edge-llm/conversation@2, from another version of edge-llm; this one reads edge-llm/conversation@1.',
      ],
    });
  });

  it('refuses a file with no messages, or a memory start beyond them', () => {
    expect(readConversationFile(JSON.stringify({ ...minimal, messages: [] }))).toEqual({
      ok: false,
      problems: ['messages must be a list of 1 to 10000 messages (it is []).'],
    });
    expect(readConversationFile(JSON.stringify({ ...minimal, memoryStart: 2 }))).toEqual({
      ok: false,
      problems: ['memoryStart must be a whole number from 0 to 1 (it is 2).'],
    });
  });
});
