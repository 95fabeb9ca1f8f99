/**
 * Field checks for the result files edge-llm reads back (benchmark, evaluation): each returns the
 * value with its type or throws a {@link SchemaFieldError} that names the bad field.
 */

/** Most samples in one metric array. */
/** Most runs, features or limits in one file. */
export const MAX_ENTRIES = 1_000;
export const MAX_SAMPLES = 10_000;
/** Longest string accepted anywhere in a file. */
export const MAX_STRING_LENGTH = 1_000;

/** A field that is missing, of the wrong type or out of bounds; the message names it. */
export class SchemaFieldError extends Error {}

export function fail(message: string): never {
  throw new SchemaFieldError(message);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${path} must be an object (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(`${path} must be a string (got ${describe(value)})`);
  if (value.length > MAX_STRING_LENGTH) {
    fail(`${path} is too long (${value.length} characters; at most ${MAX_STRING_LENGTH})`);
  }
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(`${path} must be true or false (got ${describe(value)})`);
  return value;
}

export function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${path} must be a finite number`);
  return value;
}

export function nonNegative(value: unknown, path: string): number {
  const n = finite(value, path);
  if (n < 0) fail(`${path} must not be negative (got ${n})`);
  return n;
}

export function optionalNonNegative(value: unknown, path: string): number | undefined {
  return value === undefined ? undefined : nonNegative(value, path);
}

export function array(value: unknown, path: string, max: number, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${path} must be an array (got ${describe(value)})`);
  if (value.length > max) fail(`${path} has too many ${what} (${value.length}; at most ${max})`);
  return value;
}

export function samples(value: unknown, path: string): number[] {
  return array(value, path, MAX_SAMPLES, 'samples').map((item, i) => nonNegative(item, `${path}[${i}]`));
}
