import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledSaver } from '../../src/persistence/throttled-saver.js';

describe('ThrottledSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(writeMs = 0) {
    let state = 0;
    const written: number[] = [];
    const saver = new ThrottledSaver(
      () => state,
      async (value: number) => {
        if (writeMs) await new Promise((resolve) => setTimeout(resolve, writeMs));
        written.push(value);
      },
      1000,
    );
    return { saver, written, set: (value: number) => (state = value) };
  }

  it('writes at most once per interval while changes stream in, with the latest state', async () => {
    const { saver, written, set } = setup();
    for (let step = 1; step <= 25; step += 1) {
      set(step);
      saver.schedule();
      await vi.advanceTimersByTimeAsync(100);
    }
    // 2.5 s of changes: a write at 1 s and 2 s, each with the state of that moment.
    expect(written).toEqual([10, 20]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toEqual([10, 20, 25]);
    expect(saver.pending).toBe(false);
  });

  it('flush writes now and replaces the throttled write', async () => {
    const { saver, written, set } = setup();
    set(1);
    saver.schedule();
    set(2);
    await saver.flush();
    expect(written).toEqual([2]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toEqual([2]);
  });

  it('keeps writes in order even when they are slow, and runs a replacing task after them', async () => {
    const { saver, written, set } = setup(300);
    const log: string[] = [];
    set(1);
    void saver.flush();
    set(2);
    void saver.flush();
    saver.schedule();
    const cleared = saver.replaceWith(async () => {
      log.push(`cleared after ${written.join(',')}`);
    });
    await vi.advanceTimersByTimeAsync(2000);
    await cleared;
    expect(written).toEqual([2, 2]);
    expect(log).toEqual(['cleared after 2,2']);
  });

  it('reports a failed write and keeps saving', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const written: string[] = [];
    const saver = new ThrottledSaver(
      () => 'state',
      async (value: string) => {
        if (fail) throw new Error('QuotaExceededError');
        written.push(value);
      },
      1000,
      (error) => errors.push(error),
    );
    await saver.flush();
    fail = false;
    await saver.flush();
    expect(errors).toHaveLength(1);
    expect(written).toEqual(['state']);
  });
});
