// Types of prng.mjs's export, for the tests.
export function mulberry32(seed: number): () => number;
