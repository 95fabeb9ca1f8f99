import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROTOCOL,
  PROTOCOL_VERSION,
  benchPrompt,
  calibrate,
  checkProtocol,
  fillerText,
  parsePromptLengths,
  promptLengthsFor,
  protocolRecord,
  wordsForTokens,
} from '../../src/core/bench-protocol.js';

describe('checkProtocol', () => {
  it('fills defaults and sorts and dedupes prompt lengths', () => {
    expect(checkProtocol({})).toEqual({ ok: true, value: { ...DEFAULT_PROTOCOL } });
    expect(checkProtocol({ runs: 2, promptLengths: [512, 128, 512] })).toEqual({
      ok: true,
      value: { ...DEFAULT_PROTOCOL, runs: 2, promptLengths: [128, 512] },
    });
  });

  it('names the first bad setting', () => {
    expect(checkProtocol({ runs: 0 })).toEqual({
      ok: false,
      error: 'runs must be a whole number from 1 to 100 (got 0)',
    });
    expect(checkProtocol({ runs: 2.5 }).ok).toBe(false);
    expect(checkProtocol({ warmupRuns: -1 })).toEqual({
      ok: false,
      error: 'warm-up runs must be a whole number from 0 to 10 (got -1)',
    });
    expect(checkProtocol({ decodeTokens: 1 })).toEqual({
      ok: false,
      error: 'decode tokens must be a whole number from 2 to 4096 (got 1)',
    });
    expect(checkProtocol({ promptLengths: parsePromptLengths('128, lots') })).toEqual({
      ok: false,
      error: 'each prompt length must be a whole number from 16 to 32768 (got NaN)',
    });
    expect(checkProtocol({ promptLengths: [] })).toEqual({
      ok: false,
      error: 'prompt lengths must list 1 to 8 numbers',
    });
  });

  it('records the protocol with its version', () => {
    expect(protocolRecord(DEFAULT_PROTOCOL)).toEqual({ version: PROTOCOL_VERSION, ...DEFAULT_PROTOCOL });
  });
});

describe('promptLengthsFor', () => {
  it('caps lengths at what the context leaves after the output', () => {
    // 512 − 16 output − 8 margin = 488.
    expect(promptLengthsFor([128, 512, 1024], 512, 16)).toEqual([128, 488]);
    expect(promptLengthsFor([128, 512, 1024], 4096, 128)).toEqual([128, 512, 1024]);
    expect(promptLengthsFor([128, 512], undefined, 128)).toEqual([128, 512]);
  });

  it('is empty when the output alone fills the context', () => {
    expect(promptLengthsFor([128], 64, 128)).toEqual([]);
  });
});

describe('prompts and calibration', () => {
  it('builds the same filler every time, word by word', () => {
    expect(fillerText(3)).toBe('The lighthouse keeper');
    expect(fillerText(200).split(' ')).toHaveLength(200);
    expect(benchPrompt(2)).toBe('Continue this text:\n\nThe lighthouse');
  });

  it('fits a line through two measurements and inverts it', () => {
    const calibration = calibrate({ words: 16, tokens: 40 }, { words: 48, tokens: 80 });
    expect(calibration).toEqual({ perWord: 1.25, fixed: 20 });
    expect(wordsForTokens(520, calibration)).toBe(400);
    expect(wordsForTokens(5, calibration)).toBe(1);
    expect(() => calibrate({ words: 16, tokens: 40 }, { words: 48, tokens: 40 })).toThrow(/did not grow/);
    expect(() => calibrate({ words: 16, tokens: 40 }, { words: 16, tokens: 50 })).toThrow(/two different/);
  });
});
