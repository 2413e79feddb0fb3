import { describe, expect, it } from 'vitest';
import { mstlDecompose } from '../../../src/forecast/decompose/mstl.ts';
import { twoSeasons } from './fixtures.ts';

describe('mstlDecompose', () => {
  it('separates daily and weekly cycles', () => {
    const n = 168 * 8;
    const y = twoSeasons(n);
    const d = mstlDecompose(y, [168, 24]);
    expect(d.seasonals.map((s) => s.period)).toEqual([24, 168]);
    const [s24, s168] = d.seasonals;
    // compare away from the ends, where loess extrapolates
    let e24 = 0;
    let e168 = 0;
    for (let t = 168; t < n - 168; t++) {
      e24 = Math.max(e24, Math.abs(s24.values[t] - 10 * Math.sin((2 * Math.PI * t) / 24)));
      e168 = Math.max(e168, Math.abs(s168.values[t] - 5 * Math.cos((2 * Math.PI * t) / 168)));
    }
    expect(e24).toBeLessThan(2.5); // amplitude 10; the formula noise has amplitude 2
    expect(e168).toBeLessThan(2.5); // amplitude 5
  });

  it('sums back to y exactly', () => {
    const y = twoSeasons(840);
    const d = mstlDecompose(y, [24, 168]);
    for (let t = 0; t < y.length; t++) {
      const s = d.trend[t] + d.seasonals[0].values[t] + d.seasonals[1].values[t] + d.remainder[t];
      expect(s).toBeCloseTo(y[t], 9);
    }
  });

  it('matches R forecast::mstl on the same series', () => {
    const d = mstlDecompose(twoSeasons(840), [24, 168]);
    // confirmed in R (forecast 8.20): m <- mstl(msts(y, seasonal.periods = c(24, 168))); m[c(1, 300, 840), ]
    const rows = [0, 299, 839];
    const rTrend = [100.1406087, 105.9764983, 116.6555681];
    const rS24 = [0.4033510307, 2.293365877, -2.135124715];
    const rS168 = [5.229490698, 1.775670133, 5.780431988];
    rows.forEach((t, i) => {
      expect(d.trend[t]).toBeCloseTo(rTrend[i], 6);
      expect(d.seasonals[0].values[t]).toBeCloseTo(rS24[i], 6);
      expect(d.seasonals[1].values[t]).toBeCloseTo(rS168[i], 6);
    });
  });

  it('drops periods of half the series or longer, and rounds non-integer ones', () => {
    const y = twoSeasons(500);
    const d = mstlDecompose(y, [24.2, 365.25]);
    expect(d.seasonals.map((s) => s.period)).toEqual([24]);
    expect(d.dropped).toEqual([365.25]);
  });

  it('with lambda 0 decomposes log y', () => {
    const y = twoSeasons(400);
    const d = mstlDecompose(y, [24], { lambda: 0 });
    for (let t = 0; t < y.length; t++) {
      expect(d.trend[t] + d.seasonals[0].values[t] + d.remainder[t]).toBeCloseTo(Math.log(y[t]), 10);
    }
  });
});

describe('mstlDecompose degenerate input', () => {
  it('no usable period: a loess trend and no seasonals', () => {
    const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const d = mstlDecompose(y, [24]);
    expect(d.seasonals).toEqual([]);
    for (let t = 0; t < y.length; t++) expect(d.trend[t]).toBeCloseTo(y[t], 9);
  });
  it('constant series: seasonals zero', () => {
    const d = mstlDecompose(new Array(100).fill(5), [7]);
    expect(Math.max(...d.seasonals[0].values.map(Math.abs))).toBeLessThan(1e-9);
  });
  it('throws on fewer than 3 points, on NaN, and on y ≤ 0 with lambda 0', () => {
    expect(() => mstlDecompose([1], [24])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => mstlDecompose([1, Number.NaN, 2], [])).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => mstlDecompose([0, 1, 2, 3], [], { lambda: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
