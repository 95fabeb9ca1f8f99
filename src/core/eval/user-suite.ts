/**
 * A user's own suite: a JSONL file, one item per line (see docs/evaluation.md, "Your own
 * suite"). Every line is checked and every problem named by line and field; nothing in the file
 * is evaluated, and its strings stay plain data.
 */
import { parseExpectedNumber } from './extract-number.js';
import { MATCH_TYPES, isMatchType, type EvalItem, type EvalSuite, type MatchType } from './item.js';
import { compilePattern } from './match.js';
import { normalizeAnswer } from './normalize.js';

/** Longest file read, in characters. */
export const MAX_SUITE_CHARS = 5_000_000;
export const MAX_SUITE_ITEMS = 10_000;
export const MAX_PROMPT_CHARS = 20_000;
export const MAX_ANSWER_CHARS = 1_000;
export const MAX_CHOICES = 50;
/** Problems listed before the rest are only counted. */
const MAX_REPORTED = 20;

const KNOWN_FIELDS = ['id', 'prompt', 'answer', 'match', 'choices', 'system'];

export type UserSuiteResult =
  { ok: true; suite: EvalSuite; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

class LineError extends Error {}

function fail(message: string): never {
  throw new LineError(message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') fail(`${field} must be a string (got ${describe(value)})`);
  if (value.trim() === '') fail(`${field} is empty`);
  if (value.length > max) fail(`${field} is too long (${value.length} characters; at most ${max})`);
  return value;
}

function match(value: unknown): MatchType {
  if (value === undefined) fail(`match is missing (one of ${MATCH_TYPES.join(', ')})`);
  if (!isMatchType(value)) {
    const got = typeof value === 'string' ? quoted(value) : describe(value);
    fail(`match must be one of ${MATCH_TYPES.join(', ')} (got ${got})`);
  }
  return value;
}

function choices(value: unknown): string[] {
  if (!Array.isArray(value)) fail(`choices must be an array of strings (got ${describe(value)})`);
  if (value.length < 2 || value.length > MAX_CHOICES) {
    fail(`choices must list 2 to ${MAX_CHOICES} answers (got ${value.length})`);
  }
  const list = value.map((choice, i) => text(choice, `choices[${i}]`, MAX_ANSWER_CHARS));
  const seen = new Map<string, number>();
  list.forEach((choice, i) => {
    const key = normalizeAnswer(choice);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      fail(`choices[${i}] is the same as choices[${earlier}] once normalised (${quoted(key)})`);
    seen.set(key, i);
  });
  return list;
}

function jsonKeys(value: unknown): string[] {
  // An example object is accepted too: its keys are the answer.
  const keys =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : (value as unknown);
  if (!Array.isArray(keys)) fail(`answer must list the keys, as an array of strings (got ${describe(value)})`);
  if (keys.length === 0 || keys.length > MAX_CHOICES) fail(`answer must list 1 to ${MAX_CHOICES} keys`);
  const list = keys.map((key, i) => text(key, `answer[${i}]`, MAX_ANSWER_CHARS));
  const twice = list.find((key, i) => list.indexOf(key) !== i);
  if (twice !== undefined) fail(`answer lists the key ${quoted(twice)} twice`);
  return list;
}

function answer(value: unknown, type: MatchType): string | string[] {
  if (value === undefined) fail('answer is missing');
  if (type === 'json-keys') return jsonKeys(value);
  if (type === 'number') {
    const written = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    const answerText = text(written, 'answer', MAX_ANSWER_CHARS);
    if (Number.isNaN(parseExpectedNumber(answerText)))
      fail(`answer must be a number for match "number" (got ${quoted(answerText)})`);
    return answerText;
  }
  const answerText = text(value, 'answer', MAX_ANSWER_CHARS);
  if (type === 'regex') {
    try {
      compilePattern(answerText);
    } catch (error) {
      fail(`answer is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return answerText;
}

function item(json: unknown, line: number, warnings: string[]): EvalItem {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail(`must be a JSON object (got ${describe(json)})`);
  }
  const fields = json as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!KNOWN_FIELDS.includes(key)) warnings.push(`line ${line}: unknown field ${quoted(key)} is ignored`);
  }
  const type = match(fields.match);
  const out: EvalItem = {
    id: fields.id === undefined ? `line-${line}` : text(fields.id, 'id', 200),
    prompt: text(fields.prompt, 'prompt', MAX_PROMPT_CHARS),
    answer: answer(fields.answer, type),
    match: type,
  };
  if (type === 'choice') {
    if (fields.choices === undefined) fail('choices is missing (match "choice" needs the list of answers)');
    out.choices = choices(fields.choices);
    const expected = normalizeAnswer(out.answer as string);
    if (!out.choices.some((choice) => normalizeAnswer(choice) === expected)) {
      fail(`answer ${quoted(out.answer as string)} is not one of the choices`);
    }
  } else if (fields.choices !== undefined) {
    fail(`choices is only for match "choice" (this line's match is "${type}")`);
  }
  if (fields.system !== undefined) out.system = text(fields.system, 'system', MAX_PROMPT_CHARS);
  return out;
}

/**
 * Reads a JSONL suite. Blank lines are skipped; every other line must be one item. Returns the
 * suite, or every problem found (the first {@link MAX_REPORTED}, then a count).
 */
export function parseUserSuite(source: string, name: string): UserSuiteResult {
  const warnings: string[] = [];
  if (source.length > MAX_SUITE_CHARS) {
    return {
      ok: false,
      errors: [`the file is too large (${source.length} characters; at most ${MAX_SUITE_CHARS})`],
      warnings,
    };
  }
  const errors: string[] = [];
  const items: EvalItem[] = [];
  const ids = new Map<string, number>();
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      errors.push(`line ${line}: not valid JSON (${(error as Error).message})`);
      return;
    }
    try {
      const parsed = item(json, line, warnings);
      const earlier = ids.get(parsed.id);
      if (earlier !== undefined) fail(`id ${quoted(parsed.id)} is already used on line ${earlier}`);
      ids.set(parsed.id, line);
      items.push(parsed);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      errors.push(`line ${line}: ${error.message}`);
    }
  });
  if (items.length > MAX_SUITE_ITEMS) errors.unshift(`the file has ${items.length} items; at most ${MAX_SUITE_ITEMS}`);
  if (errors.length === 0 && items.length === 0) errors.push('the file has no items (one JSON object per line)');
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED);
    if (errors.length > MAX_REPORTED) shown.push(`… and ${errors.length - MAX_REPORTED} more problems`);
    return { ok: false, errors: shown, warnings: warnings.slice(0, MAX_REPORTED) };
  }
  return {
    ok: true,
    suite: { name: name.slice(0, 200), kind: 'user', items },
    warnings: warnings.slice(0, MAX_REPORTED),
  };
}
