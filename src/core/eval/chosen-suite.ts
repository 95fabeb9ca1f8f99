/**
 * The suite a form or a caller chose, made ready to run: a built-in suite generated from its
 * seed, or a user's suite read back from its kept text (and checked again, line by line).
 */
import type { EvalSuite, SuiteLanguage } from './item.js';
import type { SavedSuite } from './saved.js';
import { builtInSuite, isBuiltInSuite } from './suites.js';
import { parseUserSuite } from './user-suite.js';

/** What names a suite: a built-in name (with language, count, seed), or "user:" and a kept suite's name. */
export interface SuiteChoice {
  suite: string;
  lang: SuiteLanguage;
  count: number;
  seed: number;
}

export const USER_SUITE_PREFIX = 'user:';

export type ChosenSuite = { ok: true; suite: EvalSuite } | { ok: false; error: string };

/** The chosen suite, or why it cannot run, in words. */
export function chosenSuite(choice: SuiteChoice, saved: readonly SavedSuite[]): ChosenSuite {
  if (choice.suite.startsWith(USER_SUITE_PREFIX)) {
    const name = choice.suite.slice(USER_SUITE_PREFIX.length);
    const kept = saved.find((suite) => suite.name === name);
    if (!kept) return { ok: false, error: `The suite "${name}" is not kept in this browser: choose its file again.` };
    const read = parseUserSuite(kept.text, name);
    if (!read.ok) {
      const more = read.errors.length > 1 ? ` (and ${read.errors.length - 1} more problems)` : '';
      return { ok: false, error: `${name} is not a valid suite: ${read.errors[0]}${more}` };
    }
    return { ok: true, suite: read.suite };
  }
  if (!isBuiltInSuite(choice.suite)) return { ok: false, error: `There is no built-in suite "${choice.suite}".` };
  try {
    return { ok: true, suite: builtInSuite(choice.suite, choice.lang, { seed: choice.seed, count: choice.count }) };
  } catch (error) {
    return { ok: false, error: `Check the settings: ${(error as Error).message}` };
  }
}
