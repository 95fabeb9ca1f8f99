// Types of fixtures-digest.mjs, for the tests.
export const DIGEST_FILE: string;
export function fixturesDigest(): string;
export function folderDigestPath(out: string, folder: string): string;
