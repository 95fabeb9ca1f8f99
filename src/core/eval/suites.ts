/**
 * The built-in task suites, made by the project from seeded generators (no item is copied from
 * a published benchmark): the same name, language, seed and count give the same items and
 * answers everywhere.
 */
import { arithmeticItem } from './arithmetic.js';
import { classificationItem } from './classification.js';
import { extractionItem } from './extraction.js';
import { instructionItem } from './instructions.js';
import type { EvalItem, EvalSuite, SuiteLanguage } from './item.js';
import { itemRandom, type Random } from './random.js';

export const BUILT_IN_SUITES = ['arithmetic', 'extraction', 'classification', 'instructions'] as const;
export type BuiltInSuiteName = (typeof BUILT_IN_SUITES)[number];

/** The seed every published figure uses unless it says otherwise. */
export const DEFAULT_SEED = 13;
/** Items per suite by default: at least 50, and a multiple of 2 and 3 so every kind is even. */
export const DEFAULT_ITEM_COUNT = 60;
export const MAX_ITEM_COUNT = 10_000;

type Generator = (random: Random, index: number, lang: SuiteLanguage) => Omit<EvalItem, 'id'>;

/** Each suite draws from its own stream (the salt), so suites change independently. */
const GENERATORS: Record<BuiltInSuiteName, { salt: number; make: Generator }> = {
  arithmetic: { salt: 0xa417, make: arithmeticItem },
  extraction: { salt: 0xe874, make: extractionItem },
  classification: { salt: 0xc1a5, make: classificationItem },
  instructions: { salt: 0x1257, make: instructionItem },
};

export function isBuiltInSuite(name: unknown): name is BuiltInSuiteName {
  return typeof name === 'string' && (BUILT_IN_SUITES as readonly string[]).includes(name);
}

/** A built-in suite: `count` items made from `seed`, item i the same for any count above i. */
export function builtInSuite(
  name: BuiltInSuiteName,
  lang: SuiteLanguage,
  { seed = DEFAULT_SEED, count = DEFAULT_ITEM_COUNT }: { seed?: number; count?: number } = {},
): EvalSuite {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ITEM_COUNT) {
    throw new RangeError(`A suite has 1 to ${MAX_ITEM_COUNT} items (asked for ${count}).`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`A seed is a whole number from 0 to ${0xffffffff} (got ${seed}).`);
  }
  const { salt, make } = GENERATORS[name];
  const items = Array.from({ length: count }, (_, index) => ({
    id: `${name}-${lang}-${String(index + 1).padStart(4, '0')}`,
    ...make(itemRandom(seed, salt, index), index, lang),
  }));
  return { name, kind: 'built-in', lang, seed, items };
}
