import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../src/core/token-estimate.js';

describe('estimatePromptTokens', () => {
  it('errs high on English prose against the usual 4 bytes a token', () => {
    const prose = 'The quick brown fox jumps over the lazy dog near the quiet river bank. '.repeat(20);
    const estimate = estimatePromptTokens([{ role: 'user', content: prose }]);
    expect(estimate).toBeGreaterThan(prose.length / 4 + 5);
    expect(estimate).toBe(8 + 8 + Math.ceil(prose.length / 3));
  });

  it('counts UTF-8 bytes, so a CJK character counts as a token', () => {
    expect(estimatePromptTokens([{ role: 'user', content: '你好世界' }])).toBe(8 + 8 + 4);
  });

  it('adds a template allowance per message and for the reply header', () => {
    expect(estimatePromptTokens([])).toBe(8);
    expect(
      estimatePromptTokens([
        { role: 'system', content: '' },
        { role: 'user', content: 'abc' },
      ]),
    ).toBe(8 + 8 + 8 + 1);
  });
});
