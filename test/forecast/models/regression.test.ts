import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import type { EventSpec } from '../../../src/forecast/events/index.ts';
import { applyEventEffects, buildRegressors, eventEffects } from '../../../src/forecast/events/index.ts';
import { defaultFourierOrder, regression } from '../../../src/forecast/models/regression.ts';
import { HALF_ULP, mulberry32 } from '../../../src/random.ts';
import { assertModelContract, syntheticHourly } from '../contract.ts';

/** Seeded standard normal draws (mulberry32 + Box–Muller), so the synthetic series are reproducible. */
function normals(n: number, seed: number): number[] {
  const draw = mulberry32(seed);
  const u = () => draw() + HALF_ULP;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

const DAY = 86_400_000;
/** Daily UTC grid from a start date. */
function dailyGrid(start: string, n: number): number[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => t0 + i * DAY);
}
/** A multiplicative daily series: level 200, weekly ±20 %, lognormal noise sd 0.05, times `effect[i]`. */
function dailySeries(n: number, effect: (i: number) => number, seed = 1): number[] {
  const e = normals(n, seed);
  return Array.from({ length: n }, (_, i) =>
    Math.round(200 * (1 + 0.2 * Math.sin((2 * Math.PI * i) / 7)) * effect(i) * Math.exp(0.05 * e[i])),
  );
}

describe('regression passes the model contract', () => {
  it('on an hourly series with periods [24, 168]', () => {
    assertModelContract(regression(), syntheticHourly(24 * 7 * 6, 7), 48, { periods: [24, 168] });
  });
  it('with event and holiday regressors', () => {
    const n = 24 * 7 * 6;
    const timestamps = Array.from({ length: n }, (_, i) => Date.UTC(2024, 10, 1) + i * 3_600_000);
    const set = buildRegressors({
      key: { queue: 'q', language: 'en', market: 'US' },
      timestamps,
      freq: 'hour',
      timeZone: 'America/New_York',
      events: [{ name: 'p', type: 'promotion', start: '2024-11-20', shape: { kind: 'window', postDays: 2 } }],
    });
    assertModelContract(regression(), syntheticHourly(n, 3), 72, {
      periods: [24, 168],
      regressors: set.fitOptions,
    });
  });
  it('with transform none', () => {
    assertModelContract(regression({ transform: 'none' }), syntheticHourly(24 * 7 * 4, 2), 24, {
      periods: [24],
    });
  });
});

