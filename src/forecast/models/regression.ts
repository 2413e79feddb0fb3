import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { ModcapError } from '../../errors.ts';
import { checkLevels, zForLevel } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Model, type Regressors } from '../types.ts';

/** Prior scales (standard deviations of the Gaussian priors) per block, on the (scaled) transformed scale. */
export interface RegressionPriorScales {
  /** Slope change at each changepoint, in transformed units per whole history length (default 0.3). */
  readonly changepoint?: number;
  /** Each Fourier coefficient (default 1). */
  readonly seasonality?: number;
  /** Events and pooled holiday / holiday-window columns (default 1). */
  readonly regressor?: number;
  /** Per-holiday-name deviations from the pooled holiday effect, `holiday:<CC>:<name>` (default 0.3). */
  readonly holidayName?: number;
}

/** Options of {@link regression}. */
export interface RegressionOptions {
  /** Seasonal periods in steps; default `FitOptions.periods`. */
  readonly periods?: readonly number[];
  /** Fourier order per period (same order as `periods`), or a rule; default {@link defaultFourierOrder}. */
  readonly fourierOrders?: readonly number[] | ((period: number) => number);
  /** `log1p` (default: seasonality and event effects of counts are multiplicative) or `none`. */
  readonly transform?: 'log1p' | 'none';
  /**
   * Back-transform the point as the mean `expm1(μ + s²/2)` instead of the median `expm1(μ)` (default false:
   * the point is the median, consistent with the intervals' quantiles).
   */
  readonly biasAdjust?: boolean;
  /** Number of potential changepoints (default 25, fewer on short series). */
  readonly changepoints?: number;
  /** Share of history the changepoints are spread over (default 0.8). */
  readonly changepointRange?: number;
  readonly priorScales?: RegressionPriorScales;
  /** Widen intervals for future trend changes (default true). */
  readonly trendUncertainty?: boolean;
  /** Fit only periods with at least this many cycles of history (default 1.9). */
  readonly minCycles?: number;
}

const YEARLY = [52.1775, 365.25, 8766];

/**
 * Default Fourier order by period length (Prophet's orders where it has them): yearly periods (52.18 weeks,
 * 365.25 days, 8766 hours, ±3 %) → 10; periods ≤ 8 steps (weekly on daily data) → 3; periods ≤ 30 (daily on
 * hourly data) → 8; longer (weekly on hourly data) → 8; always below period / 2 so no column is degenerate.
 * @example defaultFourierOrder(7) // => 3
 */
export function defaultFourierOrder(period: number): number {
  const cap = Math.max(1, Math.floor((period - 1) / 2));
  let order: number;
  if (YEARLY.some((y) => Math.abs(period / y - 1) < 0.03)) order = 10;
  else if (period <= 8) order = 3;
  else order = 8;
  return Math.min(order, cap);
}

interface Block {
  readonly period: number;
  readonly order: number;
  readonly offset: number;
}

/**
 * A Prophet-like regression, fitted in milliseconds by penalised weighted least squares:
 *
 *   z = transform(y) = a + b·t + Σ_k δ_k·(t − c_k)₊ + Σ_p Fourier_p(order_p) + Σ_j β_j·x_j + ε,
 *
 * with `t` in history lengths (0 … 1), K changepoints `c_k` evenly over the first `changepointRange` of history,
 * Fourier terms per seasonal period on the step index, and the regressors of `FitOptions.regressors` (events,
 * holidays; see `buildRegressors`). Every coefficient has a Gaussian prior (ridge) with a scale per block:
 * changepoint slope changes the tightest (0.3), seasonality and regressors weak (1), per-holiday-name deviations
 * 0.3; intercept and base slope essentially free. The penalty is λ = σ²·f / τ² (the MAP of the prior), with σ²
 * the residual variance of a first pass and f = (1 + ρ₁)/(1 − ρ₁) the inflation for lag-1 autocorrelation ρ₁ of
 * the residuals (hourly residuals are far from independent; without it long series would make the priors
 * vanish and the trend chase noise). The normal equations XᵀWX + Λ are accumulated in one pass over rows,
 * using only non-zero features, and solved by Cholesky (ml-matrix); `FitOptions.weights` weight the rows
 * (0 = ignored). NaN values of `y` get weight 0.
 *
 * Intervals: normal on the transformed scale with variance σ² (residual, df-corrected) plus, for trend
 * uncertainty, ρ·v·s³/3 (future slope changes arriving at the history's changepoint rate ρ with the mean square
 * of the fitted changes v, over s history lengths ahead), back-transformed by quantile (`expm1`), clipped at 0.
 * The point is the back-transformed median (see `biasAdjust`). `fitted` holds in-sample fitted values (not
 * one-step-ahead). `params.effects` gives each regressor's relative effect `exp(β) − 1` (log1p; with `none`,
 * β / mean level), `params.holidayEffects` the effect of each named holiday (pooled + its deviation).
 *
 * @throws ModcapError SERIES_TOO_SHORT on empty input; BAD_ARGUMENT on negative values (log1p), weights or
 * regressors of the wrong length
 * @example regression().fit(y, { periods: [24, 168], regressors: set.fitOptions }).predict(168).point
 */
