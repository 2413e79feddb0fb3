import { describe, expect, it } from 'vitest';
import { findGaps, qualityIssues } from '../../../src/forecast/anomalies/quality.ts';

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
