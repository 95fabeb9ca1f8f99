/**
 * The bounds of a reply's settings, and how a value from outside (an attribute, a script, a
 * saved record) is brought into them: a chat never asks an engine for a billion tokens or a
 * temperature of NaN because a host page wrote nonsense.
 */

/** Most tokens a reply may have. */
export const MAX_TOKENS_LIMIT = 32768;
/** Highest sampling temperature. */
export const TEMPERATURE_LIMIT = 2;
export const DEFAULT_MAX_TOKENS = 512;
export const DEFAULT_TEMPERATURE = 0.7;

/** Max tokens as a whole number from 1 to the limit; the default when it is not a number at all. */
export function replyMaxTokens(value: number): number {
  if (!Number.isFinite(value)) return value === Infinity ? MAX_TOKENS_LIMIT : DEFAULT_MAX_TOKENS;
  return Math.min(MAX_TOKENS_LIMIT, Math.max(1, Math.round(value)));
}

/** Temperature from 0 to the limit; the default when it is not a number at all. */
export function replyTemperature(value: number): number {
  if (Number.isNaN(value)) return DEFAULT_TEMPERATURE;
  return Math.min(TEMPERATURE_LIMIT, Math.max(0, value));
}
