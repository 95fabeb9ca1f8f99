/**
 * The `json-keys` rule (docs/evaluation.md): finds the JSON object a reply gives, whether it is
 * the whole reply, inside a ```json fence, or wrapped in prose, and compares its keys.
 */
import { foldWidth } from './normalize.js';

/** Fenced code blocks, with or without a language tag. */
const FENCE = /```[ \t]*[\w-]*[ \t]*\r?\n?([\s\S]*?)```/g;
/** Most candidates tried in one reply (a reply of braces cannot make the check slow). */
const MAX_CANDIDATES = 50;

/** The object texts in `text`: each `{` with the `}` that closes it, strings respected. */
function braced(text: string): string[] {
  const found: string[] = [];
  for (let start = text.indexOf('{'); start !== -1 && found.length < MAX_CANDIDATES;) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const char = text[i];
      if (inString) {
        if (char === '\\') i++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{') depth++;
      else if (char === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) break;
    found.push(text.slice(start, end + 1));
    start = text.indexOf('{', start + 1);
  }
  return found;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Near misses a model writes for JSON: full-width braces, colons and commas, curly quotes, a
 * comma before the closing brace.
 */
function repair(text: string): string {
  return foldWidth(text).replace(/,\s*([}\]])/g, '$1');
}

/**
 * The first JSON object in a reply, trying in order: each fenced block, the whole reply, each
 * `{…}` in it; each as written, then repaired (see {@link repair}). Undefined when none parses.
 */
export function extractJsonObject(reply: string): Record<string, unknown> | undefined {
  const fenced = [...reply.matchAll(FENCE)].map((match) => match[1]!.trim());
  const candidates = [...fenced, reply.trim(), ...braced(reply)];
  for (const candidate of candidates) {
    const parsed = parseObject(candidate) ?? parseObject(repair(candidate));
    if (parsed) return parsed;
  }
  // Curly quotes and full-width braces only become JSON once repaired, so search the repaired text too.
  for (const candidate of braced(repair(reply))) {
    const parsed = parseObject(candidate);
    if (parsed) return parsed;
  }
  return undefined;
}

/** Keys the object lacks and keys it has beyond the expected ones. */
export function keyDifference(
  object: Record<string, unknown>,
  expected: readonly string[],
): { missing: string[]; extra: string[] } {
  const keys = Object.keys(object);
  return {
    missing: expected.filter((key) => !keys.includes(key)),
    extra: keys.filter((key) => !expected.includes(key)),
  };
}