describe('regression estimates known effects', () => {
  it('recovers a +30 % step as a relative effect of 0.30 ± 0.03', () => {
    const n = 730;
    const start = 500;
    const y = dailySeries(n, (i) => (i >= start ? 1.3 : 1));
    const step = Array.from({ length: n }, (_, i) => (i >= start ? 1 : 0));
    const fit = regression().fit(y, {
      periods: [7],
      regressors: {
        history: { names: ['event:step'], columns: [step] },
        future: (h) => ({ names: ['event:step'], columns: [new Array(h).fill(1)] }),
      },
    });
    const effects = fit.params.effects as Record<string, number>;
    expect(effects['event:step']).toBeGreaterThan(0.27);
    expect(effects['event:step']).toBeLessThan(0.33);
  });

  it('recovers a 14-day ramp to +50 % built by buildRegressors', () => {
    const n = 600;
    const timestamps = dailyGrid('2023-01-01', n);
    // independent shape: the ramp starts on day s = 2024-05-01 and reaches 1 on day s + 13 (k/14 on day s + k − 1)
    const s = Math.round((Date.parse('2024-05-01T00:00:00Z') - timestamps[0]) / DAY);
    const shape = (i: number) => (i < s ? 0 : Math.min(1, (i - s + 1) / 14));
    const y = dailySeries(n, (i) => 1.5 ** shape(i), 4);
    const set = buildRegressors({
      key: { queue: 'reviews', language: 'ja' },
      timestamps,
      freq: 'day',
      timeZone: 'UTC',
      holidays: false,
      events: [{ name: 'launch', type: 'launch', start: '2024-05-01', shape: { kind: 'ramp', days: 14 } }],
    });
    expect(set.history.columns[0][s + 6]).toBeCloseTo(7 / 14, 12);
    const fit = regression().fit(y, { periods: [7], regressors: set.fitOptions });
    expect((fit.params.effects as Record<string, number>)['event:launch']).toBeCloseTo(0.5, 1);
  });

  it('recovers a −40 % effect on every US public holiday (pooled and per name)', () => {
    const n = 3 * 365;
    const timestamps = dailyGrid('2022-01-01', n);
    // holiday dates taken straight from date-holidays (not from the code under test)
    const hd = new Holidays('US');
    const dates = new Set<string>();
    for (const year of [2022, 2023, 2024, 2025])
      for (const h of hd.getHolidays(year)) if (h.type === 'public') dates.add(h.date.slice(0, 10));
    const iso = timestamps.map((t) => new Date(t).toISOString().slice(0, 10));
    const y = dailySeries(n, (i) => (dates.has(iso[i]) ? 0.6 : 1), 9);
    const set = buildRegressors({
      key: { queue: 'listings', language: 'en', market: 'US' },
      timestamps,
      freq: 'day',
      timeZone: 'UTC',
    });
    expect(set.calendar).toBe('US');
    const fit = regression().fit(y, { periods: [7, 365.25], regressors: set.fitOptions });
    const byName = fit.params.holidayEffects as Record<string, number>;
    expect(Object.keys(byName)).toContain('Independence Day');
    for (const [name, v] of Object.entries(byName))
      expect([name, Math.abs(v - -0.4) < 0.06]).toEqual([name, true]);
  });

  it('puts holidays in the forecast: the coming July 4 is ~40 % below the Thursday before', () => {
    const n = 2 * 365;
    const timestamps = dailyGrid('2022-06-26', n); // history ends 2024-06-24
    const hd = new Holidays('US');
    const dates = new Set<string>();
    for (const year of [2022, 2023, 2024])
      for (const h of hd.getHolidays(year)) if (h.type === 'public') dates.add(h.date.slice(0, 10));
    const iso = timestamps.map((t) => new Date(t).toISOString().slice(0, 10));
    const y = dailySeries(n, (i) => (dates.has(iso[i]) ? 0.6 : 1), 5);
    const set = buildRegressors({
      key: { queue: 'q', language: 'en', market: 'US' },
      timestamps,
      freq: 'day',
      timeZone: 'UTC',
    });
    const f = regression()
      .fit(y, { periods: [7], regressors: set.fitOptions })
      .predict(14);
    // step 3 = Thursday 2024-06-27, step 10 = Thursday 2024-07-04
    expect(f.point[9] / f.point[2]).toBeGreaterThan(0.55);
    expect(f.point[9] / f.point[2]).toBeLessThan(0.65);
  });
});

