/**
 * The ETS state-space recursion and its likelihood (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with
 * Exponential Smoothing: The State Space Approach", Table 2.3 and §5.1), for the 15 forms with error
 * A|M, trend N|A|Ad and season N|A|M.
 *
 * Written in "error-correction" form on the deseasonalised observation, which is the same for additive
 * and multiplicative errors (the error type changes only the likelihood and the simulated noise):
 *
 *   q_t = l + φ·b                                  (one-step level+trend; b = 0 without trend, φ = 1 undamped)
 *   μ_t = q_t, q_t + s, or q_t · s                 (s = the seasonal state one period back)
 *   p_t = y_t, y_t − s, or y_t / s                 (deseasonalised observation)
 *   l_t = q_t + α (p_t − q_t)
 *   b_t = φ b + β (p_t − q_t)
 *   s_t = s + γ (y_t − q_t − s)    (additive)      s_t = s + γ (y_t / q_t − s)    (multiplicative)
 *
 * e.g. ETS(M,Ad,M): l_t = (l+φb)(1+αε_t) with ε_t = (y_t − μ_t)/μ_t gives l_t = q + α(y/s − q), as above.
 *
 * The objective is R forecast's "lik", i.e. −2·log-likelihood without its additive constant
 * (Hyndman et al. 2008, eq. 5.3): `n·log(Σ e_t²) + 2·Σ log|μ_t|`, the second sum only for multiplicative
 * error (where e_t = (y_t − μ_t)/μ_t). The full Gaussian value is `lik + n·(1 + log(2π/n))`.
 *
 * Seasonal states are stored chronologically: `season[j]` is the seasonal effect applied to the
 * observation at index j of the first cycle (j = 0..m−1). Hyndman's s_0 (the most recent initial state)
 * is `season[m−1]`, s_{−1} is `season[m−2]`, and so on.
 */

/** One ETS form. `m` is the seasonal period (1 when season is 'N'). */
export interface EtsForm {
  readonly error: 'A' | 'M';
  readonly trend: 'N' | 'A' | 'Ad';
  readonly season: 'N' | 'A' | 'M';
  readonly m: number;
}

/** Smoothing parameters and initial states of one ETS model. */
export interface EtsParams {
  alpha: number;
  /** Error-correction β (R's convention, 0 < β < α); ignored without trend. */
  beta: number;
  /** Error-correction γ (0 < γ < 1 − α); ignored without season. */
  gamma: number;
  /** Damping φ; 1 when the trend is not damped; ignored without trend. */
  phi: number;
  /** Initial level l_0. */
  level: number;
  /** Initial slope b_0 (0 without trend). */
  slope: number;
  /** Initial seasonal states in chronological order, length m (empty without season). */
  season: Float64Array;
}

/** Outputs filled by {@link etsFilter} when asked (arrays of length n). */
export interface EtsFilterOutput {
  /** One-step-ahead fitted values μ_t. */
  fitted: Float64Array;
  /** Residuals: y − μ (additive error) or (y − μ)/μ (multiplicative error). */
  residuals: Float64Array;
  /** Final level, slope and seasonal buffer (chronological from position n mod m), set on return. */
  level: number;
  slope: number;
  season: Float64Array;
  sse: number;
}

/** Smallest |μ| (multiplicative error) or |q| (multiplicative season) the recursion accepts. */
const TINY = 1e-10;
/** Floor on the sum of squared errors, so that a perfect fit gives a large finite objective. */
const SSE_FLOOR = 1e-300;

/**
 * Runs the recursion over `y` and returns R's `lik` (−2·logL without constant), or `Infinity` when the
 * states leave the region where the model is defined (|μ| ≈ 0 with multiplicative error, q ≈ 0 or a
 * seasonal state ≤ 0 with multiplicative season, or a non-finite value).
 *
 * Allocation-free: `work` (length ≥ m) receives the evolving seasonal buffer. When `out` is given, the
 * fitted values, residuals and final states are written to it.
 *
 * @example
 * // SES (A,N,N) with α = 0.5 from l0 = 1 on y = [3]: μ_1 = 1, e = 2, lik = 1·log(4)
 * etsFilter(Float64Array.of(3), { error: 'A', trend: 'N', season: 'N', m: 1 },
 *   { alpha: 0.5, beta: 0, gamma: 0, phi: 1, level: 1, slope: 0, season: new Float64Array(0) },
 *   new Float64Array(1)) // => 1.3862944
 */
export function etsFilter(
  y: Float64Array,
  form: EtsForm,
  p: EtsParams,
  work: Float64Array,
  out?: EtsFilterOutput,
): number {
  const n = y.length;
  const hasTrend = form.trend !== 'N';
  const seasonA = form.season === 'A';
  const seasonM = form.season === 'M';
  const seasonal = seasonA || seasonM;
  const errM = form.error === 'M';
  const m = seasonal ? form.m : 1;
  const alpha = p.alpha;
  const beta = hasTrend ? p.beta : 0;
  const gamma = p.gamma;
  const phi = hasTrend ? (form.trend === 'Ad' ? p.phi : 1) : 0;
  let l = p.level;
  let b = hasTrend ? p.slope : 0;
  if (seasonal) for (let j = 0; j < m; j++) work[j] = p.season[j];
  let sse = 0;
  let logSum = 0;
  let prod = 1;
  let j = 0;
  const fitted = out?.fitted;
  const resid = out?.residuals;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * b;
    const q = l + phib;
    let mu: number;
    let pt: number;
    let s = 0;
    if (seasonA) {
      s = work[j];
      mu = q + s;
      pt = yt - s;
    } else if (seasonM) {
      s = work[j];
      if (s <= 0 || q < TINY) return Number.POSITIVE_INFINITY;
      mu = q * s;
      pt = yt / s;
    } else {
      mu = q;
      pt = yt;
    }
    let e: number;
    if (errM) {
      const amu = mu < 0 ? -mu : mu;
      if (amu < TINY) return Number.POSITIVE_INFINITY;
      e = (yt - mu) / mu;
      prod *= amu;
      if (prod > 1e100 || prod < 1e-100) {
        logSum += Math.log(prod);
        prod = 1;
      }
    } else {
      e = yt - mu;
    }
    sse += e * e;
    if (fitted !== undefined && resid !== undefined) {
      fitted[t] = mu;
      resid[t] = e;
    }
    const err = pt - q;
    l = q + alpha * err;
    if (hasTrend) b = phib + beta * err;
    if (seasonA) work[j] = s + gamma * (yt - q - s);
    else if (seasonM) work[j] = s + gamma * (yt / q - s);
    if (++j === m) j = 0;
  }
  if (!Number.isFinite(sse) || !Number.isFinite(l)) return Number.POSITIVE_INFINITY;
  if (out !== undefined) {
    out.level = l;
    out.slope = b;
    out.sse = sse;
    // the buffer position n mod m holds the state for the next observation: rotate so that
    // out.season[k] is the state used at step n + k (k = 0..m−1)
    if (seasonal) {
      if (out.season.length !== m) out.season = new Float64Array(m);
      for (let k = 0; k < m; k++) out.season[k] = work[(n + k) % m];
    }
  }
  const lik = n * Math.log(Math.max(sse, SSE_FLOOR));
  if (errM) return lik + 2 * (logSum + Math.log(prod));
  return lik;
}
