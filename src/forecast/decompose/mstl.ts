import { ModcapError } from '../../errors.ts';
import { loessSmooth, nextOdd } from './loess.ts';
import { type StlOptions, stl } from './stl.ts';

/** Options of {@link mstlDecompose}; defaults follow R's `forecast::mstl`. */
export interface MstlOptions {
  /** Passes over all periods. Default 2. */
  readonly iterate?: number;
  /**
   * Seasonal loess span per period (shortest first), or one for all. Default `7 + 4·i` for the i-th
   * period (i = 1, 2, …): 11, 15, 19, …
   */
  readonly sWindow?: number | readonly number[];
  /** Box–Cox λ applied before decomposing: only 0 (log, needs y > 0) or undefined (none). */
  readonly lambda?: 0;
  /** Further options passed to each STL fit (e.g. `robust`). */
  readonly stl?: Omit<StlOptions, 'sWindow'>;
}

/** One seasonal component of an MSTL decomposition. */
export interface SeasonalComponent {
  /** The integer period used (rounded from the one asked for). */
  readonly period: number;
  readonly values: number[];
}

/** Result of {@link mstlDecompose}: `y' = trend + Σ seasonals + remainder` exactly (y' = y or log y). */
export interface MstlResult {
  readonly trend: number[];
  readonly seasonals: SeasonalComponent[];
  readonly remainder: number[];
  /** Periods asked for but dropped (longer than half the series, or < 2 after rounding). */
  readonly dropped: number[];
  /** λ applied (0 = log), or undefined. */
  readonly lambda?: 0;
}

/**
 * Multiple seasonal-trend decomposition by loess (Bandara, Hyndman & Bergmeir 2021, "MSTL: A
 * Seasonal-Trend Decomposition Algorithm for Time Series with Multiple Seasonal Patterns"; R
 * `forecast::mstl`): periods are rounded, sorted, and those ≥ n/2 dropped; then, `iterate` times, for
 * each period in turn the current estimate of its seasonal is added back and re-estimated by STL with
 * span `sWindow[i]`. The trend is the trend of the last STL fit. With no usable period the trend is a
 * loess smooth (span ≈ n/10, degree 1) — R uses `supsmu` there — and `seasonals` is empty.
 *
 * @param y the series (no NaN; y > 0 when lambda = 0)
 * @param periods seasonal periods in steps, e.g. `[24, 168]`; non-integer ones are rounded
 * @throws ModcapError SERIES_TOO_SHORT with fewer than 3 points; BAD_ARGUMENT on NaN, or on y ≤ 0 with λ = 0
 * @example mstlDecompose(y, [24, 168]).seasonals.map((s) => s.period) // => [24, 168]
 */
export function mstlDecompose(
  y: readonly number[],
  periods: readonly number[],
  options: MstlOptions = {},
): MstlResult {
  const n = y.length;
  if (n < 3) throw new ModcapError('SERIES_TOO_SHORT', `mstl needs at least 3 points, got ${n}`, { n });
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]))
      throw new ModcapError('BAD_ARGUMENT', `mstl input has a non-finite value at ${i}`, { index: i });
  const lambda = options.lambda;
  let x = y.slice();
  if (lambda === 0) {
    if (x.some((v) => v <= 0))
      throw new ModcapError('BAD_ARGUMENT', 'mstl with lambda = 0 (log) needs y > 0', { lambda });
    x = x.map(Math.log);
  }
  const rounded = [...new Set(periods.map((p) => Math.round(p)))].sort((a, b) => a - b);
  const used = rounded.filter((p) => p >= 2 && p < n / 2);
  const dropped = periods.filter((p) => !used.includes(Math.round(p)));
  const iterate = Math.max(1, options.iterate ?? 2);
  const sw = options.sWindow;
  const sWindows = used.map((_, i) =>
    sw === undefined ? 7 + 4 * (i + 1) : typeof sw === 'number' ? sw : (sw[i] ?? sw[sw.length - 1]),
  );

  if (used.length === 0) {
    const trend = Array.from(loessSmooth(x, nextOdd(Math.max(3, Math.min(n, n / 10))), 1, 1));
    return {
      trend,
      seasonals: [],
      remainder: x.map((v, i) => v - trend[i]),
      dropped,
      ...(lambda === 0 ? { lambda } : {}),
    };
  }

  const seas = used.map(() => new Array<number>(n).fill(0));
  const deseas = x.slice();
  let trend: number[] = [];
  for (let it = 0; it < iterate; it++) {
    for (let i = 0; i < used.length; i++) {
      for (let t = 0; t < n; t++) deseas[t] += seas[i][t];
      const fit = stl(deseas, used[i], { ...options.stl, sWindow: sWindows[i] });
      seas[i] = fit.seasonal;
      for (let t = 0; t < n; t++) deseas[t] -= seas[i][t];
      trend = fit.trend;
    }
  }
  const remainder = deseas.map((v, t) => v - trend[t]);
  return {
    trend,
    seasonals: used.map((period, i) => ({ period, values: seas[i] })),
    remainder,
    dropped,
    ...(lambda === 0 ? { lambda } : {}),
  };
}