export function regression(opts: RegressionOptions = {}): Model {
  const transform = opts.transform ?? 'log1p';
  const name = `regression(${transform})`;
  const scales = {
    changepoint: opts.priorScales?.changepoint ?? 0.3,
    seasonality: opts.priorScales?.seasonality ?? 1,
    regressor: opts.priorScales?.regressor ?? 1,
    holidayName: opts.priorScales?.holidayName ?? 0.3,
  };
  return {
    name,
    fit(y, options = {}) {
      const n = y.length;
      if (n === 0) throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least 1 point, got 0`);
      // ---- weights and transformed response
      const w = new Float64Array(n);
      const z = new Float64Array(n);
      if (options.weights && options.weights.length !== n)
        throw new ModcapError('BAD_ARGUMENT', `weights has ${options.weights.length} entries, y has ${n}`);
      for (let i = 0; i < n; i++) {
        const wi = options.weights ? options.weights[i] : 1;
        if (!(wi >= 0))
          throw new ModcapError('BAD_ARGUMENT', `weight ${i} is ${wi}, expected >= 0`, { value: wi });
        const v = y[i];
        if (Number.isNaN(v) || wi === 0) continue;
        if (transform === 'log1p' && v < 0)
          throw new ModcapError('BAD_ARGUMENT', `${name} needs non-negative values; y[${i}] = ${v}`, {
            value: v,
          });
        w[i] = wi;
        z[i] = transform === 'log1p' ? Math.log1p(v) : v;
      }
      let wSum = 0;
      for (let i = 0; i < n; i++) wSum += w[i];
      if (wSum === 0) throw new ModcapError('SERIES_TOO_SHORT', `${name}: every point has weight 0`);
      let scale = 1;
      if (transform === 'none') {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i] * Math.abs(z[i]);
        scale = s / wSum > 0 ? s / wSum : 1;
        for (let i = 0; i < n; i++) z[i] /= scale;
      }

      // ---- design
      const tDen = Math.max(1, n - 1);
      const range = opts.changepointRange ?? 0.8;
      const lastCp = Math.floor(range * (n - 1));
      const K = Math.max(0, Math.min(opts.changepoints ?? 25, lastCp - 1));
      const cpIndex: number[] = [];
      for (let k = 1; k <= K; k++) cpIndex.push(Math.round((k * lastCp) / (K + 1)));
      const cpT = cpIndex.map((c) => c / tDen);
      const periods = (opts.periods ?? options.periods ?? []).filter((p) => p >= 2);
      const minCycles = opts.minCycles ?? 1.9;
      const blocks: Block[] = [];
      let p = 2 + K;
      periods.forEach((period, j) => {
        if (n < minCycles * period) return;
        const o =
          typeof opts.fourierOrders === 'function'
            ? opts.fourierOrders(period)
            : (opts.fourierOrders?.[j] ?? defaultFourierOrder(period));
        const order = Math.max(0, Math.min(Math.floor(o), Math.floor((period - 1) / 2) || 1));
        if (order === 0) return;
        blocks.push({ period, order, offset: p });
        p += 2 * order;
      });
      const reg = options.regressors?.history;
      const regOffset = p;
      const regKeep: number[] = [];
      const dropped: string[] = [];
      if (reg) {
        if (reg.columns.length !== reg.names.length)
          throw new ModcapError('BAD_ARGUMENT', 'regressors: names and columns differ in length');
        reg.columns.forEach((col, j) => {
          if (col.length !== n)
            throw new ModcapError(
              'BAD_ARGUMENT',
              `regressor ${reg.names[j]} has ${col.length} values, y has ${n}`,
            );
          let any = false;
          for (let i = 0; i < n && !any; i++) if (w[i] > 0 && col[i] !== 0) any = true;
          if (any) regKeep.push(j);
          else dropped.push(reg.names[j]);
        });
      }
      p += regKeep.length;
      const regNames = regKeep.map((j) => reg!.names[j]);
      const regCols = regKeep.map((j) => reg!.columns[j]);

      // ---- one pass: XᵀWX (upper triangle) and XᵀWz over non-zero features
      const design: Design = { tDen, K, cpT, blocks, regOffset };
      const idx = new Int32Array(p);
      const val = new Float64Array(p);
      const row = (i: number, cols: readonly (readonly number[])[], at: number): number =>
        fillRow(design, i, cols, at, idx, val);
      const G = new Float64Array(p * p);
      const rhs = new Float64Array(p);
      // Dense columns (trend, changepoints, Fourier) are gathered in column-major chunks of CHUNK rows and
      // reduced column pair by column pair; sparse regressors are added row by row where they are non-zero.
      const d = regOffset;
      const X = new Float64Array(d * CHUNK);
      const XW = new Float64Array(d * CHUNK);
      let c = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        const m = row(i, regCols, i);
        let firstReg = m;
        for (let q = 0; q < m; q++) {
          const ia = idx[q];
          const v = val[q];
          rhs[ia] += wi * v * z[i];
          if (ia < d) {
            X[ia * CHUNK + c] = v;
            XW[ia * CHUNK + c] = wi * v;
          } else if (firstReg === m) firstReg = q;
        }
        if (firstReg < m) accumulateSparse(G, p, idx, val, firstReg, m, wi);
        if (++c === CHUNK) {
          accumulateDense(G, p, X, XW, d, c);
          X.fill(0);
          XW.fill(0);
          c = 0;
        }
      }
      if (c > 0) accumulateDense(G, p, X, XW, d, c);
      for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) G[b * p + a] = G[a * p + b];

      // ---- prior scale per coefficient
      const tau = new Float64Array(p);
      tau[0] = Number.POSITIVE_INFINITY;
      tau[1] = 10;
      for (let k = 0; k < K; k++) tau[2 + k] = scales.changepoint;
      for (const b of blocks) for (let q = 0; q < 2 * b.order; q++) tau[b.offset + q] = scales.seasonality;
      regNames.forEach((nm, j) => {
        tau[regOffset + j] = isHolidayNameColumn(nm) ? scales.holidayName : scales.regressor;
      });

      let zMean = 0;
      for (let i = 0; i < n; i++) zMean += w[i] * z[i];
      zMean /= wSum;
      let zVar = 0;
      for (let i = 0; i < n; i++) zVar += w[i] * (z[i] - zMean) ** 2;
      zVar /= wSum;
      const sigmaFloor = 1e-10 + 1e-8 * zVar;
      let diagMean = 0;
      for (let a = 0; a < p; a++) diagMean += G[a * p + a];
      diagMean /= p;
      const jitter = 1e-10 * Math.max(diagMean, 1);

      const solveWith = (sigma2: number, inflation: number) => {
        const A = new Matrix(p, p);
        for (let a = 0; a < p; a++)
          for (let b = 0; b < p; b++) {
            let v = G[a * p + b];
            if (a === b)
              v += jitter + (Number.isFinite(tau[a]) ? (sigma2 * inflation) / (tau[a] * tau[a]) : 0);
            A.set(a, b, v);
          }
        const B = Matrix.columnVector(Array.from(rhs));
        const chol = new CholeskyDecomposition(A);
        const beta = chol.isPositiveDefinite() ? chol.solve(B) : solve(A, B, true);
        return { A, chol, beta: beta.getColumn(0) };
      };
      const residualStats = (beta: number[]) => {
        const mu = new Float64Array(n);
        let ss = 0;
        let num = 0;
        let den = 0;
        let prev = Number.NaN;
        for (let i = 0; i < n; i++) {
          const m = row(i, regCols, i);
          let s = 0;
          for (let a = 0; a < m; a++) s += val[a] * beta[idx[a]];
          mu[i] = s;
          if (w[i] === 0) {
            prev = Number.NaN;
            continue;
          }
          const r = z[i] - s;
          ss += w[i] * r * r;
          den += r * r;
          if (!Number.isNaN(prev)) num += r * prev;
          prev = r;
        }
        const rho = den > 0 ? Math.min(0.95, Math.max(0, num / den)) : 0;
        return { mu, ss, rho };
      };

      // pass 1: nearly unpenalised, to measure the noise (σ², ρ₁) rather than misfit; pass 2: the MAP fit
      const first = solveWith(Math.max(1e-4 * zVar, sigmaFloor), 1);
      const s1 = residualStats(first.beta);
      const sigma2First = Math.max(s1.ss / Math.max(1, wSum - p), sigmaFloor);
      const inflation = (1 + s1.rho) / (1 - s1.rho);
      const final = solveWith(sigma2First, inflation);
      const beta = final.beta;
      const s2 = residualStats(beta);
      // effective degrees of freedom: trace((XᵀWX + Λ)⁻¹ XᵀWX)
      let df = p;
      if (final.chol.isPositiveDefinite()) {
        const inv = final.chol.solve(Matrix.eye(p));
        df = 0;
        for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) df += inv.get(a, b) * G[b * p + a];
      }
      const sigma2 = s2.ss / Math.max(1, wSum - df);
      const deltas = beta.slice(2, 2 + K);
      const deltaMs = deltas.length ? deltas.reduce((s, d) => s + d * d, 0) / deltas.length : 0;
      const cpRate = K > 0 ? K / Math.max(cpT[K - 1], 1e-9) : 0;
      const trendVarPerCube = opts.trendUncertainty === false ? 0 : (cpRate * deltaMs) / 3;

      const back = (m: number) => (transform === 'log1p' ? Math.expm1(m) : m * scale);
      const fitted = Array.from(s2.mu, (m) => Math.max(0, back(m)));

      // ---- parameters for traceability
      const meanLevel = fitted.reduce((s, v) => s + v, 0) / n;
      const effects: Record<string, number> = {};
      regNames.forEach((nm, j) => {
        const b = beta[regOffset + j];
        effects[nm] = transform === 'log1p' ? Math.expm1(b) : meanLevel > 0 ? (b * scale) / meanLevel : 0;
      });
      const holidayEffects: Record<string, number> = {};
      regNames.forEach((nm, j) => {
        if (!isHolidayNameColumn(nm)) return;
        const pooledName = nm.slice(0, nm.indexOf(':', 'holiday:'.length));
        const pj = regNames.indexOf(pooledName);
        const b = beta[regOffset + j] + (pj >= 0 ? beta[regOffset + pj] : 0);
        holidayEffects[nm.slice(pooledName.length + 1)] =
          transform === 'log1p' ? Math.expm1(b) : meanLevel > 0 ? (b * scale) / meanLevel : 0;
      });
      const ts = options.timestamps;
      const changepoints = cpIndex.map((c, k) => ({
        index: c,
        ...(ts && ts.length === n ? { timestamp: ts[c] } : {}),
        slopeChange: deltas[k] * scale,
      }));
      const penalty = (t: number) => (sigma2First * inflation) / (t * t);
      const params = {
        transform,
        biasAdjust: opts.biasAdjust ?? false,
        sigma: Math.sqrt(sigma2) * scale,
        df,
        residualAutocorrelation: s1.rho,
        trend: { intercept: beta[0] * scale, slopePerStep: (beta[1] * scale) / tDen },
        changepoints,
        /** Changepoints whose slope change exceeds half the prior scale (the ones that matter). */
        changepointsFound: changepoints.filter(
          (c) => Math.abs(c.slopeChange / scale) > scales.changepoint / 2,
        ),
        fourier: blocks.map((b) => ({ period: b.period, order: b.order })),
        priorScales: scales,
        penalties: {
          changepoint: penalty(scales.changepoint),
          seasonality: penalty(scales.seasonality),
          regressor: penalty(scales.regressor),
          holidayName: penalty(scales.holidayName),
        },
        effects,
        holidayEffects,
        droppedRegressors: dropped,
      };

      const future = options.regressors?.future;
      const fittedModel: Fitted = {
        model: `${name}[${blocks.map((b) => `${b.period}:${b.order}`).join(',')}${K ? `; cp ${K}` : ''}${
          regNames.length ? `; ${regNames.length} regressors` : ''
        }]`,
        params,
        fitted,
        predict(h, predictOptions = {}) {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          let futCols: (readonly number[])[] = [];
          if (regNames.length > 0) {
            if (!future)
              throw new ModcapError(
                'BAD_ARGUMENT',
                `${name} was fitted with regressors but has no future for them`,
              );
            const fr: Regressors = future(h);
            futCols = regNames.map((nm) => {
              const j = fr.names.indexOf(nm);
              if (j < 0) throw new ModcapError('BAD_ARGUMENT', `future regressors lack column ${nm}`);
              if (fr.columns[j].length < h)
                throw new ModcapError(
                  'BAD_ARGUMENT',
                  `future regressor ${nm} has ${fr.columns[j].length} < ${h} values`,
                );
              return fr.columns[j];
            });
          }
          const mu: number[] = [];
          const sd: number[] = [];
          for (let k = 1; k <= h; k++) {
            const m = row(n - 1 + k, futCols, k - 1);
            let s = 0;
            for (let a = 0; a < m; a++) s += val[a] * beta[idx[a]];
            mu.push(s);
            const ahead = k / tDen;
            sd.push(Math.sqrt(sigma2 + trendVarPerCube * ahead ** 3));
          }
          const point = mu.map((m, k) =>
            Math.max(0, back(transform === 'log1p' && opts.biasAdjust ? m + sd[k] ** 2 / 2 : m)),
          );
          const intervals = levels.map((level) => {
            const q = zForLevel(level);
            return {
              level,
              lower: mu.map((m, k) => Math.max(0, back(m - q * sd[k]))),
              upper: mu.map((m, k) => Math.max(0, back(m + q * sd[k]))),
            };
          });
          return { point, intervals };
        },
      };
      return fittedModel;
    },
  };
}

interface Design {
  readonly tDen: number;
  readonly K: number;
  readonly cpT: readonly number[];
  readonly blocks: readonly Block[];
  readonly regOffset: number;
}

/** Writes the non-zero features of row `i` (regressors from `cols[j][at]`) into idx / val; returns their count. */
function fillRow(
  d: Design,
  i: number,
  cols: readonly (readonly number[])[],
  at: number,
  idx: Int32Array,
  val: Float64Array,
): number {
  const t = i / d.tDen;
  let m = 0;
  idx[m] = 0;
  val[m++] = 1;
  if (t !== 0) {
    idx[m] = 1;
    val[m++] = t;
  }
  const cpT = d.cpT;
  for (let k = 0; k < d.K; k++) {
    if (t > cpT[k]) {
      idx[m] = 2 + k;
      val[m++] = t - cpT[k];
    }
  }
  for (let bi = 0; bi < d.blocks.length; bi++) {
    const b = d.blocks[bi];
    const th = (2 * Math.PI * i) / b.period;
    const c1 = Math.cos(th);
    const s1 = Math.sin(th);
    let c = c1;
    let s = s1;
    for (let q = 0; q < b.order; q++) {
      idx[m] = b.offset + 2 * q;
      val[m++] = s;
      idx[m] = b.offset + 2 * q + 1;
      val[m++] = c;
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
  }
  for (let j = 0; j < cols.length; j++) {
    const x = cols[j][at];
    if (x !== 0) {
      idx[m] = d.regOffset + j;
      val[m++] = x;
    }
  }
  return m;
}

const CHUNK = 256;

/** G[a][b] += Σ_r XW[a][r]·X[b][r] over the first c rows of a column-major chunk, for dense columns a ≤ b < d. */
function accumulateDense(
  G: Float64Array,
  p: number,
  X: Float64Array,
  XW: Float64Array,
  d: number,
  c: number,
): void {
  for (let a = 0; a < d; a++) {
    const oa = a * CHUNK;
    for (let b = a; b < d; b++) {
      const ob = b * CHUNK;
      let s = 0;
      for (let r = 0; r < c; r++) s += XW[oa + r] * X[ob + r];
      G[a * p + b] += s;
    }
  }
}

/** Adds the pairs of one row that involve a regressor (positions firstReg..m−1 of idx / val), upper triangle. */
function accumulateSparse(
  G: Float64Array,
  p: number,
  idx: Int32Array,
  val: Float64Array,
  firstReg: number,
  m: number,
  w: number,
): void {
  for (let b = firstReg; b < m; b++) {
    const ib = idx[b];
    const vb = w * val[b];
    for (let a = 0; a <= b; a++) G[idx[a] * p + ib] += val[a] * vb;
  }
}

/** `holiday:<CC>:<name>`, not a window offset like `holiday:US:-1`. */
function isHolidayNameColumn(name: string): boolean {
  if (!name.startsWith('holiday:')) return false;
  const rest = name.slice('holiday:'.length);
  const colon = rest.indexOf(':');
  return colon >= 0 && !/^[+-]\d+$/.test(rest.slice(colon + 1));
}
