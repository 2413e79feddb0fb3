import { describe, expect, it } from 'vitest';
import { loessAt, loessSmooth, movingAverage, nextOdd } from '../../../src/forecast/decompose/loess.ts';

describe('loessAt', () => {
  it('reproduces a straight line exactly with degree 1, inside and outside the data', () => {
    const y = [3, 5, 7, 9, 11, 13, 15];
    expect(loessAt(y, 4, 5, 1, 2, 6)).toBeCloseTo(9, 12);
    // extrapolation one step beyond the end, as STL's cycle-subseries do: 3 + 2·(8 − 1) = 17
    expect(loessAt(y, 8, 5, 1, 3, 7)).toBeCloseTo(17, 12);
  });
  it('with degree 0 is the tricube-weighted mean of the window', () => {
    // window 1..3 around x = 2: h = 1, so only the centre point has weight (distance 1 = h → weight 0)
    expect(loessAt([1, 10, 100], 2, 3, 0, 1, 3)).toBeCloseTo(10, 12);
    // window larger than n: h grows by (5 − 3)/2 = 1 → h = 2, weights (1 − (1/2)³)³ = 0.669921875 at distance 1
    const w = (1 - 1 / 8) ** 3;
    expect(loessAt([1, 10, 100], 2, 5, 0, 1, 3)).toBeCloseTo((w * 1 + 10 + w * 100) / (2 * w + 1), 12);
  });
  it('returns NaN when every robustness weight is zero', () => {
    expect(loessAt([1, 2, 3], 2, 3, 1, 1, 3, [0, 0, 0])).toBeNaN();
  });
});

describe('loessSmooth', () => {
  it('with jumps interpolates between evaluated points (exact on a line)', () => {
    const y = Array.from({ length: 50 }, (_, i) => 2 * i + 1);
    const s = loessSmooth(y, 11, 1, 4);
    for (let i = 0; i < 50; i++) expect(s[i]).toBeCloseTo(y[i], 9);
  });
  it('keeps the data value where the local fit is undefined', () => {
    const s = loessSmooth([5, 6, 7], 3, 1, 1, [0, 0, 0]);
    expect(Array.from(s)).toEqual([5, 6, 7]);
  });
  it('handles degenerate lengths: empty and one point', () => {
    expect(loessSmooth([], 3, 1, 1).length).toBe(0);
    expect(Array.from(loessSmooth([4], 3, 1, 1))).toEqual([4]);
  });
});

describe('movingAverage and nextOdd', () => {
  it('movingAverage gives n − len + 1 means', () => {
    expect(Array.from(movingAverage([1, 2, 3, 4], 2))).toEqual([1.5, 2.5, 3.5]);
    expect(movingAverage([1, 2], 3).length).toBe(0);
  });
  it('nextOdd rounds up to an odd integer', () => {
    expect(nextOdd(24)).toBe(25);
    expect(nextOdd(25)).toBe(25);
    expect(nextOdd(252.1)).toBe(253);
  });
});
