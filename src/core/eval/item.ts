/**
 * One task of an evaluation suite, the same shape for the built-in suites and a user's own
 * JSONL file (see docs/evaluation.md). Everything here is plain data: prompts and answers are
 * never evaluated or rendered as markup.
 */

/** How a model's reply is checked against the answer (the rules are in ./match.ts). */
export const MATCH_TYPES = ['exact', 'number', 'regex', 'choice', 'json-keys'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/** Languages the built-in suites are written in. */
export const SUITE_LANGUAGES = ['en', 'zh'] as const;
export type SuiteLanguage = (typeof SUITE_LANGUAGES)[number];

export interface EvalItem {
  /** Unique within its suite, e.g. "arithmetic-en-0007" or "line-12". */
  id: string;
  /** The user message sent to the model. */
  prompt: string;
  /**
   * The expected answer: a string for exact, number, regex (the pattern) and choice; the keys
   * the JSON object must have, exactly, for json-keys.
   */
  answer: string | string[];
  match: MatchType;
  /** The allowed answers of a choice item; `answer` is one of them. */
  choices?: string[];
  /** A system message sent before the prompt. */
  system?: string;
}

/** A named list of items, with what is needed to make it again. */
export interface EvalSuite {
  /** "arithmetic", "extraction", "classification", "instructions", or a user's file name. */
  name: string;
  kind: 'built-in' | 'user';
  lang?: SuiteLanguage;
  /** The seed a built-in suite was generated from. */
  seed?: number;
  items: EvalItem[];
}

export function isMatchType(value: unknown): value is MatchType {
  return typeof value === 'string' && (MATCH_TYPES as readonly string[]).includes(value);
}

/**
 * A short fingerprint of a suite's items (FNV-1a over their JSON, hex), so results from two
 * devices can show they answered the same items. Not a security hash.
 */
export function suiteFingerprint(items: readonly EvalItem[]): string {
  const text = JSON.stringify(
    items.map(({ id, prompt, answer, match, choices, system }) => [id, prompt, answer, match, choices, system]),
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `fnv1a32-${hash.toString(16).padStart(8, '0')}-${items.length}`;
}
