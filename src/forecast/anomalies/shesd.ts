/**
 * Seasonal Hybrid ESD (Hochenbaum, Vallis & Kejariwal 2017, "Automatic Anomaly Detection in the Cloud
 * via Statistical Learning", arXiv:1704.07706; Twitter's AnomalyDetection): remove the seasonal part
 * (MSTL on log1p counts) and a robust level (a running median, which keeps steps sharp instead of
 * smearing them as a smooth trend would), then run the generalized ESD test (Rosner 1983) with median
 * and MAD in place of mean and sd, piece by piece (≈ 2 weeks of hourly data) so that slow drift and
 * changing noise do not leak into the test.
 */
import { mstlDecompose } from '../decompose/index.ts';
import { impute } from '../impute.ts';
import { median, normalQuantile } from '../stats.ts';

/**
 * Quantile of Student's t with `df` degrees of freedom: Cornish–Fisher expansion of the normal quantile
 * in 1/df to the fourth order (Abramowitz & Stegun 26.7.5); absolute error below 1e-3 for df ≥ 10 and
 * p ≤ 0.9999, which is all the ESD test needs (its pieces have dozens of points or more).
 * @example tQuantile(0.975, 30) // => 2.0423 (tables: 2.042272)
 */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(df)) return z;
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Options of {@link generalizedEsd}. */
export interface EsdOptions {
  /** Significance level of the test. Default 0.05. */
  readonly alpha?: number;
  /** Use median and MAD (hybrid, default) instead of mean and sd. */
  readonly hybrid?: boolean;
  /** Lower bound on the scale (MAD · 1.4826 or sd), e.g. the Poisson noise of small counts. Default 0. */
  readonly minScale?: number;
  /** Test only one side: `pos` (high values), `neg` (low values), or `both` (default). */
  readonly direction?: 'both' | 'pos' | 'neg';
}

/**
 * Generalized ESD test for up to `maxAnomalies` outliers (Rosner 1983, Technometrics 25(2)): remove the
 * most extreme point `maxAnomalies` times, recording R_i = max |x − centre| / scale over the remaining
 * points, and compare with λ_i = (n − i) t_{p, n−i−1} / √((n − i − 1 + t²)(n − i + 1)), p = 1 − α / (2(n − i + 1));
 * the outliers are the points removed up to the largest i with R_i > λ_i. NaN entries are not tested.
 *
 * @returns indices of the outliers, in the order removed (most extreme first)
 * @example generalizedEsd([1, 2, 1, 2, 1, 2, 1, 2, 1, 50], 2) // => [9]
 */
export function generalizedEsd(
  x: readonly number[],
  maxAnomalies: number,
  options: EsdOptions = {},
): number[] {
  const alpha = options.alpha ?? 0.05;
  const hybrid = options.hybrid ?? true;
  const minScale = options.minScale ?? 0;
  const direction = options.direction ?? 'both';
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) idx.push(i);
  const n = idx.length;
  const k = Math.min(Math.floor(maxAnomalies), n - 3);
  const removed: number[] = [];
  let found = 0;
  const alive = idx.slice();
  for (let i = 1; i <= k; i++) {
    const vals = alive.map((j) => x[j]);
    let centre: number;
    let scale: number;
    if (hybrid) {
      centre = median(vals);
      scale = 1.4826 * median(vals.map((v) => Math.abs(v - centre)));
    } else {
      centre = vals.reduce((a, b) => a + b, 0) / vals.length;
      scale = Math.sqrt(vals.reduce((a, b) => a + (b - centre) ** 2, 0) / (vals.length - 1));
    }
    scale = Math.max(scale, minScale);
    if (!(scale > 0)) break;
    let best = -1;
    let bestR = -1;
    for (let j = 0; j < alive.length; j++) {
      const d = x[alive[j]] - centre;
      const r = direction === 'pos' ? d : direction === 'neg' ? -d : Math.abs(d);
      if (r > bestR) {
        bestR = r;
        best = j;
      }
    }
    const R = bestR / scale;
    const p = 1 - alpha / (2 * (n - i + 1));
    const t = tQuantile(p, n - i - 1);
    const lambda = ((n - i) * t) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
    removed.push(alive[best]);
    alive.splice(best, 1);
    if (R > lambda) found = i;
  }
  return removed.slice(0, found);
}

