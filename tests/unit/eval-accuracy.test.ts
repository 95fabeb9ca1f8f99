/**
 * Wilson intervals against values computed by hand from
 * (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964 (z² = 3.841459).
 */
import { describe, expect, it } from 'vitest';
import { accuracy, wilsonInterval } from '../../src/core/eval/accuracy.js';

describe('wilsonInterval', () => {
  it('8 of 10: centre 0.716740, margin 0.226576', () => {
    // p = 0.8; denominator 1.384146; centre (0.8 + 0.192073) / 1.384146; margin 1.959964·√0.025604 / 1.384146.
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.490165, 5);
    expect(high).toBeCloseTo(0.943318, 5);
  });

  it('0 of 10 and 10 of 10 reach exactly 0 and 1 at the far end', () => {
    // 0/10: high = (3.841459 / 20 · 2) / 1.384146 = 0.277533.
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.277533, 5) });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(0.722467, 5), high: 1 });
  });

  it('1 of 2 and 50 of 100 are symmetric about one half', () => {
    // 1/2: denominator 2.920730, margin 1.959964·√(0.125 + 0.240091) / 2.920730 = 0.405469.
    const small = wilsonInterval(1, 2);
    expect(small.low).toBeCloseTo(0.094531, 5);
    expect(small.high).toBeCloseTo(0.905469, 5);
    // 50/100: margin 1.959964·√(0.0025 + 0.000096) / 1.038415 = 0.096170.
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.40383, 4);
    expect(half.high).toBeCloseTo(0.59617, 4);
  });

  it('no items: the whole range; impossible counts are refused', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
  });

  it('accuracy carries the share with its interval', () => {
    expect(accuracy(45, 60)).toEqual({ correct: 45, total: 60, rate: 0.75, ...wilsonInterval(45, 60) });
    expect(accuracy(0, 0).rate).toBeNaN();
  });
});
