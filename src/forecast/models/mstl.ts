import { ModcapError } from '../../errors.ts';
import { mstlDecompose } from '../decompose/mstl.ts';
import { seasonalStrength } from '../decompose/strength.ts';
import { checkLevels, zForLevel } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Forecast, type Model } from '../types.ts';

/** Options of {@link mstl}. */
export interface MstlModelOptions {
  /** Seasonal periods in steps; default the `periods` of the fit options (none → trend model only). */
  readonly periods?: readonly number[];
  /** Model for the seasonally adjusted series (trend + remainder). Default {@link holtDamped}`()`. */
  readonly trend?: Model;
  /** How each seasonal component is carried forward. Only `'naive'`: its last cycle, repeated. */
  readonly seasonalForecast?: 'naive';
  /** `'log1p'` decomposes log(1 + y) and back-transforms with expm1 (median forecast). Default `'none'`. */
  readonly transform?: 'log1p' | 'none';
  /** Seasonal loess spans, as in R's `mstl` (default 11, 15, 19, … shortest period first). */
  readonly sWindow?: number | readonly number[];
  /** MSTL passes. Default 2. */
  readonly iterate?: number;
}

/**
 * MSTL forecaster (Bandara, Hyndman & Bergmeir 2021; R `forecast::stlf` / `forecast.mstl`): decompose
 * y into trend + one seasonal per period + remainder ({@link mstlDecompose}), fit the `trend` model
 * to the seasonally adjusted series (trend + remainder), forecast it, and add each seasonal component's
 * last cycle repeated (seasonal naive of each component).
 *
 * Intervals: the trend model's half-widths (per side; a clipped lower side is mirrored from the upper),
 * widened in quadrature by the seasonal components' own uncertainty — the variance of each component's
 * one-cycle change `S[t] − S[t−m]`, times the number of cycles ahead ⌈k/m⌉ — then back-transformed and
 * clipped at 0. If the adjusted series has values ≤ 0 it is shifted up before the trend model sees it
 * (and back after), so that a model that clips at 0 cannot bias the sum.
 *
 * `params` reports the periods used (and dropped), each seasonal's strength (1 − var(R)/var(S+R)),
 * the trend model's name and params, the transform and the shift.
 *
 * @throws ModcapError SERIES_TOO_SHORT with fewer than 3 points; BAD_ARGUMENT on non-finite input, or
 *   negative input with `transform: 'log1p'`; the trend model's own errors
 * @example mstl({ periods: [24, 168] }).fit(y).predict(48, { levels: [80] }).point.length // => 48
 */
