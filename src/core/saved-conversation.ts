/**
 * The shape of a conversation saved on the device, and how a stored value is read back.
 *
 * What comes out of IndexedDB is treated as untrusted: it may have been written by an older
 * version, cut short by a crash, or edited in the browser's devtools. Every field is checked on
 * its own, so one bad field costs that field and not the whole conversation. Pure: no DOM.
 *
 * Format 2 (several conversations, each with an id and a title, listed by an index; see
 * conversation-index.ts) replaced format 1 (one conversation per chat, no id). Format 1 records
 * are still read, so a returning visitor's conversation is migrated rather than lost.
 */
import type { ComputeDevice, EngineId } from '../shared/engine-api.js';
import type { TurnStats } from './conversation.js';
import { isEngineId } from './engines.js';
import { MAX_TOKENS_LIMIT, TEMPERATURE_LIMIT } from './generation-settings.js';

export const SAVED_CONVERSATION_VERSION = 2;
/** The single-conversation format written before conversations had ids. */
export const LEGACY_CONVERSATION_VERSION = 1;

export interface SavedTurn {
  role: 'user' | 'assistant';
  /** Plain text; it is only ever rendered as text. */
  text: string;
  stats?: TurnStats;
  /** True when the reply was still streaming when it was saved (a crash may have ended it). */
  partial?: boolean;
}

export interface SavedSettings {
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  /** The chat's engine, model and device when saved; the app restores them, an embed does not. */
  engine?: EngineId;
  model?: string;
  device?: ComputeDevice;
}

export interface SavedConversation {
  version: typeof SAVED_CONVERSATION_VERSION;
  /** Unique on this device; names the record (see conversation-store.ts). */
  id: string;
  /** Shown in the list: the first message's start, or the visitor's own title. */
  title: string;
  /** True once the visitor renamed it: the title no longer follows the first message. */
  renamed: boolean;
  /** `Date.now()` when the conversation started. */
  createdAt: number;
  /** `Date.now()` when written. */
  savedAt: number;
  /** Each setting the chat had (a record migrated from format 1 may lack a damaged one). */
  settings: Partial<SavedSettings>;
  turns: SavedTurn[];
  /** Turns before this index are no longer shown to the model (context-plan.ts); 0 while all are. */
  memoryStart: number;
}

/** A stored value read back: each setting is present only when it was valid. */
export interface RestoredConversation {
  /** Undefined for a format 1 record, which had none. */
  id: string | undefined;
  /** Undefined when none was stored (format 1): the first message gives one. */
  title: string | undefined;
  renamed: boolean;
  createdAt: number;
  savedAt: number;
  settings: Partial<SavedSettings>;
  turns: SavedTurn[];
  memoryStart: number;
}

export const DEVICES: readonly ComputeDevice[] = ['webgpu', 'wasm'];
export const FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'aborted']);
/** The chat's own bounds for max tokens and temperature, so a restored value is one it accepts. */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Keeps stats only when the fields the transcript shows are there; they are never required. */
export function readStats(value: unknown): TurnStats | undefined {
  if (!isRecord(value)) return undefined;
  const { outputTokens, decodeTokensPerSecond, ttftMs, finishReason } = value;
  if (!isFiniteNumber(outputTokens) || !isFiniteNumber(decodeTokensPerSecond) || !isFiniteNumber(ttftMs)) {
    return undefined;
  }
  if (typeof finishReason !== 'string' || !FINISH_REASONS.has(finishReason)) return undefined;
  return value as unknown as TurnStats;
}

/** A text a person could read as a title: not empty, not absurdly long. */
export function isTitle(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= TITLE_LIMIT;
}

/** The longest title kept. */
export const TITLE_LIMIT = 200;

function readTurn(value: unknown): SavedTurn | undefined {
  if (!isRecord(value)) return undefined;
  const { role, text } = value;
  if ((role !== 'user' && role !== 'assistant') || typeof text !== 'string') return undefined;
  // A reply that had not produced a character before the tab died says nothing worth keeping.
  if (role === 'assistant' && text === '') return undefined;
  const turn: SavedTurn = { role, text };
  const stats = readStats(value.stats);
  if (stats) turn.stats = stats;
  if (value.partial === true) turn.partial = true;
  return turn;
}

function readSettings(value: unknown): Partial<SavedSettings> {
  if (!isRecord(value)) return {};
  const settings: Partial<SavedSettings> = {};
  if (typeof value.systemPrompt === 'string') settings.systemPrompt = value.systemPrompt;
  const { maxTokens, temperature } = value;
  if (isFiniteNumber(maxTokens) && Number.isInteger(maxTokens) && maxTokens >= 1 && maxTokens <= MAX_TOKENS_LIMIT) {
    settings.maxTokens = maxTokens;
  }
  if (isFiniteNumber(temperature) && temperature >= 0 && temperature <= TEMPERATURE_LIMIT) {
    settings.temperature = temperature;
  }
  if (isEngineId(value.engine)) settings.engine = value.engine;
  if (typeof value.model === 'string' && value.model !== '') settings.model = value.model;
  if (DEVICES.includes(value.device as ComputeDevice)) settings.device = value.device as ComputeDevice;
  return settings;
}

/**
 * Reads a stored conversation back, in format 2 or 1. Returns undefined for anything that is not
 * one (nothing stored, another version, not an object); otherwise the valid fields and turns.
 */
export function readSavedConversation(value: unknown): RestoredConversation | undefined {
  if (!isRecord(value)) return undefined;
  if (value.version !== SAVED_CONVERSATION_VERSION && value.version !== LEGACY_CONVERSATION_VERSION) return undefined;
  const turns = Array.isArray(value.turns)
    ? value.turns.map(readTurn).filter((turn): turn is SavedTurn => turn !== undefined)
    : [];
  const savedAt = isFiniteNumber(value.savedAt) ? value.savedAt : 0;
  const { memoryStart } = value;
  return {
    id: typeof value.id === 'string' && value.id !== '' ? value.id : undefined,
    title: isTitle(value.title) ? value.title : undefined,
    renamed: value.renamed === true,
    createdAt: isFiniteNumber(value.createdAt) ? value.createdAt : savedAt,
    savedAt,
    settings: readSettings(value.settings),
    turns,
    // Counted in the turns as stored; dropped turns (above) shift it, so it is kept within them.
    memoryStart:
      isFiniteNumber(memoryStart) && Number.isInteger(memoryStart) && memoryStart > 0
        ? Math.min(memoryStart, turns.length)
        : 0,
  };
}
