import { SimpleLinearRegression } from 'ml-regression';
import { ModcapError } from '../../errors.ts';
import { classicalDecompose } from '../decompose/classical.ts';
import { checkLevels, zForLevel } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Model } from '../types.ts';

/** Options of {@link theta}. */
export interface ThetaOptions {
  /** Seasonal period m; default the shortest of the fit options' `periods`, else 1 (no season). */
  readonly period?: number;
  /** `'test'` (default): deseasonalise only when the ACF test says so; `'always'`; `'never'`. */
  readonly seasonal?: 'test' | 'always' | 'never';
}

/**
 * The seasonality test of the M4 benchmarks and R `forecast::thetaf`: the lag-m autocorrelation r_m is
 * significant at 90 % (two-sided), `|r_m| > 1.645·sqrt((1 + 2·Σ_{k<m} r_k²) / n)`. False when m < 2,
 * n ≤ 2m (R: `n > 2*m` is required) or y is constant.
 *
 * @example seasonalityTest([1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5], 2) // => true
 */
export function seasonalityTest(y: readonly number[], m: number): boolean {
  const n = y.length;
  m = Math.round(m);
  if (m < 2 || n <= 2 * m) return false;
  const r = acf(y, m);
  if (r === undefined) return false;
  let s = 0;
  for (let k = 1; k < m; k++) s += r[k] * r[k];
  const limit = 1.6448536269514722 * Math.sqrt((1 + 2 * s) / n);
  return Math.abs(r[m]) > limit;
}

/** Sample autocorrelations r_0..r_maxLag (denominator n, as R's `acf`); undefined when y is constant. */
function acf(y: readonly number[], maxLag: number): number[] | undefined {
  const n = y.length;
  let m = 0;
  for (const v of y) m += v;
  m /= n;
  let c0 = 0;
  for (const v of y) c0 += (v - m) ** 2;
  if (!(c0 > 1e-12 * (Math.abs(m) + 1) ** 2 * n)) return undefined;
  const r = [1];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = k; t < n; t++) c += (y[t] - m) * (y[t - k] - m);
    r.push(c / c0);
  }
  return r;
}

/**
 * The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the SES-with-drift form of Hyndman &
 * Billah (2003), as R `forecast::thetaf` and the M4 benchmark: if the series is seasonal
 * ({@link seasonalityTest}) it is deseasonalised by classical multiplicative decomposition; simple
 * exponential smoothing (α and ℓ₀ minimising the SSE) is fitted; the forecast is the SES forecast plus a
 * drift of half the OLS slope b of y on time, `ŷ[n+k] = ℓ_n + (b/2)·(k − 1 + (1 − (1 − α)^n)/α)`,
 * reseasonalised with the last cycle's indices. Intervals are the SES ones:
 * sd_k = σ·sqrt(1 + (k − 1)α²) (σ² = SSE/(n − 2); reseasonalising does not scale them, as in thetaf),
 * clipped at 0. When a seasonal index is ≈ 0 (zeros in the data) the non-seasonal method is used.
 *
 * @throws ModcapError SERIES_TOO_SHORT with fewer than 3 points; BAD_ARGUMENT on non-finite input
 * @example theta().fit([10, 12, 11, 13, 12, 14, 13, 15]).predict(2).point // SES level + drift
 */
