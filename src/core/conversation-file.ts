/**
 * A conversation as a file: Markdown to read or share, and JSON (`edge-llm/conversation@1`, see
 * the README) to keep or move to another browser, where it is imported. Pure.
 *
 * An imported file is untrusted: every field is checked, and each problem is named by its path
 * ("messages[3].role must be …"), so the person can fix the file. A file with any problem is
 * refused as a whole rather than half imported.
 */
import type { EngineId } from '../shared/engine-api.js';
import type { TurnStats } from './conversation.js';
import { ENGINE_IDS, engineLabel, isEngineId } from './engines.js';
import { titleFrom } from './conversation-index.js';
import { MAX_TOKENS_LIMIT, TEMPERATURE_LIMIT } from './generation-settings.js';
import {
  DEVICES,
  FINISH_REASONS,
  TITLE_LIMIT,
  type SavedConversation,
  type SavedSettings,
  type SavedTurn,
} from './saved-conversation.js';

export const CONVERSATION_FILE_SCHEMA = 'edge-llm/conversation@1';
/** Most messages a file may hold, and most characters in one: far beyond a real conversation. */
export const FILE_MESSAGE_LIMIT = 10_000;
export const FILE_TEXT_LIMIT = 1_000_000;
/** Most problems listed: the rest are counted. */
const PROBLEM_LIMIT = 12;

/** A reply's figures as a file carries them. */
type FileStats = Pick<
  TurnStats,
  'outputTokens' | 'decodeTokensPerSecond' | 'ttftMs' | 'finishReason' | 'promptTokens' | 'prefillTokensPerSecond'
>;

/** The JSON file, field by field (documented in the README). */
export interface ConversationFile {
  schema: typeof CONVERSATION_FILE_SCHEMA;
  title: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: when it was last saved. */
  updatedAt: string;
  settings: Partial<SavedSettings>;
  /** Messages before this index are no longer shown to the model. */
  memoryStart: number;
  messages: { role: 'user' | 'assistant'; text: string; partial?: true; stats?: FileStats }[];
}

/** What an import yields: a conversation without its id, which the store gives it. */
export type ImportedConversation = Omit<SavedConversation, 'id' | 'version'>;

export type ImportResult = { ok: true; conversation: ImportedConversation } | { ok: false; problems: string[] };

function fileStats(stats: TurnStats): FileStats {
  const { outputTokens, decodeTokensPerSecond, ttftMs, finishReason, promptTokens, prefillTokensPerSecond } = stats;
  return {
    outputTokens,
    decodeTokensPerSecond,
    ttftMs,
    finishReason,
    ...(promptTokens === undefined ? {} : { promptTokens }),
    ...(prefillTokensPerSecond === undefined ? {} : { prefillTokensPerSecond }),
  };
}

