import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  MAX_TOKENS_LIMIT,
  replyMaxTokens,
  replyTemperature,
} from '../../src/core/generation-settings.js';

describe('reply settings from outside', () => {
  it.each([
    [64, 64],
    [64.4, 64],
    [0, 1],
    [-5, 1],
    [1e9, MAX_TOKENS_LIMIT],
    [Infinity, MAX_TOKENS_LIMIT],
    [-Infinity, DEFAULT_MAX_TOKENS],
    [Number.NaN, DEFAULT_MAX_TOKENS],
  ])('max tokens %s is asked for as %s', (value, expected) => {
    expect(replyMaxTokens(value)).toBe(expected);
  });

  it.each([
    [0, 0],
    [0.7, 0.7],
    [-1, 0],
    [9, 2],
    [Infinity, 2],
    [Number.NaN, DEFAULT_TEMPERATURE],
  ])('temperature %s is asked for as %s', (value, expected) => {
    expect(replyTemperature(value)).toBe(expected);
  });
});
