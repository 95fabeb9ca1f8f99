import { describe, expect, it } from 'vitest';
import {
  STALL_FACTOR,
  busyBetween,
  costPerToken,
  cpuBetween,
  readTrace,
  type Trace,
} from '../../scripts/bench-ui-trace.mjs';

/**
 * A trace with one 0.5 ms task every millisecond (0.1 ms of it on the CPU, as on a busy machine),
 * and the given token marks (time in ms, tokens).
 */
function trace(marks: [number, number][]): Trace {
  const tasks = Array.from({ length: 2000 }, (_, index) => ({ start: index, end: index + 0.5, cpu: 0.1 }));
  return { tasks, tokenMarks: marks.map(([at, tokens]) => ({ at, tokens })) };
}

describe('costPerToken', () => {
  it("pairs each frame's work (from its mark to the next) with the tokens it drew", () => {
    const marks: [number, number][] = [
      [0, 10],
      [50, 100],
      [100, 300],
      [200, 600],
      [300, 800],
    ];
    // Batches 300 and 600 (tokens 101-600) worked from 100 ms to 300 ms: 100 ms busy, 20 ms CPU.
    expect(costPerToken(trace(marks), [300, 600])).toEqual({
      wallMs: 100 / 500,
      cpuMs: expect.closeTo(20 / 500, 9),
      fromToken: 100,
      toToken: 600,
    });
  });

  it('recovers the true cost per token when frames draw very different numbers of tokens, as on a busy machine', () => {
    const sizes = [10, 5, 800, 5, 300];
    let total = 0;
    const tokenMarks = sizes.map((size, index) => ({ at: index * 100, tokens: (total += size) }));
    // Each frame costs 0.01 ms per token it draws, spent just after its mark.
    const tasks = sizes.map((size, index) => ({ start: index * 100 + 1, end: index * 100 + 1 + size * 0.01 }));
    const cost = costPerToken({ tasks, tokenMarks }, [12, 818]);
    expect(cost).toMatchObject({ fromToken: 10, toToken: 820 });
    expect('wallMs' in cost && cost.wallMs).toBeCloseTo(0.01, 9);
  });

  it('leaves a frame that follows a stall out of a range that has other frames, and says so', () => {
    // Frames of 100 tokens, then a stall: one frame draws 700 tokens for one frame's fixed cost.
    const counts = [100, 200, 300, 400, 1100, 1200, 1300, 1400];
    const tokenMarks = counts.map((tokens, index) => ({ at: index * 100, tokens }));
    // Every frame costs 5 ms fixed plus 0.01 ms per token it draws.
    const tasks = counts.slice(1).map((tokens, index) => ({
      start: (index + 1) * 100 + 1,
      end: (index + 1) * 100 + 1 + 5 + (tokens - counts[index]!) * 0.01,
    }));
    const cost = costPerToken({ tasks, tokenMarks }, [150, 1250]);
    // Five regular frames of 100 tokens: 0.06 ms a token. Left in, the stall frame would bring
    // the figure down to (6 * 5 + 1200 * 0.01) / 1200 = 0.035 ms.
    expect(cost).toMatchObject({ fromToken: 100, toToken: 1300, framesLeftOut: 1 });
    expect('wallMs' in cost && cost.wallMs).toBeCloseTo((5 * 5 + 500 * 0.01) / 500, 9);
    expect(STALL_FACTOR).toBe(3);
  });

  it('leaves out the first frame, which starts the reply', () => {
    const marks: [number, number][] = [
      [0, 150],
      [100, 400],
      [200, 700],
      [300, 900],
    ];
    expect(costPerToken(trace(marks), [100, 600])).toEqual({
      wallMs: 100 / 550,
      cpuMs: expect.closeTo(20 / 550, 9),
      fromToken: 150,
      toToken: 700,
    });
  });

  it('measures a frame that jumps over the whole range on its own', () => {
    // One late frame took the count from 4,900 straight to 5,700: no mark falls inside 5,000-5,500.
    const marks: [number, number][] = [
      [0, 4800],
      [100, 4900],
      [900, 5700],
      [1000, 5800],
    ];
    expect(costPerToken(trace(marks), [5000, 5500])).toEqual({
      wallMs: 50 / 800,
      cpuMs: expect.closeTo(10 / 800, 9),
      fromToken: 4900,
      toToken: 5700,
    });
  });

  it('counts the CPU time of a task cut by the range in proportion, and none without CPU times', () => {
    expect(cpuBetween([{ start: 0, end: 10, cpu: 2 }], 5, 20)).toBe(1);
    expect(cpuBetween([{ start: 0, end: 10 }], 0, 10)).toBeUndefined();
    const withoutCpu: Trace = {
      tasks: [{ start: 0, end: 10 }],
      tokenMarks: [
        { at: 0, tokens: 50 },
        { at: 0, tokens: 100 },
        { at: 10, tokens: 600 },
      ],
    };
    expect(costPerToken(withoutCpu, [100, 100])).toEqual({ wallMs: 10 / 50, fromToken: 50, toToken: 100 });
  });

  it('reports a range it cannot measure instead of throwing', () => {
    expect(costPerToken(trace([]), [100, 600])).toEqual({ noData: 'no token marks at all (wanted 100-600)' });
    const noData = { noData: 'no token marks around 5000-5500' };
    // The stream never got there.
    expect(
      costPerToken(
        trace([
          [0, 100],
          [10, 4000],
        ]),
        [5000, 5500],
      ),
    ).toEqual(noData);
    // Its first frame already went past the range.
    expect(costPerToken(trace([[0, 5600]]), [5000, 5500])).toEqual(noData);
    // The frame that reaches the end is the last: where its work ends is unknown.
    expect(
      costPerToken(
        trace([
          [0, 10],
          [10, 5100],
          [20, 5600],
        ]),
        [5000, 5500],
      ),
    ).toEqual(noData);
  });
});

describe('readTrace', () => {
  it("keeps the page's main-thread tasks and token marks, in time order", () => {
    const events = [
      { ph: 'M', pid: 1, tid: 7, name: 'thread_name', args: { name: 'CrRendererMain' } },
      { ph: 'M', pid: 1, tid: 8, name: 'thread_name', args: { name: 'DedicatedWorker thread' } },
      { ph: 'X', pid: 1, tid: 7, name: 'ThreadControllerImpl::RunTask', ts: 1000, dur: 500, tdur: 100 },
      { ph: 'X', pid: 1, tid: 8, name: 'ThreadControllerImpl::RunTask', ts: 1000, dur: 900 },
      { ph: 'R', pid: 1, tid: 7, cat: 'blink.user_timing', name: 'tokens:20', ts: 3000 },
      { ph: 'R', pid: 1, tid: 7, cat: 'blink.user_timing', name: 'tokens:10', ts: 2000 },
      { ph: 'R', pid: 1, tid: 7, cat: 'blink.user_timing', name: 'other', ts: 2500 },
      { ph: 'R', pid: 1, tid: 7, cat: 'blink.user_timing', name: 'stream:first', ts: 1500 },
    ];
    const read = readTrace(Buffer.from(JSON.stringify({ traceEvents: events })));
    expect(read.tasks).toEqual([{ start: 1, end: 1.5, cpu: 0.1 }]);
    expect(read.tokenMarks).toEqual([
      { at: 2, tokens: 10 },
      { at: 3, tokens: 20 },
    ]);
    expect(read.streamMarks).toEqual({ first: 1.5 });
    expect(busyBetween(read.tasks, 1.25, 10)).toBe(0.25);
  });
});
