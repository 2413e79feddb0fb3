import { describe, expect, it } from 'vitest';
import { jsDivergence, surprise } from '../../../src/forecast/explain/surprise.ts';

describe('surprise (one Jensen–Shannon term, bits)', () => {
  it('matches a hand computation: p = 0.2, q = 0.4', () => {
    // ½·(0.2·log2(0.4/0.6) + 0.4·log2(0.8/0.6)) = ½·(−0.116993 + 0.166015) = 0.0245112 (python math.log2)
    expect(surprise(0.2, 0.4)).toBeCloseTo(0.024511249783653127, 12);
  });
  it('is symmetric and zero for equal shares', () => {
    expect(surprise(0.4, 0.2)).toBeCloseTo(surprise(0.2, 0.4), 15);
    expect(surprise(0.3, 0.3)).toBe(0);
  });
  it('is ½·p when the element vanishes (0·log 0 = 0)', () => {
    expect(surprise(1, 0)).toBe(0.5);
    expect(surprise(0, 0.6)).toBeCloseTo(0.3, 15);
  });
});

describe('jsDivergence', () => {
  it('is 1 bit for disjoint distributions and 0 for equal ones', () => {
    expect(jsDivergence([1, 0], [0, 1])).toBe(1);
    expect(jsDivergence([2, 3], [4, 6])).toBeCloseTo(0, 15);
  });
  it('sums the element terms: [0.1, 0.9] vs [0.3, 0.7]', () => {
    // surprise(0.1, 0.3) + surprise(0.9, 0.7) = 0.0467848 (python math.log2)
    expect(jsDivergence([1, 9], [3, 7])).toBeCloseTo(0.04678484847737534, 12);
  });
  describe('degenerate input', () => {
    it('is NaN for an all-zero distribution and treats negative shares as 0', () => {
      expect(jsDivergence([0, 0], [1, 1])).toBeNaN();
      expect(surprise(-0.1, 0)).toBe(0);
      expect(jsDivergence([], [])).toBeNaN();
    });
  });
});