/** Options of {@link shesd}. */
export interface ShesdOptions {
  /** Seasonal periods in steps (e.g. `[24, 168]` hourly). Periods ≥ n/2 are dropped. Default none. */
  readonly periods?: readonly number[];
  /** Most anomalies per piece, as a share of its points. Default 0.02. */
  readonly maxShare?: number;
  /** ESD significance. Default 0.05. */
  readonly alpha?: number;
  /** Piece length in steps for the ESD test. Default `max(2 · longest period, 100)`. */
  readonly window?: number;
  /** Running-median span (odd, steps) of the robust level. Default `7 · shortest period + 1`, else 15. */
  readonly levelWindow?: number;
  /** `log1p` (default, for counts) or `none`. */
  readonly transform?: 'log1p' | 'none';
  /** Points not to test and not to learn from (gaps, stuck values): true = excluded. */
  readonly exclude?: readonly boolean[];
  /**
   * Hysteresis: a flagged burst grows over neighbours whose robust z (same sign) is at least this.
   * Default 3.
   */
  readonly extendZ?: number;
  /**
   * Known effects on the transformed scale (e.g. public holidays), aligned with the input: removed before
   * the decomposition and added back to `fit` and `seasonal`, so they are expected, not anomalies.
   */
  readonly offset?: readonly number[];
  /**
   * Window lengths (steps) of the sustained-burst test ({@link sustainedBursts}): several periods each
   * moderately high (or low) where no single one passes the ESD. Default none.
   */
  readonly burstWindows?: readonly number[];
  /** Significance of the sustained-burst test over the whole series (both directions). Default 0.01. */
  readonly burstAlpha?: number;
  /** Robustness passes (outliers made gaps and filled as gaps, decomposition redone). Default 3; 1 = a single pass. */
  readonly robustPasses?: number;
}

/** Result of {@link shesd}; arrays are aligned with the input. */
export interface ShesdResult {
  /** Indices flagged as anomalous, increasing (after the hysteresis growth). */
  readonly anomalies: number[];
  /** Expected value on the transformed scale (seasonal + level). */
  readonly fit: number[];
  /** Seasonal part (sum over periods, plus `offset`) on the transformed scale. */
  readonly seasonal: number[];
  /** Robust level (running median of the deseasonalised series) on the transformed scale. */
  readonly level: number[];
  /** Transformed value minus `fit` (NaN at gaps and excluded points). */
  readonly residual: number[];
  /** Robust sd of the residual in each point's piece (with a Poisson floor for small counts under log1p). */
  readonly scale: number[];
  /** Transformed series used (gaps imputed). */
  readonly transformed: number[];
  readonly transform: 'log1p' | 'none';
}

/**
 * Seasonal Hybrid ESD on one series. Steps: gaps and excluded points imputed; log1p; MSTL seasonal
 * components; robust level = running median of (x − seasonal); residual = x − seasonal − level; points
 * with |robust z| > 5 become gaps, filled as gaps are (one short season back), and the decomposition is
 * redone, `robustPasses` times (so bursts and outages do not leak into the seasonal of the same hour on the
 * neighbouring days and weeks, where normal volume would then look like a burst); then per piece the hybrid
 * generalized ESD flags at most ⌊maxShare · piece⌋ points, and each flagged burst grows over neighbours with |z| ≥ `extendZ` of the same
 * sign. Returns empty `anomalies` when the series is too short (< 8 usable points) or constant.
 *
 * @example shesd(hourly, { periods: [24, 168] }).anomalies // => indices of the bursts
 */
