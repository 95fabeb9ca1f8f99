/**
 * The list of a chat's saved conversations: one small record that names every conversation (id,
 * title, when, how long, which model) and which one is open, so the list shows without reading
 * every conversation. Pure: the store (src/persistence/conversation-store.ts) writes it in the same
 * transaction as the conversation it describes, so the two never disagree.
 */
import type { EngineId } from '../shared/engine-api.js';
import { isEngineId } from './engines.js';
import {
  isTitle,
  readSavedConversation,
  SAVED_CONVERSATION_VERSION,
  type RestoredConversation,
  type SavedConversation,
  type SavedSettings,
} from './saved-conversation.js';

/** Marks an index record, so it is never taken for a conversation. */
export const CONVERSATION_INDEX_KIND = 'edge-llm/conversations';

/** One conversation in the list. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  savedAt: number;
  /** Messages with text. */
  messages: number;
  engine?: EngineId;
  model?: string;
}

export interface ConversationIndex {
  version: typeof SAVED_CONVERSATION_VERSION;
  kind: typeof CONVERSATION_INDEX_KIND;
  /** The conversation open in the chat; undefined for a new one not yet saved. */
  current: string | undefined;
  /** Newest first. */
  conversations: ConversationSummary[];
  /**
   * Settings chosen for a new conversation before its first message (a model picked, a system
   * prompt written): kept so a reload restores them, without an empty conversation in the list.
   */
  draft?: Partial<SavedSettings>;
}

/** The title a conversation gets from its first message, when the visitor has not named it. */
export const UNTITLED = 'New conversation';
const TITLE_CHARS = 60;

export function emptyIndex(): ConversationIndex {
  return { version: SAVED_CONVERSATION_VERSION, kind: CONVERSATION_INDEX_KIND, current: undefined, conversations: [] };
}

/** A title from a message: its first line, spaces collapsed, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line =
    text
      .split('\n')
      .map((part) => part.replace(/\s+/g, ' ').trim())
      .find(Boolean) ?? '';
  if (line === '') return UNTITLED;
  if (line.length <= TITLE_CHARS) return line;
  const cut = line.slice(0, TITLE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The list's entry for a conversation. */
export function summaryOf(conversation: SavedConversation): ConversationSummary {
  const { engine, model } = conversation.settings;
  return {
    id: conversation.id,
    title: conversation.title,
    createdAt: conversation.createdAt,
    savedAt: conversation.savedAt,
    messages: conversation.turns.filter((turn) => turn.text !== '').length,
    ...(engine ? { engine } : {}),
    ...(model ? { model } : {}),
  };
}

/** The index with `summary` added or replaced, newest first; open when `open`. */
export function withSummary(index: ConversationIndex, summary: ConversationSummary, open: boolean): ConversationIndex {
  const conversations = [summary, ...index.conversations.filter((entry) => entry.id !== summary.id)].sort(
    (a, b) => b.savedAt - a.savedAt,
  );
  return open ? { ...withoutDraft(index), current: summary.id, conversations } : { ...index, conversations };
}

/** The index without the settings of a new conversation (one is open, or they were cleared). */
export function withoutDraft(index: ConversationIndex): ConversationIndex {
  const copy = { ...index };
  delete copy.draft;
  return copy;
}

/** The index without conversation `id`; no conversation is open when it was the open one. */
export function withoutConversation(index: ConversationIndex, id: string): ConversationIndex {
  return {
    ...index,
    current: index.current === id ? undefined : index.current,
    conversations: index.conversations.filter((entry) => entry.id !== id),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSummary(value: unknown): ConversationSummary | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || value.id === '' || !isTitle(value.title)) return undefined;
  const number = (field: unknown) => (typeof field === 'number' && Number.isFinite(field) ? field : 0);
  return {
    id: value.id,
    title: value.title,
    createdAt: number(value.createdAt),
    savedAt: number(value.savedAt),
    messages: number(value.messages),
    ...(isEngineId(value.engine) ? { engine: value.engine } : {}),
    ...(typeof value.model === 'string' && value.model !== '' ? { model: value.model } : {}),
  };
}

/**
 * Reads an index record back, or undefined when the value is not one (nothing stored, a format 1
 * conversation). Bad entries are left out one by one; ids are kept once.
 */
export function readConversationIndex(value: unknown): ConversationIndex | undefined {
  if (!isRecord(value) || value.kind !== CONVERSATION_INDEX_KIND || value.version !== SAVED_CONVERSATION_VERSION) {
    return undefined;
  }
  const seen = new Set<string>();
  const conversations = (Array.isArray(value.conversations) ? value.conversations : [])
    .map(readSummary)
    .filter((entry): entry is ConversationSummary => {
      if (!entry || seen.has(entry.id)) return false;
      seen.add(entry.id);
      return true;
    })
    .sort((a, b) => b.savedAt - a.savedAt);
  const current = typeof value.current === 'string' && seen.has(value.current) ? value.current : undefined;
  const draft = readSavedConversation({ version: SAVED_CONVERSATION_VERSION, settings: value.draft })?.settings;
  const index: ConversationIndex = { ...emptyIndex(), current, conversations };
  return draft && Object.keys(draft).length > 0 && !current ? { ...index, draft } : index;
}

/**
 * A conversation in format 2 made from what was read back: a format 1 record gets `id`, and its
 * first message gives its title.
 */
export function completeConversation(restored: RestoredConversation, id: string): SavedConversation {
  const firstUser = restored.turns.find((turn) => turn.role === 'user');
  return {
    version: SAVED_CONVERSATION_VERSION,
    id: restored.id ?? id,
    title: restored.title ?? titleFrom(firstUser?.text ?? ''),
    renamed: restored.renamed,
    createdAt: restored.createdAt,
    savedAt: restored.savedAt,
    settings: restored.settings,
    turns: restored.turns,
    memoryStart: restored.memoryStart,
  };
}
