import { describe, expect, it } from 'vitest';
import type { EventSpec } from '../../src/forecast/events/index.ts';
import { forecastSeries } from '../../src/forecast/pipeline.ts';
import { forecastMany } from '../../src/forecast/runner.ts';
import type { Series } from '../../src/forecast/types.ts';
import { hourlySeries, syntheticHourly } from './contract.ts';

const H = 3_600_000;
const START = Date.UTC(2025, 0, 6);

const hourly = (
  values: number[],
  key: Record<string, string> = { queue: 'reviews', language: 'en' },
): Series => hourlySeries(values, key, START);

describe('forecastSeries', () => {
  const y = syntheticHourly(24 * 7 * 6, 5);

  it('forecasts h steps on the grid after the history, with the levels asked for', () => {
    const f = forecastSeries(hourly(y), { horizon: 48, levels: [80, 95] });
    expect(f.point).toHaveLength(48);
    expect(f.timestamps[0]).toBe(START + y.length * H);
    expect(f.timestamps[47]).toBe(START + (y.length + 47) * H);
    expect(f.intervals.map((i) => i.level)).toEqual([80, 95]);
    expect(f.fallback).toBeUndefined();
  });

  it('says which model was chosen and why: every candidate with its backtest score', () => {
    const f = forecastSeries(hourly(y), { horizon: 48 });
    const names = f.selection.scores.map((s) => s.model);
    expect(names).toContain('snaive(24)');
    expect(names).toContain('ar');
    expect(f.selection.chosen.length).toBeGreaterThanOrEqual(1);
    const ranked = f.selection.scores.filter((s) => s.rank !== undefined);
    const best = ranked.find((s) => s.rank === 1)!;
    for (const s of ranked) if (!s.screenedOut) expect(s.mae).toBeGreaterThanOrEqual(best.mae);
    expect(f.selection.chosen[0]).toBe(best.model);
  });

  it('fills gaps for fitting without treating them as zeros', () => {
    const withGap = y.slice();
    for (let t = 500; t < 520; t++) withGap[t] = Number.NaN;
    const f = forecastSeries(hourly(withGap), { horizon: 24 });
    expect(f.gapsFilled).toBe(20);
    const mean = y.slice(-168).reduce((a, b) => a + b, 0) / 168;
    const fmean = f.point.reduce((a, b) => a + b, 0) / 24;
    expect(fmean).toBeGreaterThan(0.7 * mean);
  });

  it('never gives negative points or bounds, even for a falling series near zero', () => {
    const falling = Array.from({ length: 24 * 21 }, (_, t) =>
      Math.max(0, Math.round(30 - t / 16 + 3 * Math.sin(t))),
    );
    const f = forecastSeries(hourly(falling), { horizon: 72 });
    for (const p of f.point) expect(p).toBeGreaterThanOrEqual(0);
    for (const iv of f.intervals) for (const v of iv.lower) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('applies a future launch from the events file by its uplift, and reports it', () => {
    const lastDay = new Date(START + (y.length + 24) * H).toISOString().slice(0, 10);
    const events: EventSpec[] = [
      { name: 'launch', type: 'launch', start: lastDay, shape: { kind: 'step' }, uplift: 0.5 } as EventSpec,
    ];
    const base = forecastSeries(hourly(y), { horizon: 72, holidays: false });
    const withLaunch = forecastSeries(hourly(y), { horizon: 72, events, holidays: false });
    // before the launch day nothing changes; from it on, the forecast is 1.5 times the baseline
    expect(withLaunch.point[0]).toBeCloseTo(base.point[0], 6);
    expect(withLaunch.point[60] / base.point[60]).toBeCloseTo(1.5, 6);
    const impact = withLaunch.eventImpacts.find((e) => e.name === 'launch')!;
    expect(impact.source).toBe('file-uplift');
    expect(impact.extraVolume).toBeGreaterThan(0);
  });

  it('falls back to the seasonal naive when the automatic choice fails, and says so', () => {
    const f = forecastSeries(hourly(y), { horizon: 24, models: ['no-such-family'] });
    expect(f.fallback?.model).toBe('snaive(24)');
    expect(f.fallback?.reason).toMatch(/no candidate/);
    expect(f.point).toEqual(y.slice(-24));
  });

  it('with clean, drops an injected spike from history before fitting, and lists it', () => {
    const spiky = y.slice();
    const at = y.length - 24 * 7 + 5; // a week before the end, at the hour the snaive(168) would copy
    for (let t = at; t < at + 4; t++) spiky[t] = y[t] * 8;
    const plain = forecastSeries(hourly(spiky), { horizon: 24 * 7, holidays: false, clean: false });
    const cleaned = forecastSeries(hourly(spiky), { horizon: 24 * 7, holidays: false, clean: true });
    const spike = cleaned.cleaned.find(
      (a) => a.kind === 'spike' && a.startIndex <= at + 3 && a.endIndex >= at,
    );
    expect(spike).toBeDefined();
    // the cleaned forecast at the spike's hours next week stays near the normal level
    const k = at + 24 * 7 - y.length;
    const normal = y[at];
    expect(Math.abs(cleaned.point[k] - normal)).toBeLessThan(Math.abs(plain.point[k] - normal));
    expect(plain.cleaned).toEqual([]);
  });

  it('rejects a non-integer horizon and a series with fewer than 2 known values', () => {
    expect(() => forecastSeries(hourly(y), { horizon: 1.5 })).toThrow(/horizon/);
    expect(() => forecastSeries(hourly([Number.NaN, 3]), { horizon: 2 })).toThrow(/known values/);
  });
});

describe('forecastMany', () => {
  const series = [0, 1, 2, 3].map((i) =>
    hourly(syntheticHourly(24 * 7 * 4, i + 1), { queue: 'q', language: `l${i}` }),
  );

  it('gives the same forecasts on worker threads as in this thread, in input order', async () => {
    const progress: number[] = [];
    const onWorkers = await forecastMany(
      series,
      { horizon: 24 },
      { workers: 2, onProgress: (p) => progress.push(p.done) },
    );
    const inline = await forecastMany(series, { horizon: 24 }, { workers: 0 });
    expect(onWorkers.results.map((r) => r.id)).toEqual(series.map((s) => s.id));
    for (let i = 0; i < series.length; i++)
      expect(onWorkers.results[i].point).toEqual(inline.results[i].point);
    expect(progress).toEqual([1, 2, 3, 4]);
  });

  it('reports a series that cannot be forecast and goes on with the others', async () => {
    const bad = hourly([Number.NaN, Number.NaN, 1], { queue: 'q', language: 'bad' });
    const { results, failures } = await forecastMany([bad, series[0]], { horizon: 24 }, { workers: 2 });
    expect(results.map((r) => r.id)).toEqual([series[0].id]);
    expect(failures).toEqual([
      { id: 'q|bad', code: 'SERIES_TOO_SHORT', message: expect.stringMatching(/known values/) },
    ]);
  });
});

describe('forecastSeries cleaning default', () => {
  it('cleans by default: an injected spike is listed without asking', () => {
    const y = syntheticHourly(24 * 7 * 6, 3);
    const at = y.length - 24 * 10;
    for (let t = at; t < at + 3; t++) y[t] *= 8;
    const r = forecastSeries(hourly(y), { horizon: 24, holidays: false });
    expect(r.cleaned.some((a) => a.startIndex <= at + 2 && a.endIndex >= at)).toBe(true);
  });
});
