/**
 * Seeded randomness for the task suites: the same seed gives the same items on every machine.
 * mulberry32, the generator scripts/prng.mjs uses for the fixtures (a unit test keeps the two in
 * step), with the few helpers the generators need.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a 32-bit seeded generator, small and fast; not for cryptography. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number from `min` to `max`, both included. */
export function integer(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** `count` different elements of a list, in random order. */
export function pickDistinct<T>(random: Random, list: readonly T[], count: number): T[] {
  const pool = [...list];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

/**
 * A generator of its own for one item of a suite, so item i is the same whether 50 or 500 items
 * are asked for and a change to one generator leaves the other suites' items alone.
 */
export function itemRandom(suiteSeed: number, salt: number, index: number): Random {
  return mulberry32((Math.imul(suiteSeed ^ salt, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}
