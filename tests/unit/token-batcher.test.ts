import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenBatch } from '../../src/shared/engine-api.js';
import { TokenBatcher } from '../../workers/token-batcher.js';

describe('TokenBatcher', () => {
  let clock: number;
  let sent: TokenBatch[];
  let batcher: TokenBatcher;

  /** Moves the injected clock and the fake timers forward together. */
  function advance(ms: number): void {
    clock += ms;
    vi.advanceTimersByTime(ms);
  }

  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    sent = [];
    batcher = new TokenBatcher(
      (batch) => sent.push(batch),
      () => clock,
      16,
    );
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first token at once', () => {
    advance(100);
    batcher.push('Hello', 1);
    expect(sent).toEqual([{ text: 'Hello', tokens: 1, totalTokens: 1, elapsedMs: 100, firstTokenMs: 100 }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('coalesces tokens that arrive within the interval into one batch', () => {
    advance(100);
    batcher.push('a', 1); // sent at 100
    advance(5);
    batcher.push('b', 1); // 5 ms after the last send: scheduled for 116
    advance(5);
    batcher.push('c', 2);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);

    advance(5); // 115: not yet
    expect(sent).toHaveLength(1);
    advance(1); // 116: the timer fires
    expect(sent).toEqual([
      { text: 'a', tokens: 1, totalTokens: 1, elapsedMs: 100, firstTokenMs: 100 },
      { text: 'bc', tokens: 3, totalTokens: 4, elapsedMs: 116, firstTokenMs: 100 },
    ]);
  });

  it('sends at once again when the interval has passed since the last batch', () => {
    batcher.push('a', 1); // at 0
    advance(16);
    batcher.push('b', 1); // 16 ms later: at once
    expect(sent.map((batch) => [batch.text, batch.elapsedMs])).toEqual([
      ['a', 0],
      ['b', 16],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flush() sends what is pending and cancels the timer', () => {
    advance(10);
    batcher.push('a', 1);
    advance(3);
    batcher.push('b', 1);
    advance(2);
    batcher.push('c', 1);
    advance(1); // 16
    batcher.flush();
    expect(sent).toEqual([
      { text: 'a', tokens: 1, totalTokens: 1, elapsedMs: 10, firstTokenMs: 10 },
      { text: 'bc', tokens: 2, totalTokens: 3, elapsedMs: 16, firstTokenMs: 10 },
    ]);
    expect(vi.getTimerCount()).toBe(0);
    advance(100);
    expect(sent).toHaveLength(2);
  });

  it('flush() with nothing pending sends nothing', () => {
    batcher.flush();
    expect(sent).toEqual([]);
    batcher.push('a', 1);
    batcher.flush();
    expect(sent).toHaveLength(1);
  });

  it('keeps totals and the first and last token times', () => {
    expect(batcher.firstTokenAtMs).toBeUndefined();
    expect(batcher.lastTokenAtMs).toBeUndefined();
    expect(batcher.tokenCount).toBe(0);

    advance(250);
    batcher.push('x', 1);
    for (let i = 0; i < 50; i += 1) {
      advance(20);
      batcher.push('y', 1);
    }
    batcher.flush();

    expect(batcher.firstTokenAtMs).toBe(250);
    expect(batcher.lastTokenAtMs).toBe(1250);
    expect(batcher.tokenCount).toBe(51);
    expect(sent.reduce((sum, batch) => sum + batch.tokens, 0)).toBe(51);
    expect(sent.map((batch) => batch.text).join('')).toBe(`x${'y'.repeat(50)}`);
    expect(sent.at(-1)).toMatchObject({ totalTokens: 51, firstTokenMs: 250 });
  });

  it('coalesces a burst of many tokens into a few batches', () => {
    // 100 tokens, one every 2 ms, over 198 ms: at most one batch per 16 ms.
    for (let i = 0; i < 100; i += 1) {
      batcher.push('t', 1);
      advance(2);
    }
    batcher.flush();
    expect(sent.reduce((sum, batch) => sum + batch.tokens, 0)).toBe(100);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(200 / 16) + 1);
    expect(sent.length).toBeGreaterThan(5);
    // Batches the batcher sent by itself are at least 16 ms apart; only the final flush() may be sooner.
    for (let i = 1; i < sent.length - 1; i += 1) {
      expect(sent[i]!.elapsedMs - sent[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(16);
    }
  });

  it('uses the default 16 ms interval', () => {
    const batches: TokenBatch[] = [];
    const defaultBatcher = new TokenBatcher(
      (batch) => batches.push(batch),
      () => clock,
    );
    defaultBatcher.push('a', 1);
    advance(15);
    defaultBatcher.push('b', 1);
    expect(batches).toHaveLength(1);
    advance(1);
    expect(batches).toHaveLength(2);
  });
});