/** The conversation as a JSON file. */
export function conversationToJson(conversation: SavedConversation): string {
  const file: ConversationFile = {
    schema: CONVERSATION_FILE_SCHEMA,
    title: conversation.title,
    createdAt: new Date(conversation.createdAt).toISOString(),
    updatedAt: new Date(conversation.savedAt).toISOString(),
    settings: conversation.settings,
    memoryStart: conversation.memoryStart,
    messages: conversation.turns.map((turn) => ({
      role: turn.role,
      text: turn.text,
      ...(turn.partial ? { partial: true as const } : {}),
      ...(turn.stats ? { stats: fileStats(turn.stats) } : {}),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function minutes(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The conversation as Markdown: a heading per message, the settings on top. */
export function conversationToMarkdown(conversation: SavedConversation): string {
  const { settings } = conversation;
  const lines = [`# ${conversation.title}`, ''];
  const model = settings.model
    ? `${settings.model}${settings.engine ? ` (${engineLabel(settings.engine)})` : ''}`
    : undefined;
  lines.push(`- Started ${minutes(conversation.createdAt)}, saved ${minutes(conversation.savedAt)}`);
  if (model) lines.push(`- Model: ${model}`);
  if (settings.maxTokens !== undefined) lines.push(`- Max tokens: ${settings.maxTokens}`);
  if (settings.temperature !== undefined) lines.push(`- Temperature: ${settings.temperature}`);
  if (settings.systemPrompt) lines.push(`- System prompt: ${settings.systemPrompt.replace(/\s+/g, ' ')}`);
  lines.push('');
  conversation.turns.forEach((turn, index) => {
    if (index === conversation.memoryStart && index > 0) {
      lines.push(`_${forgottenLine(conversation.turns.slice(0, index))}_`, '');
    }
    const stats = turn.stats;
    const figures = stats
      ? ` · ${stats.outputTokens} tokens, ${stats.decodeTokensPerSecond.toFixed(1)} tokens/s${stats.finishReason === 'aborted' ? ', stopped' : ''}`
      : '';
    lines.push(`## ${turn.role === 'user' ? 'You' : 'Model'}${figures}`, '', turn.text, '');
  });
  return `${lines.join('\n').trimEnd()}\n`;
}

function forgottenLine(earlier: readonly SavedTurn[]): string {
  const count = earlier.filter((turn) => turn.text !== '').length;
  return `${count} earlier ${count === 1 ? 'message is' : 'messages are'} no longer visible to the model.`;
}

/** A file name for the conversation: its title, slugged, and the date. */
export function conversationFileName(conversation: SavedConversation, extension: 'md' | 'json'): string {
  const slug =
    conversation.title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'conversation';
  return `edge-llm-${slug}-${new Date(conversation.savedAt).toISOString().slice(0, 10)}.${extension}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
};

/** Collects problems by path; each check returns the value when it passed. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, rule: string, value: unknown): undefined {
    this.problems.push(`${path} ${rule} (it is ${value === undefined ? 'missing' : shown(value)}).`);
    return undefined;
  }

  text(path: string, value: unknown, limit: number, allowEmpty = true): string | undefined {
    if (typeof value === 'string' && value.length <= limit && (allowEmpty || value.trim() !== '')) return value;
    return this.fail(path, `must be ${allowEmpty ? '' : 'non-empty '}text of at most ${limit} characters`, value);
  }

  date(path: string, value: unknown): number | undefined {
    const time = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isFinite(time) ? time : this.fail(path, 'must be a date in ISO 8601 form', value);
  }

  number(path: string, value: unknown, min: number, max: number, whole = false): number | undefined {
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
    if (ok && (!whole || Number.isInteger(value))) return value;
    return this.fail(path, `must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`, value);
  }
}

function readFileSettings(check: Checker, value: unknown): Partial<SavedSettings> {
  if (value === undefined) return {};
  if (!isRecord(value)) return check.fail('settings', 'must be an object', value) ?? {};
  const settings: Partial<SavedSettings> = {};
  // Every setting is optional: one the file leaves out stays as the chat has it.
  if (value.systemPrompt !== undefined) {
    const systemPrompt = check.text('settings.systemPrompt', value.systemPrompt, FILE_TEXT_LIMIT);
    if (systemPrompt !== undefined) settings.systemPrompt = systemPrompt;
  }
  if (value.maxTokens !== undefined) {
    const maxTokens = check.number('settings.maxTokens', value.maxTokens, 1, MAX_TOKENS_LIMIT, true);
    if (maxTokens !== undefined) settings.maxTokens = maxTokens;
  }
  if (value.temperature !== undefined) {
    const temperature = check.number('settings.temperature', value.temperature, 0, TEMPERATURE_LIMIT);
    if (temperature !== undefined) settings.temperature = temperature;
  }
  if (value.engine !== undefined) {
    if (isEngineId(value.engine)) settings.engine = value.engine as EngineId;
    else check.fail('settings.engine', `must be one of ${ENGINE_IDS.map((id) => `"${id}"`).join(', ')}`, value.engine);
  }
  if (value.model !== undefined) {
    const model = check.text('settings.model', value.model, 2000, false);
    if (model !== undefined) settings.model = model;
  }
  if (value.device !== undefined) {
    if (DEVICES.includes(value.device as SavedSettings['device'] & string)) {
      settings.device = value.device as SavedSettings['device'];
    } else {
      check.fail('settings.device', 'must be "webgpu" or "wasm"', value.device);
    }
  }
  return settings;
}

function readFileStats(check: Checker, path: string, value: unknown): TurnStats | undefined {
  if (!isRecord(value)) return check.fail(path, 'must be an object', value);
  const count = (name: string) => check.number(`${path}.${name}`, value[name], 0, Number.MAX_SAFE_INTEGER, true);
  const rate = (name: string) => check.number(`${path}.${name}`, value[name], 0, Number.MAX_VALUE);
  const outputTokens = count('outputTokens');
  const decodeTokensPerSecond = rate('decodeTokensPerSecond');
  const ttftMs = rate('ttftMs');
  const finishReason = FINISH_REASONS.has(value.finishReason as string)
    ? (value.finishReason as TurnStats['finishReason'])
    : check.fail(`${path}.finishReason`, 'must be "stop", "length" or "aborted"', value.finishReason);
  const promptTokens = value.promptTokens === undefined ? undefined : count('promptTokens');
  const prefill = value.prefillTokensPerSecond === undefined ? undefined : rate('prefillTokensPerSecond');
  if (outputTokens === undefined || decodeTokensPerSecond === undefined || ttftMs === undefined || !finishReason) {
    return undefined;
  }
  return {
    outputTokens,
    decodeTokensPerSecond,
    ttftMs,
    finishReason,
    ...(promptTokens === undefined ? {} : { promptTokens }),
    ...(prefill === undefined ? {} : { prefillTokensPerSecond: prefill }),
  };
}

function readFileMessage(check: Checker, index: number, value: unknown): SavedTurn | undefined {
  const path = `messages[${index}]`;
  if (!isRecord(value)) return check.fail(path, 'must be an object', value);
  const role =
    value.role === 'user' || value.role === 'assistant'
      ? value.role
      : check.fail(`${path}.role`, 'must be "user" or "assistant"', value.role);
  const text = check.text(`${path}.text`, value.text, FILE_TEXT_LIMIT);
  if (value.partial !== undefined && value.partial !== true)
    check.fail(`${path}.partial`, 'must be true', value.partial);
  const stats = value.stats === undefined ? undefined : readFileStats(check, `${path}.stats`, value.stats);
  if (!role || text === undefined) return undefined;
  return { role, text, ...(value.partial === true ? { partial: true } : {}), ...(stats ? { stats } : {}) };
}

/** Reads a conversation file, checking every field; lists each problem by its path. */
export function readConversationFile(text: string): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`The file is not JSON: ${(error as Error).message}`] };
  }
  const check = new Checker();
  if (!isRecord(value)) return { ok: false, problems: ['The file must hold a JSON object.'] };
  if (value.schema !== CONVERSATION_FILE_SCHEMA) {
    const newer = typeof value.schema === 'string' && /^edge-llm\/conversation@\d+$/.test(value.schema);
    return {
      ok: false,
      problems: [
        newer
          ? `The file is ${value.schema}, from another version of edge-llm; this one reads ${CONVERSATION_FILE_SCHEMA}.`
          : `schema must be "${CONVERSATION_FILE_SCHEMA}" (it is ${value.schema === undefined ? 'missing' : shown(value.schema)}): this is not an edge-llm conversation file.`,
      ],
    };
  }
  const title = value.title === undefined ? undefined : check.text('title', value.title, TITLE_LIMIT, false);
  const createdAt = check.date('createdAt', value.createdAt);
  const updatedAt = value.updatedAt === undefined ? createdAt : check.date('updatedAt', value.updatedAt);
  const settings = readFileSettings(check, value.settings);
  let turns: SavedTurn[] = [];
  if (!Array.isArray(value.messages) || value.messages.length === 0 || value.messages.length > FILE_MESSAGE_LIMIT) {
    check.fail('messages', `must be a list of 1 to ${FILE_MESSAGE_LIMIT} messages`, value.messages);
  } else {
    turns = value.messages
      .map((message, index) => readFileMessage(check, index, message))
      .filter((turn): turn is SavedTurn => turn !== undefined);
  }
  const memoryStart =
    value.memoryStart === undefined ? 0 : check.number('memoryStart', value.memoryStart, 0, turns.length, true);
  if (check.problems.length > 0) {
    const more = check.problems.length - PROBLEM_LIMIT;
    return {
      ok: false,
      problems: more > 0 ? [...check.problems.slice(0, PROBLEM_LIMIT), `…and ${more} more.`] : check.problems,
    };
  }
  const firstUser = turns.find((turn) => turn.role === 'user');
  return {
    ok: true,
    conversation: {
      title: title ?? titleFrom(firstUser?.text ?? ''),
      renamed: title !== undefined,
      createdAt: createdAt!,
      savedAt: updatedAt!,
      settings,
      turns,
      memoryStart: memoryStart ?? 0,
    },
  };
}
