/** Results side by side (rows with their Pareto flags) and the scatter's geometry. */
import { describe, expect, it } from 'vitest';
import { comparisonRows, sameSuite } from '../../src/core/eval/compare.js';
import { niceTicks, scatterLayout, type ScatterInput } from '../../src/core/eval/scatter.js';
import { sampleEval, sampleItem, sampleRun } from './eval-fixture.js';

const MIB = 2 ** 20;

describe('comparisonRows', () => {
  it('flattens every run of every result and marks the Pareto front across devices', () => {
    const fastSmall = sampleRun({
      model: 'small',
      items: [
        sampleItem('a', true, { decodeTokensPerSecond: 80, peakGpuMemoryBytes: 100 * MIB }),
        sampleItem('b', false),
      ],
    });
    const accurate = sampleRun({ model: 'big' });
    const beaten = sampleRun({
      model: 'beaten',
      items: [sampleItem('a', false, { decodeTokensPerSecond: 10, peakGpuMemoryBytes: 900 * MIB })],
    });
    const cpu = sampleRun({ model: 'cpu', items: [sampleItem('a', true, { peakGpuMemoryBytes: 0 })], modelBytes: 5 });
    const rows = comparisonRows([sampleEval([fastSmall, accurate]), sampleEval([beaten, cpu])]);
    expect(rows.map((row) => [row.key, row.run.model, row.onParetoFront])).toEqual([
      ['0:0', 'small', true],
      ['0:1', 'big', false],
      ['1:0', 'beaten', false],
      ['1:1', 'cpu', true],
    ]);
    // "big" (75%, 20 tok/s, 300 MiB) loses to "cpu" (100%, 20 tok/s, its 5-byte model size).
    expect(rows[3]!.memoryBytes).toBe(5);
    expect(rows[1]).toMatchObject({ accuracy: 0.75, decodeTokensPerSecond: 20, memoryBytes: 300 * MIB });
  });

  it('tells results of one suite from results of several', () => {
    const other = sampleEval();
    other.suite = { ...other.suite, fingerprint: 'fnv1a32-ffffffff-4' };
    expect(sameSuite([sampleEval(), sampleEval()])).toBe(true);
    expect(sameSuite([sampleEval(), other])).toBe(false);
  });
});

describe('scatter geometry', () => {
  const point = (key: string, accuracy: number, speed: number, memory: number, onParetoFront = true): ScatterInput => ({
    key,
    accuracy,
    low: accuracy - 0.1,
    high: accuracy + 0.1,
    decodeTokensPerSecond: speed,
    memoryBytes: memory,
    onParetoFront,
  });
  const size = {
    width: 400,
    height: 300,
    margin: { left: 40, top: 20, right: 20, bottom: 40 },
    minRadius: 2,
    maxRadius: 10,
  };

  it('places accuracy on 0–100% and speed on a linear axis from 0, the dot’s area by memory', () => {
    const layout = scatterLayout([point('a', 0.5, 20, 400), point('b', 1, 40, 100, false)], size);
    expect(layout.xScale).toBe('linear');
    expect(layout.plot).toEqual({ left: 40, top: 20, right: 380, bottom: 260 });
    expect(layout.xTicks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40, 50]);
    const [a, b] = layout.points;
    expect(a).toMatchObject({ cx: 40 + (20 / 50) * 340, cy: 140, r: 10, lowY: 164, highY: 116 });
    // A quarter of the memory: half the radius above the minimum.
    expect(b).toMatchObject({ cx: 40 + (40 / 50) * 340, cy: 20, r: 6 });
    expect(layout.yTicks.map((t) => t.y)).toEqual([260, 200, 140, 80, 20]);
    expect(layout.front).toBe(`${a!.cx.toFixed(1)},140.0`);
  });

  it('switches to a log axis when speeds span more than 20×, and drops points it cannot place', () => {
    const layout = scatterLayout(
      [point('slow', 0.9, 1, 10), point('fast', 0.4, 100, 10), point('none', Number.NaN, 5, 10)],
      size,
    );
    expect(layout.xScale).toBe('log');
    expect(layout.points.map((p) => p.key)).toEqual(['slow', 'fast']);
    expect(layout.xTicks.map((t) => t.value)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    const [slow, fast] = layout.points;
    // Equal distances for equal ratios: 1 → 10 spans as much as 10 → 100.
    const ten = layout.xTicks.find((t) => t.value === 10)!.x;
    expect(ten - slow!.cx).toBeCloseTo(fast!.cx - ten, 9);
    expect(layout.front).toBe(
      `${slow!.cx.toFixed(1)},${slow!.cy.toFixed(1)} ${fast!.cx.toFixed(1)},${fast!.cy.toFixed(1)}`,
    );
  });

  it('makes round ticks', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 37)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(0, 44, 5, { cover: true })).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});
