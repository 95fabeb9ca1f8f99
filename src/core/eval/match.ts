/**
 * Scores one reply against one item, by the item's match type. The rules are written down in
 * docs/evaluation.md ("Matching"); each is lenient about form (width, case, punctuation, a
 * label, a fence) and strict about content.
 */
import { extractJsonObject, keyDifference } from './extract-json.js';
import { extractNumber, parseExpectedNumber, sameNumber } from './extract-number.js';
import type { EvalItem } from './item.js';
import { firstLine, foldWidth, normalizeAnswer } from './normalize.js';

export interface MatchOutcome {
  correct: boolean;
  /** What was read from the reply and compared (the number, the choice, the keys), if anything. */
  extracted: string | undefined;
  /** Why a reply was not counted right, in words; absent when it was. */
  note?: string;
}

const MAX_SHOWN = 80;

function shown(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);
}

/** `exact`: the normalised reply, or its first line, equals the normalised answer. */
function matchExact(reply: string, answer: string): MatchOutcome {
  const expected = normalizeAnswer(answer);
  const whole = normalizeAnswer(reply);
  const first = normalizeAnswer(firstLine(reply));
  if (whole === expected || first === expected) return { correct: true, extracted: expected };
  return { correct: false, extracted: whole, note: `expected ${shown(expected)}` };
}

/** `number`: the reply's answer number (see extractNumber) equals the expected number. */
function matchNumber(reply: string, answer: string): MatchOutcome {
  const expected = parseExpectedNumber(answer);
  const found = extractNumber(reply);
  if (found === undefined) return { correct: false, extracted: undefined, note: 'no number in the reply' };
  if (Number.isNaN(expected)) return { correct: false, extracted: found, note: `${shown(answer)} is not a number` };
  return sameNumber(Number(found), expected)
    ? { correct: true, extracted: found }
    : { correct: false, extracted: found, note: `expected ${answer}` };
}

/** A pattern as "/body/flags" or a bare body (then with the `u` flag). */
export function compilePattern(pattern: string): RegExp {
  const literal = /^\/([\s\S]*)\/([dgimsuvy]*)$/.exec(pattern);
  if (!literal) return new RegExp(pattern, 'u');
  const flags = literal[2]!.replace(/[gy]/g, '');
  return new RegExp(literal[1]!, flags.includes('u') || flags.includes('v') ? flags : `${flags}u`);
}

/** `regex`: the pattern matches the reply, width folded and trimmed (anchor it to match all). */
function matchRegex(reply: string, pattern: string): MatchOutcome {
  let regex: RegExp;
  try {
    regex = compilePattern(pattern);
  } catch (error) {
    return { correct: false, extracted: undefined, note: `the pattern is invalid: ${(error as Error).message}` };
  }
  const text = foldWidth(reply).trim();
  const found = regex.exec(text);
  return found
    ? { correct: true, extracted: found[0] }
    : { correct: false, extracted: undefined, note: `does not match ${shown(pattern)}` };
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const SPACELESS_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Where `choice` occurs in `text` as a word of its own (within Chinese text: anywhere). */
function occurrences(text: string, choice: string): [number, number][] {
  const spans: [number, number][] = [];
  if (choice === '') return spans;
  const spaceless = SPACELESS_SCRIPT.test(choice);
  for (let at = text.indexOf(choice); at !== -1; at = text.indexOf(choice, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + choice.length] ?? '';
    const bounded = spaceless || (!LETTER_OR_DIGIT.test(before) && !LETTER_OR_DIGIT.test(after));
    if (bounded) spans.push([at, at + choice.length]);
  }
  return spans;
}

/**
 * `choice`: which of the choices the reply gives.
 * 1. the whole reply, or its first line, is a choice;
 * 2. else the reply starts with a choice ("Positive. The review praises …");
 * 3. else exactly one choice is named anywhere (a choice inside a longer one, like "spam" in
 *    "not spam", does not count);
 * otherwise the reply names none or several and gets no credit.
 */
export function chooseAnswer(reply: string, choices: readonly string[]): string | { note: string } {
  const normalized = choices.map((choice) => ({ choice, key: normalizeAnswer(choice) }));
  const whole = normalizeAnswer(reply);
  const first = normalizeAnswer(firstLine(reply));
  const exact = normalized.find(({ key }) => key === whole || key === first);
  if (exact) return exact.choice;
  const longestFirst = [...normalized].sort((a, b) => b.key.length - a.key.length);
  const leading = longestFirst.find(({ key }) => key !== '' && occurrences(whole, key)[0]?.[0] === 0);
  if (leading) return leading.choice;
  const found = normalized.map((entry) => ({ ...entry, spans: occurrences(whole, entry.key) }));
  const inLonger = (span: [number, number], other: (typeof found)[number]) =>
    other.spans.some(([start, end]) => start <= span[0] && span[1] <= end && end - start > span[1] - span[0]);
  const standalone = found.filter((entry) =>
    entry.spans.some((span) => !found.some((other) => other !== entry && inLonger(span, other))),
  );
  if (standalone.length === 1) return standalone[0]!.choice;
  if (standalone.length === 0) return { note: 'names none of the choices' };
  return { note: `names several choices: ${standalone.map(({ choice }) => shown(choice)).join(', ')}` };
}

function matchChoice(reply: string, answer: string, choices: readonly string[]): MatchOutcome {
  const chosen = chooseAnswer(reply, choices);
  if (typeof chosen !== 'string') return { correct: false, extracted: undefined, note: chosen.note };
  return normalizeAnswer(chosen) === normalizeAnswer(answer)
    ? { correct: true, extracted: chosen }
    : { correct: false, extracted: chosen, note: `expected ${shown(answer)}` };
}

/** `json-keys`: the reply's JSON object (see extractJsonObject) has exactly the expected keys. */
function matchJsonKeys(reply: string, keys: readonly string[]): MatchOutcome {
  const object = extractJsonObject(reply);
  if (!object) return { correct: false, extracted: undefined, note: 'no JSON object in the reply' };
  const extracted = Object.keys(object).join(', ');
  const { missing, extra } = keyDifference(object, keys);
  if (missing.length === 0 && extra.length === 0) return { correct: true, extracted };
  const problems = [
    missing.length > 0 ? `missing ${missing.map(shown).join(', ')}` : '',
    extra.length > 0 ? `extra ${extra.map(shown).join(', ')}` : '',
  ].filter(Boolean);
  return { correct: false, extracted, note: `keys differ: ${problems.join('; ')}` };
}

/** Scores `reply` against `item` by its match type. Never throws: a bad item scores wrong, with a note. */
export function scoreReply(item: EvalItem, reply: string): MatchOutcome {
  const answer = item.answer;
  if (item.match === 'json-keys') {
    return Array.isArray(answer)
      ? matchJsonKeys(reply, answer)
      : { correct: false, extracted: undefined, note: 'a json-keys answer must list the keys' };
  }
  if (typeof answer !== 'string') {
    return { correct: false, extracted: undefined, note: `a ${item.match} answer must be a string` };
  }
  switch (item.match) {
    case 'exact':
      return matchExact(reply, answer);
    case 'number':
      return matchNumber(reply, answer);
    case 'regex':
      return matchRegex(reply, answer);
    case 'choice':
      return matchChoice(reply, answer, item.choices ?? []);
  }
}