export function shesd(y: readonly number[], options: ShesdOptions = {}): ShesdResult {
  const n = y.length;
  const transform = options.transform ?? 'log1p';
  const periods = options.periods ?? [];
  const exclude = options.exclude;
  const masked = y.map((v, i) => (exclude?.[i] || !Number.isFinite(v) ? Number.NaN : v));
  const tx = masked.map((v) => (transform === 'log1p' ? Math.log1p(Math.max(0, v)) : v));
  const usable = tx.filter((v) => !Number.isNaN(v)).length;
  const empty = (): ShesdResult => {
    const nan = new Array<number>(n).fill(Number.NaN);
    return {
      anomalies: [],
      fit: nan.slice(),
      seasonal: new Array<number>(n).fill(0),
      level: nan.slice(),
      residual: nan.slice(),
      scale: nan.slice(),
      transformed: tx,
      transform,
    };
  };
  if (usable < 8) return empty();
  const shortest = periods.length ? Math.min(...periods) : 0;
  const filled = impute(tx, shortest >= 2 ? [shortest] : []).values;
  const levelWindow = oddAtMost(
    options.levelWindow ?? (shortest >= 2 ? 7 * Math.round(shortest) + 1 : 15),
    n,
  );

  const offset = options.offset;
  const off = (i: number) => (offset && Number.isFinite(offset[i]) ? offset[i] : 0);
  let x = offset ? filled.map((v, i) => v - off(i)) : filled;
  let dec = decompose(x, periods, levelWindow);
  const x0 = x;
  const passes = options.robustPasses ?? 3;
  let s = Number.NaN;
  for (let pass = 0; pass < passes; pass++) {
    const r = x0.map((v, i) => (Number.isNaN(tx[i]) ? Number.NaN : v - dec.fit[i]));
    if (pass === 0) s = robustSd(r);
    if (!(s > 0)) break;
    // Gross outliers become gaps, filled as gaps are (the value one short season back), not by the fit:
    // the fit has already absorbed part of a deep outage into the seasonal of that hour, and the
    // seasonal smoother would spread that into the same hour of the neighbouring days and weeks, where
    // normal volume would then look like a burst.
    let changed = false;
    const holed = x0.map((v, i) => {
      if (Math.abs(r[i]) > 5 * s || Number.isNaN(tx[i])) {
        changed = changed || !Number.isNaN(tx[i]);
        return Number.NaN;
      }
      return v;
    });
    if (!changed) break;
    x = impute(holed, shortest >= 2 ? [shortest] : []).values;
    dec = decompose(x, periods, levelWindow);
  }
  const fit = offset ? dec.fit.map((v, i) => v + off(i)) : dec.fit;
  const residual = tx.map((v, i) => (Number.isNaN(v) ? Number.NaN : v - fit[i]));

  const longest = periods.length ? Math.max(...periods) : 0;
  const window = Math.max(8, Math.round(options.window ?? Math.max(2 * longest, 100)));
  const maxShare = options.maxShare ?? 0.02;
  const pieces: [number, number][] = [];
  for (let a = 0; a < n; a += window) pieces.push([a, Math.min(n, a + window)]);
  if (pieces.length > 1 && pieces[pieces.length - 1][1] - pieces[pieces.length - 1][0] < window / 2) {
    const tail = pieces.pop() as [number, number];
    pieces[pieces.length - 1][1] = tail[1];
  }
  const scale = new Array<number>(n).fill(Number.NaN);
  const flagged = new Set<number>();
  for (const [a, b] of pieces) {
    const r = residual.slice(a, b);
    // Per-point sd: Poisson part of var(log1p y) ≈ 1 / (1 + μ) (larger at night, in small series) plus
    // an extra part c² common to the piece (overdispersion, day-to-day noise), so that the robust sd of
    // r / sd is 1 over the piece.
    const pois: number[] = [];
    for (let i = a; i < b; i++) {
      const mu = Math.max(0, Math.expm1(fit[i]));
      pois.push(transform === 'log1p' ? 1 / (1 + Math.max(mu, 0.25)) : 0);
    }
    const rs = robustSd(r);
    let c2 = Math.max(0, rs * rs - median(pois));
    let sd = pois.map((p) => Math.sqrt(p + c2));
    const zr = r.map((v, j) => v / sd[j]);
    const zs = robustSd(zr);
    if (zs > 1) {
      c2 = c2 * zs * zs + median(pois) * (zs * zs - 1);
      sd = pois.map((p) => Math.sqrt(p + c2));
    }
    for (let i = a; i < b; i++) scale[i] = sd[i - a];
    if (!sd.some((v) => v > 0)) continue;
    const k = Math.max(1, Math.floor(maxShare * (b - a)));
    const zc = r.map((v, j) => (sd[j] > 0 ? v / sd[j] : Number.NaN));
    const mz = median(zc.filter((v) => !Number.isNaN(v)));
    const centred = zc.map((v) => v - mz);
    for (const j of generalizedEsd(centred, k, { alpha: options.alpha ?? 0.05, minScale: 1 }))
      flagged.add(a + j);
  }
  const z = residual.map((v, i) => v / scale[i]);
  if (options.burstWindows?.length) {
    // hours expecting fewer than 10 items are too discrete for a normal test of their mean z
    const counted = (i: number) => transform !== 'log1p' || Math.expm1(fit[i]) >= 10;
    for (const i of sustainedBursts(z, options.burstWindows, options.burstAlpha ?? 0.01, counted))
      flagged.add(i);
  }
  // Hysteresis growth of each burst.
  const extendZ = options.extendZ ?? 3;
  for (const i of [...flagged]) {
    const sign = Math.sign(z[i]);
    for (const step of [-1, 1]) {
      let j = i + step;
      while (j >= 0 && j < n && !flagged.has(j) && Math.sign(z[j]) === sign && Math.abs(z[j]) >= extendZ) {
        flagged.add(j);
        j += step;
      }
    }
  }
  return {
    anomalies: [...flagged].sort((a, b) => a - b),
    fit,
    seasonal: offset ? dec.seasonal.map((v, i) => v + off(i)) : dec.seasonal,
    level: dec.level,
    residual,
    scale,
    transformed: filled,
    transform,
  };
}

