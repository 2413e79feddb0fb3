import { describe, expect, it } from 'vitest';
import {
  countDispersion,
  findGaps,
  qualityIssues,
  zeroRunMass,
  zeroRuns,
} from '../../../src/forecast/anomalies/quality.ts';

// A varied series that never repeats a value twice in a row: 100 + (7·i mod 50).
const varied = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((7 * i) % 50));

describe('findGaps', () => {
  it('returns the NaN runs', () => {
    expect(findGaps([1, Number.NaN, Number.NaN, 2, Number.NaN])).toEqual([
      [1, 2],
      [4, 4],
    ]);
  });
});

describe('qualityIssues', () => {
  it('finds a gap, a flat line and a zero run', () => {
    const y = varied(300);
    for (let i = 50; i < 55; i++) y[i] = Number.NaN;
    for (let i = 120; i < 132; i++) y[i] = 117;
    for (let i = 200; i < 206; i++) y[i] = 0;
    const q = qualityIssues(y);
    expect(q.map((x) => [x.kind, x.startIndex, x.endIndex])).toEqual([
      ['gap', 50, 54],
      ['flatline', 120, 131],
      ['zeros', 200, 205],
    ]);
  });

  it('does not report zero runs in an intermittent series', () => {
    const y = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 2 : 0));
    expect(qualityIssues(y).filter((x) => x.kind === 'zeros')).toEqual([]);
  });

  it('does not report short repeats of a common value', () => {
    // value 1 is 50 % of this series: runs of 6 are expected (300 · 0.5^5 ≈ 9 ≥ 0.01)
    const y = Array.from({ length: 300 }, (_, i) => (i % 10 < 5 ? 1 : 2 + (i % 10)));
    expect(qualityIssues(y).filter((x) => x.kind === 'flatline')).toEqual([]);
  });

  it('uses the expected volume given: zeros where little was expected are fine', () => {
    const y = varied(100);
    y[40] = 0;
    y[41] = 0;
    const expected = y.map(() => 2);
    expect(qualityIssues(y, { expected }).filter((x) => x.kind === 'zeros')).toEqual([]);
    expect(qualityIssues(y).filter((x) => x.kind === 'zeros').length).toBe(1);
  });

  describe('degenerate input', () => {
    it('empty, all NaN, all zero, constant', () => {
      expect(qualityIssues([])).toEqual([]);
      expect(qualityIssues([Number.NaN, Number.NaN])).toEqual([
        { kind: 'gap', startIndex: 0, endIndex: 1, value: Number.NaN },
      ]);
      // all zero: zeros are the norm (share 1), nothing to report
      expect(qualityIssues(Array(50).fill(0))).toEqual([]);
      // constant 5: the value is 100 % of the series, so its run is not improbable
      expect(qualityIssues(Array(50).fill(5))).toEqual([]);
    });
  });
});

describe('zero runs in low counts', () => {
  it('lists zero runs with their expected mass, and sizes the count test', () => {
    expect(zeroRuns([4, 0, 0, 5, 0, 0, 0], [4, 4, 3, 4, 1, 1, Number.NaN], 2)).toEqual([
      { startIndex: 1, endIndex: 2, mass: 7 },
      { startIndex: 4, endIndex: 6, mass: 2 },
    ]);
    expect(zeroRunMass(1, 17520, 0.01)).toBeCloseTo(Math.log(1_752_000), 12);
    expect(zeroRunMass(2, 100, 0.01)).toBeCloseTo(2 * Math.log(10_000), 12);
  });

  it('measures dispersion as 1 for Poisson-like counts and more for overdispersed ones', () => {
    const e = Array.from({ length: 4000 }, () => 5);
    const poisson = e.map((_, i) => [3, 5, 7, 5, 4, 6, 5, 5][i % 8]); // variance 1.25 around 5
    expect(countDispersion(poisson, e)).toBe(1);
    const wide = e.map((_, i) => (i % 2 ? 0 : 10)); // variance 25 around 5
    expect(countDispersion(wide, e)).toBeCloseTo(5, 9);
    expect(countDispersion([1, 2], [0, Number.NaN])).toBeNaN();
  });

  it('reports a long zero run in an often-zero series only when its expected mass passes the count test', () => {
    // About 3 an hour with many natural zeros (share well above 1 %), and two outages: 12 h and 3 h.
    const n = 2000;
    const y = Array.from({ length: n }, (_, i) => [0, 2, 3, 5, 4, 0, 3, 7][i % 8]);
    const expected = y.map(() => 3);
    for (let i = 498; i < 510; i++) y[i] = 0;
    for (let i = 900; i < 903; i++) y[i] = 0;
    const q = qualityIssues(y, { expected, minFlatRun: Number.POSITIVE_INFINITY });
    const phi = countDispersion(y, expected);
    expect(12 * 3).toBeGreaterThan(zeroRunMass(phi, n, 0.01)); // the long one passes
    expect(3 * 3).toBeLessThan(zeroRunMass(phi, n, 0.01)); // the short one does not
    expect(q.map((x) => [x.kind, x.startIndex, x.endIndex])).toEqual([['zeros', 498, 509]]);
    // Without expected values there is no count test, and the share rule keeps the series quiet.
    expect(qualityIssues(y, { minFlatRun: Number.POSITIVE_INFINITY })).toEqual([]);
  });
});