describe('event effects combined with the regression model', () => {
  const n = 400;
  const timestamps = dailyGrid('2024-01-01', n);
  const events: EventSpec[] = [
    { name: 'promo-a', type: 'promotion', start: '2024-03-01', end: '2024-03-07', shape: { kind: 'window' } },
    { name: 'promo-b', type: 'promotion', start: '2024-08-01', end: '2024-08-07', shape: { kind: 'window' } },
    {
      name: 'promo-next',
      type: 'promotion',
      start: '2025-02-10',
      end: '2025-02-12',
      shape: { kind: 'window' },
    },
    {
      name: 'launch-next',
      type: 'launch',
      start: '2025-02-08',
      end: '2025-02-09',
      shape: { kind: 'window' },
      uplift: 0.3,
    },
  ];
  const iso = timestamps.map((t) => new Date(t).toISOString().slice(0, 10));
  const inPromo = (d: string) =>
    (d >= '2024-03-01' && d <= '2024-03-07') || (d >= '2024-08-01' && d <= '2024-08-07');
  const y = dailySeries(n, (i) => (inPromo(iso[i]) ? 1.5 : 1), 11);
  const set = buildRegressors({
    key: { queue: 'q', language: 'en' },
    timestamps,
    freq: 'day',
    timeZone: 'UTC',
    events,
    holidays: false,
  });
  const fit = regression().fit(y, { periods: [7], regressors: set.fitOptions });
  const h = 60; // history ends 2025-02-03; the future events fall on 2025-02-08..12
  const shapes = set.eventShapes(h);
  const effects = eventEffects({
    events: set.events,
    estimates: fit.params.effects as Record<string, number>,
    future: shapes,
  });
  const byName = Object.fromEntries(effects.map((e) => [e.name, e]));
  const futureTs = Array.from({ length: h }, (_, k) => timestamps[n - 1] + (k + 1) * DAY);

  it('estimates past promotions, takes the file uplift for the launch and the type average for the promotion', () => {
    expect(byName['promo-a'].source).toBe('estimated');
    expect(byName['promo-a'].relativeEffect).toBeCloseTo(0.5, 1);
    expect(byName['launch-next'].source).toBe('file-uplift');
    expect(byName['launch-next'].relativeEffect).toBe(0.3);
    expect(byName['promo-next'].source).toBe('type-average');
    // geometric mean of the two estimates, computed here from the estimates
    const a = byName['promo-a'].relativeEffect;
    const b = byName['promo-b'].relativeEffect;
    expect(byName['promo-next'].relativeEffect).toBeCloseTo(Math.sqrt((1 + a) * (1 + b)) - 1, 12);
    expect(byName['promo-next'].inHorizon).toBe(true);
    expect(byName['promo-a'].inHorizon).toBe(false);
  });

  it('raises the regression forecast by the uplift on the launch days only, without double counting', () => {
    const base = fit.predict(h, { levels: [80] });
    const { forecast, impacts } = applyEventEffects(base, futureTs, effects, shapes, {
      includesEstimated: true,
    });
    const day = (d: string) => futureTs.findIndex((t) => new Date(t).toISOString().slice(0, 10) === d);
    expect(forecast.point[day('2025-02-08')] / base.point[day('2025-02-08')]).toBeCloseTo(1.3, 12);
    expect(
      forecast.intervals[0].upper[day('2025-02-09')] / base.intervals[0].upper[day('2025-02-09')],
    ).toBeCloseTo(1.3, 12);
    expect(forecast.point[day('2025-02-07')]).toBe(base.point[day('2025-02-07')]);
    const promoFactor = 1 + byName['promo-next'].relativeEffect;
    expect(forecast.point[day('2025-02-11')] / base.point[day('2025-02-11')]).toBeCloseTo(promoFactor, 12);
    const launch = impacts.find((i) => i.name === 'launch-next')!;
    expect(launch.steps).toBe(2);
    const extra = [day('2025-02-08'), day('2025-02-09')].reduce(
      (s, k) => s + forecast.point[k] - base.point[k],
      0,
    );
    expect(launch.extraVolume).toBeCloseTo(extra, 9);
    // an estimated past event is reported but never applied again
    expect(impacts.find((i) => i.name === 'promo-a')!.applied).toBe(false);
  });
});

describe('regression weights', () => {
  it('ignores a point with weight 0 (its value does not matter)', () => {
    const y = syntheticHourly(24 * 7 * 3, 5);
    const weights = y.map((_, i) => (i === 100 ? 0 : 1));
    const a = y.slice();
    const b = y.slice();
    a[100] = 0;
    b[100] = 1e6;
    const fa = regression()
      .fit(a, { periods: [24, 168], weights })
      .predict(24);
    const fb = regression()
      .fit(b, { periods: [24, 168], weights })
      .predict(24);
    for (let k = 0; k < 24; k++) expect(fb.point[k]).toBeCloseTo(fa.point[k], 9);
    const unweighted = regression()
      .fit(b, { periods: [24, 168] })
      .predict(24);
    expect(Math.abs(unweighted.point[0] - fa.point[0])).toBeGreaterThan(1);
  });
  it('treats NaN as weight 0', () => {
    const y = syntheticHourly(24 * 7 * 3, 5);
    const withNaN = y.slice();
    withNaN[50] = Number.NaN;
    const weights = y.map((_, i) => (i === 50 ? 0 : 1));
    const a = regression()
      .fit(withNaN, { periods: [24] })
      .predict(5).point;
    const b = regression()
      .fit(y, { periods: [24], weights })
      .predict(5).point;
    for (let k = 0; k < 5; k++) expect(a[k]).toBeCloseTo(b[k], 9);
  });
});