export function mstl(options: MstlModelOptions = {}): Model {
  const trendModel = options.trend ?? holtDamped();
  const transform = options.transform ?? 'none';
  const base = options.periods ? `mstl(${options.periods.join(',')})` : 'mstl';
  const name = `${base}+${trendModel.name}${transform === 'log1p' ? '[log1p]' : ''}`;
  return {
    name,
    fit(y, fitOptions = {}) {
      const n = y.length;
      if (n < 3)
        throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least 3 points, got ${n}`, { n });
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(y[i]))
          throw new ModcapError('BAD_ARGUMENT', `${name}: non-finite value at ${i}`, {
            index: i,
            value: y[i],
          });
        if (transform === 'log1p' && y[i] < 0)
          throw new ModcapError('BAD_ARGUMENT', `${name}: log1p needs y ≥ 0, got ${y[i]} at ${i}`, {
            index: i,
            value: y[i],
          });
      }
      const periods = options.periods ?? fitOptions.periods ?? [];
      const x = transform === 'log1p' ? y.map(Math.log1p) : y.slice();
      const dec = mstlDecompose(x, periods, { sWindow: options.sWindow, iterate: options.iterate });
      const adj = dec.trend.map((t, i) => t + dec.remainder[i]);
      let minAdj = Number.POSITIVE_INFINITY;
      let maxAdj = Number.NEGATIVE_INFINITY;
      for (const v of adj) {
        minAdj = Math.min(minAdj, v);
        maxAdj = Math.max(maxAdj, v);
      }
      const shift = minAdj <= 0 ? -minAdj + 0.1 * (maxAdj - minAdj) + 1 : 0;
      const trendFit = trendModel.fit(
        adj.map((v) => v + shift),
        { ...fitOptions, periods: [] },
      );
      const seasonals = dec.seasonals.map((s) => {
        let ss = 0;
        let cnt = 0;
        for (let t = s.period; t < n; t++) {
          ss += (s.values[t] - s.values[t - s.period]) ** 2;
          cnt++;
        }
        return {
          period: s.period,
          values: s.values,
          changeVar: cnt > 0 ? ss / cnt : 0,
          strength: seasonalStrength(s.values, dec.remainder),
        };
      });
      const back = (v: number) => (transform === 'log1p' ? Math.expm1(v) : v);
      const fitted = trendFit.fitted.map((f, t) => {
        let s = f - shift;
        for (const c of seasonals) s += c.values[t];
        return back(s);
      });
      const result: Fitted = {
        model: `mstl(${seasonals.map((s) => s.period).join(',')})+${trendFit.model}${transform === 'log1p' ? '[log1p]' : ''}`,
        params: {
          periods: seasonals.map((s) => s.period),
          droppedPeriods: dec.dropped,
          strength: Object.fromEntries(seasonals.map((s) => [String(s.period), s.strength])),
          trendModel: trendFit.model,
          trendParams: trendFit.params,
          transform,
          shift,
        },
        fitted,
        predict(h, predictOptions = {}) {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          if (!(Number.isInteger(h) && h >= 1))
            throw new ModcapError('BAD_ARGUMENT', `horizon must be a positive integer, got ${h}`, { h });
          // ask the trend model for every level at once, ascending, to keep nesting
          const order = [...new Set(levels)].sort((a, b) => a - b);
          const tf = trendFit.predict(h, { levels: order });
          const seas = new Array<number>(h).fill(0);
          const seasVar = new Array<number>(h).fill(0);
          for (const c of seasonals) {
            for (let k = 1; k <= h; k++) {
              const cycles = Math.ceil(k / c.period);
              seas[k - 1] += c.values[n + k - 1 - c.period * cycles];
              seasVar[k - 1] += c.changeVar * cycles;
            }
          }
          const centre = tf.point.map((p, k) => p - shift + seas[k]);
          const point = centre.map((v) => Math.max(0, back(v)));
          const byLevel = new Map<number, { lower: number[]; upper: number[] }>();
          const prevLo = new Array<number>(h).fill(0);
          const prevHi = new Array<number>(h).fill(0);
          for (const level of order) {
            const iv = tf.intervals.find((i) => i.level === level);
            const z = zForLevel(level);
            const lower: number[] = [];
            const upper: number[] = [];
            for (let k = 0; k < h; k++) {
              const p = tf.point[k];
              const du = iv ? Math.max(0, iv.upper[k] - p) : 0;
              const dlRaw = iv ? p - iv.lower[k] : 0;
              const dl = iv && iv.lower[k] > 0 ? Math.max(0, dlRaw) : Math.max(du, dlRaw);
              const sv = z * z * seasVar[k];
              const wLo = Math.max(prevLo[k], Math.sqrt(dl * dl + sv));
              const wHi = Math.max(prevHi[k], Math.sqrt(du * du + sv));
              prevLo[k] = wLo;
              prevHi[k] = wHi;
              lower.push(Math.min(point[k], Math.max(0, back(centre[k] - wLo))));
              upper.push(Math.max(point[k], Math.max(0, back(centre[k] + wHi))));
            }
            byLevel.set(level, { lower, upper });
          }
          const forecast: Forecast = {
            point,
            intervals: levels.map((level) => {
              const b = byLevel.get(level)!;
              return { level, lower: b.lower.slice(), upper: b.upper.slice() };
            }),
          };
          return forecast;
        },
      };
      return result;
    },
  };
}

/** Options of {@link holtDamped}. */
export interface HoltOptions {
  /** Damped trend (φ in [0.8, 0.98]); false gives Holt's linear trend (φ = 1). Default true. */
  readonly damped?: boolean;
}

/**
 * Holt's (damped) linear trend method as the additive-error state space model ETS(A,Ad,N) (Hyndman,
 * Koehler, Ord & Snyder 2008): `ŷ = ℓ + φb`, `ℓ ← ℓ + φb + αe`, `b ← φb + βe`, 0 < β < α < 1, φ in
 * [0.8, 0.98]. α, β, φ minimise the in-sample SSE by Nelder–Mead; the initial level and slope come from
 * a least-squares line through the first (up to 24) points. Intervals: σ²(1 + Σ_{j<k} c_j²) with
 * c_j = α + β(φ + … + φ^j) (Hyndman et al. 2008, Table 6.1), normal, clipped at 0.
 *
 * This is the default trend model of {@link mstl} until `ets()` is wired in; it knows nothing of seasons.
 *
 * @throws ModcapError SERIES_TOO_SHORT with fewer than 3 points
 * @example holtDamped().fit([1, 2, 3, 4, 5, 6]).predict(1).point[0] // ≈ 7 (a little less: damped)
 */
export function holtDamped(options: HoltOptions = {}): Model {
  const damped = options.damped ?? true;
  const name = damped ? 'holt(damped)' : 'holt';
  return {
    name,
    fit(y) {
      const n = y.length;
      if (n < 3)
        throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least 3 points, got ${n}`, { n });
      const k0 = Math.min(n, 24);
      const line = leastSquaresLine(y, k0);
      const l0 = line.intercept - line.slope;
      const b0 = line.slope;
      const decode = (u: readonly number[]) => {
        const alpha = 1e-4 + (0.9999 - 1e-4) * logistic(u[0]);
        const beta = 1e-4 + (alpha - 1e-4) * logistic(u[1]);
        const phi = damped ? 0.8 + 0.18 * logistic(u[2]) : 1;
        return { alpha, beta, phi };
      };
      const sse = (u: readonly number[]) => {
        const p = decode(u);
        return holtRun(y, p.alpha, p.beta, p.phi, l0, b0, undefined).sse;
      };
      const start = [logit(0.3), logit(0.1), damped ? logit((0.95 - 0.8) / 0.18) : 0];
      const best = nelderMead(sse, start, damped ? 3 : 2, 400);
      const p = decode(best);
      const fitted = new Array<number>(n);
      const run = holtRun(y, p.alpha, p.beta, p.phi, l0, b0, fitted);
      const nParams = damped ? 5 : 4;
      const sigma = Math.sqrt(run.sse / Math.max(1, n - nParams));
      const { level, slope } = run;
      return {
        model: name,
        params: { alpha: p.alpha, beta: p.beta, phi: p.phi, level, slope, sigma },
        fitted,
        predict(h, predictOptions = {}) {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          const point: number[] = [];
          const sds: number[] = [];
          let phiH = 0;
          let sumC2 = 0;
          let phiJ = 0;
          for (let k = 1; k <= h; k++) {
            phiH += p.phi ** k;
            point.push(level + phiH * slope);
            sds.push(sigma * Math.sqrt(1 + sumC2));
            phiJ += p.phi ** k;
            const c = p.alpha + p.beta * phiJ;
            sumC2 += c * c;
          }
          return {
            point: point.map((v) => Math.max(0, v)),
            intervals: levels.map((lv) => {
              const z = zForLevel(lv);
              return {
                level: lv,
                lower: point.map((v, i) => Math.min(Math.max(0, v), Math.max(0, v - z * sds[i]))),
                upper: point.map((v, i) => Math.max(0, v + z * sds[i])),
              };
            }),
          };
        },
      };
    },
  };
}

