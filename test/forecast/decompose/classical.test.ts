import { describe, expect, it } from 'vitest';
import { classicalDecompose } from '../../../src/forecast/decompose/classical.ts';
import { seasonalStrength } from '../../../src/forecast/decompose/strength.ts';

describe('classicalDecompose', () => {
  it('recovers exact multiplicative indices of a level series', () => {
    const idx = [0.5, 1.5, 1.2, 0.8];
    const y = Array.from({ length: 24 }, (_, t) => 100 * idx[t % 4]);
    const d = classicalDecompose(y, 4);
    d.figure.forEach((v, i) => {
      expect(v).toBeCloseTo(idx[i], 12);
    });
    // 2×4 MA of a period-4 pattern: (0.5·a + b + c + d + 0.5·a')/4 = 100 at every interior point
    expect(d.trend[2]).toBeCloseTo(100, 12);
    expect(d.trend[0]).toBeNaN();
  });
  it('additive indices have mean 0', () => {
    const d = classicalDecompose([1, 3, 1, 3, 1, 3], 2, 'additive');
    expect(d.figure[0]).toBeCloseTo(-1, 12);
    expect(d.figure[1]).toBeCloseTo(1, 12);
  });
  it('throws SERIES_TOO_SHORT with less than two periods', () => {
    expect(() => classicalDecompose([1, 2, 3], 2)).toThrow(
      expect.objectContaining({ code: 'SERIES_TOO_SHORT' }),
    );
  });
});

describe('seasonalStrength', () => {
  it('is 1 with no remainder, 0 with no seasonal, and in between otherwise', () => {
    expect(seasonalStrength([1, -1, 1, -1], [0, 0, 0, 0])).toBe(1);
    expect(seasonalStrength([0, 0, 0, 0], [1, -1, 2, 0])).toBe(0);
    // S = [1,-1,1,-1], R = [1,1,-1,-1]: var(R) = 4/3, var(S+R) = var([2,0,0,-2]) = 8/3 → 1 − 1/2
    expect(seasonalStrength([1, -1, 1, -1], [1, 1, -1, -1])).toBeCloseTo(0.5, 12);
  });
  it('is 0 for degenerate input', () => {
    expect(seasonalStrength([], [])).toBe(0);
    expect(seasonalStrength([0, 0], [0, 0])).toBe(0);
  });
});
