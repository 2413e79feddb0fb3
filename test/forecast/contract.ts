import { expect } from 'vitest';
import type { FitOptions, Model, Series } from '../../src/forecast/types.ts';
import { mulberry32 } from '../../src/random.ts';

/**
 * The one contract every model passes (STYLE.md §4, after statsforecast's assert_class):
 * forecast length h, finite non-negative points, in-sample length n, intervals that contain the point,
 * nest and widen with the level, deterministic refits, and a clear error on NaN input is not required
 * (the runner imputes), but the fitted model must be immutable across predicts.
 */
export function assertModelContract(
  model: Model,
  y: readonly number[],
  h: number,
  options?: FitOptions,
): void {
  const fitted = model.fit(y, options);
  expect(typeof fitted.model).toBe('string');
  expect(fitted.fitted.length).toBe(y.length);
  const f = fitted.predict(h, { levels: [50, 80, 95] });
  expect(f.point.length).toBe(h);
  for (const p of f.point) {
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeGreaterThanOrEqual(0);
  }
  expect(f.intervals.map((i) => i.level)).toEqual([50, 80, 95]);
  for (const iv of f.intervals) {
    expect(iv.lower.length).toBe(h);
    expect(iv.upper.length).toBe(h);
  }
  const tol = 1e-9;
  for (let k = 0; k < h; k++) {
    const [i50, i80, i95] = f.intervals;
    expect(i50.lower[k]).toBeGreaterThanOrEqual(0);
    expect(i50.lower[k]).toBeLessThanOrEqual(f.point[k] + tol);
    expect(i50.upper[k]).toBeGreaterThanOrEqual(f.point[k] - tol);
    expect(i80.lower[k]).toBeLessThanOrEqual(i50.lower[k] + tol);
    expect(i80.upper[k]).toBeGreaterThanOrEqual(i50.upper[k] - tol);
    expect(i95.lower[k]).toBeLessThanOrEqual(i80.lower[k] + tol);
    expect(i95.upper[k]).toBeGreaterThanOrEqual(i80.upper[k] - tol);
  }
  // predict is pure: same answer twice, and a prefix of a longer horizon equals the shorter one
  const again = fitted.predict(h, { levels: [50, 80, 95] });
  expect(again.point).toEqual(f.point);
  const shorter = fitted.predict(Math.max(1, Math.floor(h / 2)), { levels: [80] });
  for (let k = 0; k < shorter.point.length; k++) expect(shorter.point[k]).toBeCloseTo(f.point[k], 9);
  // fitting twice gives the same model (no hidden global state)
  const refit = model.fit(y, options).predict(h, { levels: [80] });
  for (let k = 0; k < h; k++) expect(refit.point[k]).toBeCloseTo(f.point[k], 9);
}

/** A seeded daily+weekly seasonal hourly count series with trend and noise (mulberry32 RNG). */
export function syntheticHourly(n: number, seed = 1, base = 100): number[] {
  const rnd = mulberry32(seed);
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * t) / 24);
    const weekly = 1 + 0.2 * Math.cos((2 * Math.PI * t) / 168);
    const level = base * (1 + t / (n * 4));
    y.push(Math.max(0, Math.round(level * daily * weekly + (rnd() - 0.5) * base * 0.2)));
  }
  return y;
}

/**
 * An hourly UTC series of `values` from `start` (default Monday 6 January 2025, midnight), id from the key values.
 * @example hourlySeries([1, 2], { queue: 'q', language: 'en' }).id // => 'q|en'
 */
export function hourlySeries(
  values: number[],
  key: Record<string, string>,
  start = Date.UTC(2025, 0, 6),
): Series {
  return {
    key,
    id: Object.values(key).join('|'),
    freq: 'hour',
    timeZone: 'UTC',
    timestamps: values.map((_, i) => start + i * 3_600_000),
    values,
  };
}
