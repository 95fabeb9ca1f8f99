/**
 * Seeded random mutations of valid inputs, for the importer fuzz tests: a valid value is changed
 * at one to three random places (a field removed, retyped, replaced by something hostile, an
 * array blown past its limits, an unknown or prototype-polluting key added), or its text is cut
 * or has characters flipped. fast-check drives the choices, so a failing case prints its seed and
 * the smallest mutation that still fails.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Paths mutations pick from: the first few thousand, no deeper than a real file goes. */
const MAX_PATHS = 4000;
const MAX_DEPTH = 40;

/** Paths to the values inside `value`, the root included, breadth first (bounded). */
function paths(value: Json): Path[] {
  const found: Path[] = [];
  const queue: [Json, Path][] = [[value, []]];
  while (queue.length > 0 && found.length < MAX_PATHS) {
    const [item, path] = queue.shift()!;
    found.push(path);
    if (path.length >= MAX_DEPTH) continue;
    if (Array.isArray(item)) item.forEach((child, i) => queue.push([child, [...path, i]]));
    else if (item && typeof item === 'object')
      for (const [key, child] of Object.entries(item)) queue.push([child, [...path, key]]);
  }
  return found;
}

/** Every key name used anywhere in `value`: what a rejection may name as its field. */
export function keyNames(value: Json): Set<string> {
  const names = new Set<string>();
  for (const path of paths(value)) for (const part of path) if (typeof part === 'string') names.add(part);
  return names;
}

const HOSTILE: Json[] = [
  '',
  ' ',
  'x'.repeat(20_000),
  '<script>window.__fuzzed = 1</script>',
  'javascript:alert(1)',
  '../../../etc/passwd',
  '\u0000\uFFFF\uD800',
  '🙂'.repeat(1000),
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  0.1,
  true,
  false,
  null,
  [],
  {},
];

/** A value nested `depth` levels deep: deep enough to hurt a recursive reader. */
function nested(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { deeper: value };
  return value;
}

type Operation =
  | { kind: 'delete' }
  | { kind: 'replace'; value: Json }
  | { kind: 'repeat'; times: number }
  | { kind: 'add-key'; key: string; value: Json };

// Blow-ups (deep nesting, long arrays) are rare: they cost the most and need few tries to find a limit.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), value: fc.constantFrom(...HOSTILE) }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      value: fc.integer({ min: 50, max: 2000 }).map(nested),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 12_000 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('add-key' as const),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), fc.string()),
      value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    }),
    weight: 3,
  },
);

function apply(root: Json, path: Path, op: Operation): Json {
  if (path.length === 0) {
    // The root itself can only be swapped for something else.
    return op.kind === 'replace' ? structuredClone(op.value) : op.kind === 'delete' ? null : root;
  }
  let parent = root as Record<string | number, Json>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, Json>;
  const last = path.at(-1)!;
  const target = parent[last]!;
  switch (op.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'replace':
      // A copy: the hostile constants are shared between runs and later steps may change them.
      parent[last] = structuredClone(op.value);
      break;
    case 'repeat': {
      // Past every limit a file has (1,000 entries, 10,000 samples), without building gigabytes:
      // the copies share one value, and a large one is repeated fewer times.
      const item = Array.isArray(target) ? (target[0] ?? 1) : target;
      const large = (item !== null && typeof item === 'object') || (typeof item === 'string' && item.length > 100);
      const copies = Array.from({ length: large ? Math.min(op.times, 1100) : op.times }, () => item);
      if (Array.isArray(target)) target.push(...copies);
      else parent[last] = copies;
      break;
    }
    case 'add-key':
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, op.key, {
          value: op.value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      break;
  }
  return root;
}

/** One to three mutations of `valid`, at random places. */
export function mutated(valid: Json): fc.Arbitrary<Json> {
  return fc.array(fc.tuple(fc.nat(), operation), { minLength: 1, maxLength: 3 }).map((steps) => {
    let value = structuredClone(valid);
    for (const [pick, op] of steps) {
      const all = paths(value);
      value = apply(value, all[pick % all.length]!, op);
    }
    return value;
  });
}

/** The text of `valid`, mutated as data or as text (cut short, characters replaced). */
export function mutatedText(valid: Json): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    mutated(valid).map((value) => JSON.stringify(value) ?? 'undefined'),
    fc.nat({ max: text.length }).map((at) => text.slice(0, at)),
    fc
      .array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })), {
        minLength: 1,
        maxLength: 5,
      })
      .map((edits) => edits.reduce((out, [at, piece]) => out.slice(0, at) + piece + out.slice(at + 1), text)),
  );
}

/** Runs `check` and fails when it takes longer than `limitMs`: a reader must never hang. */
export function withinTime<T>(limitMs: number, check: () => T): T {
  const start = performance.now();
  const result = check();
  const took = performance.now() - start;
  if (took > limitMs) throw new Error(`took ${took.toFixed(0)} ms (limit ${limitMs} ms)`);
  return result;
}

/** The seed every fuzz property runs with, printed with any failure; FUZZ_SEED overrides it. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261129);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
