import { describe, expect, it } from 'vitest';
import { holtDamped, mstl } from '../../../src/forecast/models/mstl.ts';
import { snaive } from '../../../src/forecast/models/snaive.ts';
import { assertModelContract, syntheticHourly } from '../contract.ts';

const y = syntheticHourly(24 * 7 * 6, 7);

describe('mstl passes the model contract', () => {
  it('with the default trend model and periods from the fit options', () => {
    assertModelContract(mstl(), y, 48, { periods: [24, 168] });
  });
  it('with explicit periods, log1p transform, and a non-default trend model', () => {
    assertModelContract(mstl({ periods: [24], transform: 'log1p' }), y, 48);
    assertModelContract(mstl({ periods: [24, 168], trend: snaive([1]) }), y, 200);
  });
  it('holtDamped alone passes it too, damped and not', () => {
    assertModelContract(holtDamped(), y, 48);
    assertModelContract(holtDamped({ damped: false }), y, 48);
  });
});

describe('mstl', () => {
  it('forecasts a noiseless trend + two cycles almost exactly', () => {
    const f = (t: number) =>
      200 + 0.1 * t + 30 * Math.sin((2 * Math.PI * t) / 24) + 10 * Math.cos((2 * Math.PI * t) / 168);
    const n = 168 * 6;
    const series = Array.from({ length: n }, (_, t) => f(t));
    // Holt's linear trend continues the line; the seasonal amplitudes are 30 and 10
    const linear = mstl({ periods: [24, 168], trend: holtDamped({ damped: false }) })
      .fit(series)
      .predict(48);
    for (let k = 0; k < 48; k++) expect(Math.abs(linear.point[k] - f(n + k))).toBeLessThan(2);
    // the damped default gives up part of the slope: at most 0.1 · Σ_{j≤48} (1 − 0.98^j) ≈ 1.7 more
    const damped = mstl({ periods: [24, 168] })
      .fit(series)
      .predict(48);
    for (let k = 0; k < 48; k++) expect(Math.abs(damped.point[k] - f(n + k))).toBeLessThan(4);
  });

  it('reports periods, strengths and the trend model in params', () => {
    const fitted = mstl({ periods: [24, 168, 8766] }).fit(y);
    expect(fitted.params.periods).toEqual([24, 168]);
    expect(fitted.params.droppedPeriods).toEqual([8766]);
    const strength = fitted.params.strength as Record<string, number>;
    expect(strength['24']).toBeGreaterThan(0.9); // daily swing ±50 % vs noise ±10 %
    expect(strength['168']).toBeGreaterThan(0.3);
    expect(fitted.params.trendModel).toBe('holt(damped)');
    expect(fitted.model).toBe('mstl(24,168)+holt(damped)');
  });

  it('seasonal part of the forecast is each component’s last cycle: with a flat trend model, the forecast is periodic', () => {
    const fitted = mstl({ periods: [24], trend: snaive([1]) }).fit(y);
    const fc = fitted.predict(72);
    for (let k = 24; k < 72; k++) expect(fc.point[k]).toBeCloseTo(fc.point[k - 24], 9);
  });

  it('widens the trend model’s intervals for the seasonal uncertainty', () => {
    // same trend model on the adjusted series: mstl's 95 % band is at least the trend model's own width
    const fitted = mstl({ periods: [24] }).fit(y);
    const fc = fitted.predict(24, { levels: [95] });
    const sigma = (fitted.params.trendParams as { sigma: number }).sigma;
    for (let k = 0; k < 24; k++) {
      expect(fc.intervals[0].upper[k] - fc.point[k]).toBeGreaterThanOrEqual(1.959 * sigma);
    }
  });

  it('log1p keeps forecasts of a small count series non-negative and near the data scale', () => {
    const small = y.map((v) => Math.round(v / 40));
    const fc = mstl({ periods: [24], transform: 'log1p' })
      .fit(small)
      .predict(24);
    const maxY = Math.max(...small);
    for (const p of fc.point) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(2 * maxY);
    }
  });
});

describe('holtDamped', () => {
  it('extends a straight line (undamped) exactly', () => {
    const line = Array.from({ length: 40 }, (_, t) => 5 + 2 * t);
    const fc = holtDamped({ damped: false }).fit(line).predict(3);
    fc.point.forEach((p, k) => {
      expect(p).toBeCloseTo(5 + 2 * (40 + k), 6);
    });
  });
  it('damped forecasts flatten: increments shrink by φ each step', () => {
    const line = Array.from({ length: 60 }, (_, t) => 10 + t + Math.sin(t));
    const fitted = holtDamped().fit(line);
    const phi = fitted.params.phi as number;
    const p = fitted.predict(4).point;
    expect((p[2] - p[1]) / (p[1] - p[0])).toBeCloseTo(phi, 9);
    expect(phi).toBeGreaterThanOrEqual(0.8);
    expect(phi).toBeLessThanOrEqual(0.98);
  });
});

describe('mstl degenerate input', () => {
  it('constant series: flat forecast at the constant, zero-width intervals', () => {
    const fc = mstl({ periods: [24] })
      .fit(new Array(24 * 10).fill(50))
      .predict(5);
    fc.point.forEach((p) => {
      expect(p).toBeCloseTo(50, 6);
    });
    for (const iv of fc.intervals) for (const u of iv.upper) expect(u).toBeCloseTo(50, 6);
  });
  it('all zeros forecast zeros', () => {
    const fc = mstl({ periods: [24] })
      .fit(new Array(24 * 10).fill(0))
      .predict(5);
    fc.point.forEach((p) => {
      expect(p).toBeCloseTo(0, 9);
    });
  });
  it('too short for any period: trend model only', () => {
    const fitted = mstl({ periods: [24] }).fit([3, 4, 5, 6, 7]);
    expect(fitted.params.periods).toEqual([]);
    expect(fitted.predict(2).point.length).toBe(2);
  });
  it('one point, NaN and negative-with-log1p throw typed errors', () => {
    expect(() => mstl().fit([1])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => mstl().fit([1, Number.NaN, 3, 4])).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => mstl({ transform: 'log1p' }).fit([1, -2, 3, 4])).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
