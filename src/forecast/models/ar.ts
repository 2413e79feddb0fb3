import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { ModcapError } from '../../errors.ts';
import { checkLevels, zForLevel } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Model } from '../types.ts';

/** Options of {@link ar}. */
export interface ArOptions {
  /** Short lags 1..p (default: the shortest seasonal period, capped at 24; 3 without periods). */
  readonly p?: number;
  /** Seasonal lags kept around each period m: m−1, m, m+1 and the same at 2m (default true). */
  readonly seasonalLags?: boolean;
  /** Ridge penalty relative to the mean diagonal of XᵀX (default 1e-3). */
  readonly ridge?: number;
  /** Fit on log1p(y) (default true: seasonal effects of counts are multiplicative). */
  readonly log?: boolean;
  /** Use only the most recent `window` points for fitting (default: all). */
  readonly window?: number;
}

/**
 * Seasonal autoregression fitted by ridge regression: log1p(y[t]) on an intercept, the short lags
 * 1..p and the lags m−1, m, m+1, 2m−1, 2m, 2m+1 of each seasonal period m. Forecasts are recursive.
 * Intervals come from the AR's ψ-weights on the log scale (Box & Jenkins: Var_k = σ² Σ_{j<k} ψ_j²),
 * mapped back with expm1 and clipped at zero.
 *
 * @throws ModcapError SERIES_TOO_SHORT when fewer than 2·(max lag) + 10 points are given
 * @example ar().fit(y, { periods: [24, 168] }).predict(48).point
 */
export function ar(opts: ArOptions = {}): Model {
  const useLog = opts.log ?? true;
  const ridge = opts.ridge ?? 1e-3;
  return {
    name: `ar${opts.p ? `(${opts.p})` : ''}`,
    fit(y, options = {}) {
      const periods = (options.periods ?? []).map((m) => Math.round(m)).filter((m) => m > 1);
      const p = opts.p ?? (periods.length ? Math.min(periods[0], 24) : 3);
      const lagSet = new Set<number>();
      for (let l = 1; l <= p; l++) lagSet.add(l);
      let n0 = y.length;
      if (opts.seasonalLags ?? true) {
        for (const m of periods) {
          for (const mult of [1, 2]) {
            for (const d of [-1, 0, 1]) {
              const l = mult * m + d;
              if (l > 0 && 2 * l + 10 <= n0) lagSet.add(l);
            }
          }
        }
      }
      const lags = [...lagSet].sort((a, b) => a - b);
      const maxLag = lags[lags.length - 1];
      const start = opts.window ? Math.max(0, y.length - opts.window - maxLag) : 0;
      const z = y.slice(start).map((v) => (useLog ? Math.log1p(Math.max(0, v)) : v));
      n0 = z.length;
      const w = options.weights?.slice(start);
      if (n0 < maxLag + lags.length + 10) {
        throw new ModcapError(
          'SERIES_TOO_SHORT',
          `ar needs at least ${maxLag + lags.length + 10} points, got ${n0}`,
        );
      }
      const k = lags.length + 1;
      // normal equations in one pass
      const xtx = new Float64Array(k * k);
      const xty = new Float64Array(k);
      const row = new Float64Array(k);
      for (let t = maxLag; t < n0; t++) {
        const wt = w ? w[t] : 1;
        if (!wt) continue;
        row[0] = 1;
        for (let j = 0; j < lags.length; j++) row[j + 1] = z[t - lags[j]];
        for (let a = 0; a < k; a++) {
          const ra = row[a] * wt;
          xty[a] += ra * z[t];
          for (let b = a; b < k; b++) xtx[a * k + b] += ra * row[b];
        }
      }
      let diag = 0;
      for (let a = 1; a < k; a++) diag += xtx[a * k + a];
      const lambda = (ridge * diag) / Math.max(1, k - 1);
      const A = new Matrix(k, k);
      for (let a = 0; a < k; a++) {
        for (let b = a; b < k; b++) {
          A.set(a, b, xtx[a * k + b]);
          A.set(b, a, xtx[a * k + b]);
        }
        if (a > 0) A.set(a, a, A.get(a, a) + lambda + 1e-12);
      }
      A.set(0, 0, A.get(0, 0) + 1e-9);
      const chol = new CholeskyDecomposition(A);
      if (!chol.isPositiveDefinite()) throw new ModcapError('MODEL_FIT', 'ar: singular normal equations');
      const beta = chol.solve(Matrix.columnVector(Array.from(xty))).to1DArray();

      const fittedZ = new Array<number>(n0).fill(Number.NaN);
      let ss = 0;
      let cnt = 0;
      for (let t = maxLag; t < n0; t++) {
        let f = beta[0];
        for (let j = 0; j < lags.length; j++) f += beta[j + 1] * z[t - lags[j]];
        fittedZ[t] = f;
        if (w && !w[t]) continue;
        ss += (z[t] - f) ** 2;
        cnt++;
      }
      const sigma = Math.sqrt(ss / Math.max(1, cnt - k));
      const back = (v: number) => (useLog ? Math.max(0, Math.expm1(v)) : Math.max(0, v));
      const fitted = new Array<number>(start)
        .fill(Number.NaN)
        .concat(fittedZ.map((v) => (Number.isNaN(v) ? v : back(v))));
      const history = z.slice(-maxLag);

      const model = `ar(lags=${lags.join(',')}${useLog ? ',log' : ''})`;
      const result: Fitted = {
        model,
        params: { lags, coefficients: beta, sigma, ridge: lambda, log: useLog },
        fitted,
        predict(h, predictOptions = {}) {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          const buf = history.slice();
          const path: number[] = [];
          for (let s = 0; s < h; s++) {
            const t = buf.length;
            let f = beta[0];
            for (let j = 0; j < lags.length; j++) f += beta[j + 1] * buf[t - lags[j]];
            buf.push(f);
            path.push(f);
          }
          // ψ-weights of the AR polynomial
          const psi = [1];
          for (let j = 1; j < h; j++) {
            let s = 0;
            for (let i = 0; i < lags.length; i++) if (lags[i] <= j) s += beta[i + 1] * psi[j - lags[i]];
            psi.push(s);
          }
          const sds: number[] = [];
          let acc = 0;
          for (let j = 0; j < h; j++) {
            acc += psi[j] * psi[j];
            sds.push(sigma * Math.sqrt(acc));
          }
          const point = path.map(back);
          const intervals = levels.map((level) => {
            const zq = zForLevel(level);
            return {
              level,
              lower: path.map((v, i) => Math.min(point[i], back(v - zq * sds[i]))),
              upper: path.map((v, i) => Math.max(point[i], back(v + zq * sds[i]))),
            };
          });
          return { point, intervals };
        },
      };
      return result;
    },
  };
}