export function theta(options: ThetaOptions = {}): Model {
  const mode = options.seasonal ?? 'test';
  const name = options.period !== undefined ? `theta(${Math.round(options.period)})` : 'theta';
  return {
    name,
    fit(y, fitOptions = {}) {
      const n = y.length;
      if (n < 3)
        throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least 3 points, got ${n}`, { n });
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(y[i]))
          throw new ModcapError('BAD_ARGUMENT', `${name}: non-finite value at ${i}`, {
            index: i,
            value: y[i],
          });
      const periods = fitOptions.periods ?? [];
      const m = Math.max(
        1,
        Math.round(
          options.period ?? (periods.length > 0 ? Math.min(...periods.map((p) => Math.round(p))) : 1),
        ),
      );
      let seasonal = false;
      if (m >= 2 && n > 2 * m && mode !== 'never') seasonal = mode === 'always' || seasonalityTest(y, m);
      let index: number[] | undefined;
      if (seasonal) {
        const dec = classicalDecompose(y, m, 'multiplicative');
        if (dec.figure.every((v) => Number.isFinite(v) && Math.abs(v) >= 1e-4)) index = dec.seasonal;
        else seasonal = false;
      }
      const x = index ? y.map((v, t) => v / index![t]) : y.slice();
      const ses = fitSes(x);
      const slope = olsSlope(x);
      const drift = slope / 2;
      const a = Math.max(1e-10, ses.alpha);
      const fitted = ses.fitted.map((f, t) => (index ? f * index[t] : f));
      const sigma = Math.sqrt(ses.sse / Math.max(1, n - 2));
      const lastCycle = index ? index.slice(n - m) : undefined;
      const result: Fitted = {
        model: seasonal ? `theta(${m},seasonal)` : `theta(${m})`,
        params: { period: m, seasonal, alpha: ses.alpha, level: ses.level, l0: ses.l0, drift, sigma },
        fitted,
        predict(h, predictOptions = {}) {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          const base = (1 - (1 - a) ** n) / a;
          const centre: number[] = [];
          const sds: number[] = [];
          for (let k = 1; k <= h; k++) {
            let f = ses.level + drift * (k - 1 + base);
            if (lastCycle) f *= lastCycle[(k - 1) % m];
            centre.push(f);
            sds.push(sigma * Math.sqrt(1 + (k - 1) * ses.alpha * ses.alpha));
          }
          const point = centre.map((v) => Math.max(0, v));
          return {
            point,
            intervals: levels.map((level) => {
              const z = zForLevel(level);
              return {
                level,
                lower: centre.map((v, k) => Math.min(point[k], Math.max(0, v - z * sds[k]))),
                upper: centre.map((v, k) => Math.max(point[k], v + z * sds[k])),
              };
            }),
          };
        },
      };
      return result;
    },
  };
}

/** Result of {@link fitSes}. */
export interface SesFit {
  readonly alpha: number;
  /** Initial level ℓ₀ (before the first observation). */
  readonly l0: number;
  /** Final level ℓ_n (the flat forecast). */
  readonly level: number;
  readonly sse: number;
  /** One-step fitted values. */
  readonly fitted: number[];
}

/**
 * Simple exponential smoothing with α in [1e-4, 0.9999] and ℓ₀ minimising the one-step SSE (the
 * least-squares analogue of R's `ses`, which maximises the Gaussian likelihood — the same optimum).
 * For a given α the SSE is quadratic in ℓ₀, so ℓ₀ is solved exactly and only α is searched
 * (grid of 50, then golden section around the best).
 *
 * @example fitSes([3, 3, 3]).level // => 3
 */
export function fitSes(x: readonly number[]): SesFit {
  const n = x.length;
  // For fixed α: e_t = e0_t − (1 − α)^t·ℓ₀, where e0 are the errors with ℓ₀ = 0.
  const evalAlpha = (alpha: number) => {
    let l = 0;
    let num = 0;
    let den = 0;
    let d = 1;
    for (let t = 0; t < n; t++) {
      const e0 = x[t] - l;
      num += e0 * d;
      den += d * d;
      l += alpha * e0;
      d *= 1 - alpha;
    }
    const l0 = den > 0 ? num / den : x[0];
    let level = l0;
    let sse = 0;
    for (let t = 0; t < n; t++) {
      const e = x[t] - level;
      sse += e * e;
      level += alpha * e;
    }
    return { sse, l0, level };
  };
  const lo = 1e-4;
  const hi = 0.9999;
  let best = lo;
  let bestSse = Number.POSITIVE_INFINITY;
  const grid = 50;
  for (let i = 0; i <= grid; i++) {
    const a = lo + ((hi - lo) * i) / grid;
    const s = evalAlpha(a).sse;
    if (s < bestSse) {
      bestSse = s;
      best = a;
    }
  }
  let a0 = Math.max(lo, best - (hi - lo) / grid);
  let a1 = Math.min(hi, best + (hi - lo) / grid);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = a1 - g * (a1 - a0);
  let d = a0 + g * (a1 - a0);
  let fc = evalAlpha(c).sse;
  let fd = evalAlpha(d).sse;
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      a1 = d;
      d = c;
      fd = fc;
      c = a1 - g * (a1 - a0);
      fc = evalAlpha(c).sse;
    } else {
      a0 = c;
      c = d;
      fc = fd;
      d = a0 + g * (a1 - a0);
      fd = evalAlpha(d).sse;
    }
  }
  const cand = (a0 + a1) / 2;
  const alpha = evalAlpha(cand).sse <= bestSse ? cand : best;
  const r = evalAlpha(alpha);
  const fitted: number[] = [];
  let level = r.l0;
  for (let t = 0; t < n; t++) {
    fitted.push(level);
    level += alpha * (x[t] - level);
  }
  return { alpha, l0: r.l0, level: r.level, sse: r.sse, fitted };
}

/** OLS slope of x on 0..n−1 (ml-regression's simple linear regression). */
function olsSlope(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const t = x.map((_, i) => i);
  const slope = new SimpleLinearRegression(t, x as number[]).slope;
  return Number.isFinite(slope) ? slope : 0;
}
