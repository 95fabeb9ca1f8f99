import { describe, expect, it } from 'vitest';
import { busyBetween, costPerToken, cpuBetween, readTrace, type Trace } from '../../scripts/bench-ui-trace.mjs';

/**
 * A trace with one 0.5 ms task every millisecond (0.1 ms of it on the CPU, as on a busy machine),
 * and the given token marks (time in ms, tokens).
 */
function trace(marks: [number, number][]): Trace {
  const tasks = Array.from({ length: 2000 }, (_, index) => ({ start: index, end: index + 0.5, cpu: 0.1 }));
  return { tasks, tokenMarks: marks.map(([at, tokens]) => ({ at, tokens })) };
}

describe('costPerToken', () => {
  it('measures from the first mark in the range to the first mark at its end', () => {
    const cost = costPerToken(
      trace([
        [0, 50],
        [100, 100],
        [200, 300],
        [400, 600],
        [500, 700],
      ]),
      [100, 600],
    );
    // 300 ms of which half is busy, over 500 tokens.
    expect(cost).toEqual({ wallMs: 150 / 500, cpuMs: expect.closeTo(30 / 500, 9), fromToken: 100, toToken: 600 });
  });

  it("leaves out the frames before the range, such as the first token's", () => {
    const cost = costPerToken(
      trace([
        [0, 5],
        [100, 150],
        [300, 650],
      ]),
      [100, 600],
    );
    expect(cost).toEqual({ wallMs: 100 / 500, cpuMs: expect.closeTo(20 / 500, 9), fromToken: 150, toToken: 650 });
  });

  it('measures from the mark before when a late frame jumps over the whole range', () => {
    // One batch took the count from 4,900 straight to 5,700: no mark falls inside 5,000-5,500.
    const cost = costPerToken(
      trace([
        [0, 4800],
        [100, 4900],
        [900, 5700],
        [1000, 5800],
      ]),
      [5000, 5500],
    );
    expect(cost).toEqual({ wallMs: 400 / 800, cpuMs: expect.closeTo(80 / 800, 9), fromToken: 4900, toToken: 5700 });
  });

  it('counts the CPU time of a task cut by the range in proportion, and none without CPU times', () => {
    const tasks = [{ start: 0, end: 10, cpu: 2 }];
    expect(cpuBetween(tasks, 5, 20)).toBe(1);
    expect(cpuBetween([{ start: 0, end: 10 }], 0, 10)).toBeUndefined();
    const withoutCpu: Trace = {
      tasks: [{ start: 0, end: 10 }],
      tokenMarks: [
        { at: 0, tokens: 100 },
        { at: 10, tokens: 600 },
      ],
    };
    expect(costPerToken(withoutCpu, [100, 600])).toEqual({ wallMs: 10 / 500, fromToken: 100, toToken: 600 });
  });

  it('reports a range it cannot measure instead of throwing', () => {
    expect(costPerToken(trace([]), [100, 600])).toEqual({ noData: 'no token marks at all (wanted 100-600)' });
    expect(
      costPerToken(
        trace([
          [0, 100],
          [10, 4000],
        ]),
        [5000, 5500],
      ),
    ).toEqual({ noData: 'no token marks around 5000-5500' });
    // The stream's first batch already went past the range: nothing before it to measure from.
    expect(costPerToken(trace([[0, 5600]]), [5000, 5500])).toEqual({ noData: 'no token marks around 5000-5500' });
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
    ];
    const read = readTrace(Buffer.from(JSON.stringify({ traceEvents: events })));
    expect(read.tasks).toEqual([{ start: 1, end: 1.5, cpu: 0.1 }]);
    expect(read.tokenMarks).toEqual([
      { at: 2, tokens: 10 },
      { at: 3, tokens: 20 },
    ]);
    expect(busyBetween(read.tasks, 1.25, 10)).toBe(0.25);
  });
});