describe('regression structure', () => {
  it('picks Prophet-like Fourier orders by period length', () => {
    expect(defaultFourierOrder(7)).toBe(3);
    expect(defaultFourierOrder(365.25)).toBe(10);
    expect(defaultFourierOrder(8766)).toBe(10);
    expect(defaultFourierOrder(24)).toBe(8);
    expect(defaultFourierOrder(4)).toBe(1);
  });
  it('skips periods with fewer than 1.9 cycles of history', () => {
    const fit = regression().fit(syntheticHourly(24 * 10, 1), { periods: [24, 168] });
    expect(fit.params.fourier).toEqual([{ period: 24, order: 8 }]);
  });
  it('follows a trend that changes slope: forecasts continue the recent slope', () => {
    // linear on the log scale: slope 0.001/day for 500 days, then 0.004/day for 200 days
    const n = 700;
    const e = normals(n, 3);
    const y = Array.from({ length: n }, (_, i) =>
      Math.round(100 * Math.exp(0.001 * Math.min(i, 500) + 0.004 * Math.max(0, i - 500) + 0.02 * e[i])),
    );
    const fit = regression().fit(y, { periods: [7] });
    const f = fit.predict(30).point;
    const endLevel = 100 * Math.exp(0.001 * 500 + 0.004 * 199);
    // 30 days on at the recent slope: ×exp(0.12) = 1.127; the old slope would give ×1.03
    expect(f[29] / endLevel).toBeGreaterThan(1.09);
    expect(f[29] / endLevel).toBeLessThan(1.17);
  });
  it('widens intervals with the horizon (trend uncertainty)', () => {
    const fit = regression().fit(syntheticHourly(24 * 7 * 8, 4), { periods: [24, 168] });
    const f = fit.predict(24 * 14, { levels: [80] });
    const width = (k: number) => Math.log1p(f.intervals[0].upper[k]) - Math.log1p(f.intervals[0].lower[k]);
    expect(width(24 * 14 - 1)).toBeGreaterThan(width(0));
  });
  it('back-transforms the median by default and the mean with biasAdjust', () => {
    const y = dailySeries(200, () => 1, 2);
    const med = regression()
      .fit(y, { periods: [7] })
      .predict(1).point[0];
    const avg = regression({ biasAdjust: true })
      .fit(y, { periods: [7] })
      .predict(1).point[0];
    expect(avg).toBeGreaterThan(med);
  });
});

describe('regression on degenerate input', () => {
  it('fits one point and forecasts it flat', () => {
    const f = regression().fit([5]).predict(3);
    for (const p of f.point) expect(p).toBeCloseTo(5, 6);
  });
  it('forecasts 0 for an all-zero series', () => {
    const f = regression()
      .fit(new Array(50).fill(0), { periods: [7] })
      .predict(10, { levels: [95] });
    expect(f.point).toEqual(new Array(10).fill(0));
    expect(f.intervals[0].upper.every((v) => v >= 0 && v < 1e-3)).toBe(true);
  });
  it('forecasts a constant series as that constant', () => {
    const f = regression()
      .fit(new Array(100).fill(42), { periods: [7] })
      .predict(10);
    for (const p of f.point) expect(p).toBeCloseTo(42, 6);
  });
  it('throws SERIES_TOO_SHORT on empty input and BAD_ARGUMENT on negative counts or bad weights', () => {
    expect(() => regression().fit([])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => regression().fit([1, -2, 3])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => regression().fit([1, 2, 3], { weights: [1, 1] })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
  it('throws when fitted with regressors whose future lacks a column', () => {
    const fit = regression().fit([1, 2, 3, 4, 5, 6], {
      regressors: {
        history: { names: ['x'], columns: [[0, 0, 1, 1, 0, 0]] },
        future: () => ({ names: [], columns: [] }),
      },
    });
    expect(() => fit.predict(2)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