/**
 * Sustained bursts and dips that no single period shows (a viral post on a noisy queue: six hours each 2–4
 * robust sd high). For each window length k: the mean robust z over k consecutive periods, standardised by
 * the median and robust sd of all such means over the series (which absorb the residuals' autocorrelation),
 * tested at `alpha` split over the window lengths and every window (Bonferroni; overlapping windows make it
 * conservative). A significant window must also stand out from the nearer of the two neighbouring windows
 * of k by half its excess: a pulse, not the edge of a lasting level shift (PELT's business). Only windows
 * whose every period is finite and `eligible` are tested. Answers the periods of each significant window
 * whose z has its sign and is at least 1 in size.
 * @example sustainedBursts(noiseWithSixHighHours, [3, 6, 12], 0.05) // => the six indices
 */
export function sustainedBursts(
  z: readonly number[],
  windows: readonly number[],
  alpha: number,
  eligible: (i: number) => boolean = () => true,
): number[] {
  const n = z.length;
  const sum = new Float64Array(n + 1);
  const cnt = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(z[i]) && eligible(i);
    sum[i + 1] = sum[i] + (ok ? z[i] : 0);
    cnt[i + 1] = cnt[i] + (ok ? 1 : 0);
  }
  const usable = windows.map((k) => Math.round(k)).filter((k) => k >= 2 && 3 * k <= n);
  const out = new Set<number>();
  for (const k of usable) {
    const m = new Float64Array(n - k + 1);
    for (let t = 0; t + k <= n; t++) {
      const c = cnt[t + k] - cnt[t];
      m[t] = c === k ? (sum[t + k] - sum[t]) / k : Number.NaN;
    }
    const side = (t: number) => (t >= 0 && t < m.length ? m[t] : Number.NaN);
    const finite = Array.from(m).filter((v) => !Number.isNaN(v));
    const centre = median(finite);
    const spread = robustSd(finite);
    if (!(spread > 0)) continue;
    // every window is a test (they overlap, so this is conservative)
    const threshold = normalQuantile(1 - alpha / (2 * usable.length * m.length));
    for (let t = 0; t < m.length; t++) {
      const c = (m[t] - centre) / spread;
      if (!(Math.abs(c) > threshold)) continue;
      const sign = Math.sign(c);
      // a pulse, not a step: the window stands out from the nearer of its neighbours by half its excess
      const sides = [side(t - k), side(t + k)].filter((v) => !Number.isNaN(v));
      const nearest = Math.max(...sides.map((v) => sign * (v - centre)));
      if (sides.length > 0 && sign * (m[t] - centre) - nearest < 0.5 * sign * (m[t] - centre)) continue;
      for (let j = t; j < t + k; j++) if (sign * z[j] >= 1) out.add(j);
    }
  }
  return [...out].sort((a, b) => a - b);
}

function decompose(x: readonly number[], periods: readonly number[], levelWindow: number) {
  const n = x.length;
  let seasonal = new Array<number>(n).fill(0);
  const usable = periods.filter((p) => Math.round(p) >= 2 && Math.round(p) < n / 2);
  if (usable.length > 0) {
    const m = mstlDecompose(x, usable);
    seasonal = seasonal.map((_, i) => m.seasonals.reduce((a, c) => a + c.values[i], 0));
  }
  const deseason = x.map((v, i) => v - seasonal[i]);
  const level = runningMedian(deseason, levelWindow);
  return { seasonal, level, fit: level.map((l, i) => l + seasonal[i]) };
}

/** 1.4826 · MAD around the median, ignoring NaN. */
export function robustSd(x: readonly number[]): number {
  const v = x.filter((u) => !Number.isNaN(u));
  if (v.length === 0) return Number.NaN;
  const m = median(v);
  return 1.4826 * median(v.map((u) => Math.abs(u - m)));
}

function oddAtMost(w: number, n: number): number {
  let k = Math.max(1, Math.round(w));
  if (k % 2 === 0) k++;
  while (k > n && k > 1) k -= 2;
  return k;
}

/**
 * Centred running median of odd span `w` (shrinking to the available points at the ends), O(n·w) with a
 * sorted window. NaN must not occur.
 * @example runningMedian([1, 9, 2, 3, 4], 3) // => [5, 2, 3, 3, 3.5]
 */
export function runningMedian(x: readonly number[], w: number): number[] {
  const n = x.length;
  const h = Math.floor(w / 2);
  const out = new Array<number>(n);
  const win: number[] = [];
  const insert = (v: number) => {
    let lo = 0;
    let hi = win.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (win[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    win.splice(lo, 0, v);
  };
  const remove = (v: number) => {
    let lo = 0;
    let hi = win.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (win[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    win.splice(lo, 1);
  };
  let a = 0;
  let b = 0; // window is x[a..b)
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - h);
    const hi = Math.min(n, i + h + 1);
    while (b < hi) insert(x[b++]);
    while (a < lo) remove(x[a++]);
    const m = win.length;
    out[i] = m % 2 === 1 ? win[(m - 1) >> 1] : (win[m / 2 - 1] + win[m / 2]) / 2;
  }
  return out;
}