function holtRun(
  y: readonly number[],
  alpha: number,
  beta: number,
  phi: number,
  l0: number,
  b0: number,
  fitted: number[] | undefined,
): { sse: number; level: number; slope: number } {
  let l = l0;
  let b = b0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const f = l + phi * b;
    if (fitted) fitted[t] = f;
    const e = y[t] - f;
    sse += e * e;
    l = f + alpha * e;
    b = phi * b + beta * e;
  }
  return { sse, level: l, slope: b };
}

function leastSquaresLine(y: readonly number[], k: number): { intercept: number; slope: number } {
  let sx = 0;
  let sy = 0;
  for (let t = 0; t < k; t++) {
    sx += t;
    sy += y[t];
  }
  const mx = sx / k;
  const my = sy / k;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < k; t++) {
    sxy += (t - mx) * (y[t] - my);
    sxx += (t - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

function logistic(u: number): number {
  return 1 / (1 + Math.exp(-u));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Minimal Nelder–Mead simplex minimiser over the first `dim` coordinates of `start` (the rest stay
 * fixed), standard coefficients (1, 2, 0.5, 0.5), at most `maxEval` evaluations.
 */
function nelderMead(
  f: (u: readonly number[]) => number,
  start: readonly number[],
  dim: number,
  maxEval: number,
) {
  const pts: number[][] = [start.slice()];
  for (let i = 0; i < dim; i++) {
    const p = start.slice();
    p[i] += 0.5;
    pts.push(p);
  }
  let vals = pts.map(f);
  let evals = pts.length;
  const centroid = (skip: number) => {
    const c = start.slice();
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let i = 0; i <= dim; i++) if (i !== skip) s += pts[i][j];
      c[j] = s / dim;
    }
    return c;
  };
  const along = (c: number[], p: number[], t: number) => c.map((v, j) => (j < dim ? v + t * (p[j] - v) : v));
  while (evals < maxEval) {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    const sortedPts = idx.map((i) => pts[i]);
    vals = idx.map((i) => vals[i]);
    for (let i = 0; i <= dim; i++) pts[i] = sortedPts[i];
    if (Math.abs(vals[dim] - vals[0]) <= 1e-10 * (Math.abs(vals[0]) + 1e-12)) break;
    const c = centroid(dim);
    const xr = along(c, pts[dim], -1);
    const fr = f(xr);
    evals++;
    if (fr < vals[0]) {
      const xe = along(c, pts[dim], -2);
      const fe = f(xe);
      evals++;
      if (fe < fr) {
        pts[dim] = xe;
        vals[dim] = fe;
      } else {
        pts[dim] = xr;
        vals[dim] = fr;
      }
    } else if (fr < vals[dim - 1]) {
      pts[dim] = xr;
      vals[dim] = fr;
    } else {
      const outside = fr < vals[dim];
      const xc = along(c, outside ? xr : pts[dim], 0.5);
      const fc = f(xc);
      evals++;
      if (fc < (outside ? fr : vals[dim])) {
        pts[dim] = xc;
        vals[dim] = fc;
      } else {
        for (let i = 1; i <= dim; i++) {
          pts[i] = along(pts[0], pts[i], 0.5);
          vals[i] = f(pts[i]);
          evals++;
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= dim; i++) if (vals[i] < vals[bi]) bi = i;
  return pts[bi];
}
