/**
 * The shape of a conversation saved on the device, and how a stored value is read back.
 *
 * What comes out of IndexedDB is treated as untrusted: it may have been written by an older
 * version, cut short by a crash, or edited in the browser's devtools. Every field is checked on
 * its own, so one bad field costs that field and not the whole conversation. Pure: no DOM.
 */
import type { ComputeDevice, EngineId, GenerationStats } from '../shared/engine-api.js';
import { isEngineId } from './engines.js';
import { MAX_TOKENS_LIMIT, TEMPERATURE_LIMIT } from './generation-settings.js';

export const SAVED_CONVERSATION_VERSION = 1;

export interface SavedTurn {
  role: 'user' | 'assistant';
  /** Plain text; it is only ever rendered as text. */
  text: string;
  stats?: GenerationStats;
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
  /** `Date.now()` when written. */
  savedAt: number;
  settings: SavedSettings;
  turns: SavedTurn[];
}

/** A stored value read back: each setting is present only when it was valid. */
export interface RestoredConversation {
  savedAt: number;
  settings: Partial<SavedSettings>;
  turns: SavedTurn[];
}

const DEVICES: readonly ComputeDevice[] = ['webgpu', 'wasm'];
const FINISH_REASONS = new Set(['stop', 'length', 'aborted']);
/** The chat's own bounds for max tokens and temperature, so a restored value is one it accepts. */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Keeps stats only when the fields the transcript shows are there; they are never required. */
function readStats(value: unknown): GenerationStats | undefined {
  if (!isRecord(value)) return undefined;
  const { outputTokens, decodeTokensPerSecond, ttftMs, finishReason } = value;
  if (!isFiniteNumber(outputTokens) || !isFiniteNumber(decodeTokensPerSecond) || !isFiniteNumber(ttftMs)) {
    return undefined;
  }
  if (typeof finishReason !== 'string' || !FINISH_REASONS.has(finishReason)) return undefined;
  return value as unknown as GenerationStats;
}

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
 * Reads a stored conversation back. Returns undefined for anything that is not one (nothing
 * stored, another version, not an object); otherwise the valid turns and settings.
 */
export function readSavedConversation(value: unknown): RestoredConversation | undefined {
  if (!isRecord(value) || value.version !== SAVED_CONVERSATION_VERSION) return undefined;
  const turns = Array.isArray(value.turns)
    ? value.turns.map(readTurn).filter((turn): turn is SavedTurn => turn !== undefined)
    : [];
  return {
    savedAt: isFiniteNumber(value.savedAt) ? value.savedAt : 0,
    settings: readSettings(value.settings),
    turns,
  };
}
