/**
 * Forecasts of a fitted ETS model: point forecasts from the final states, analytical forecast variances
 * for the linear and "class 2" forms (Hyndman et al. 2008, ch. 6), and a seeded simulation for the rest.
 */

import { HALF_ULP, mulberry32 } from '../../../random.ts';
import type { EtsForm } from './recursion.ts';

/** Final states and parameters a forecast needs. `season[k]` is the state used at step n + 1 + k. */
export interface EtsEndState {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly level: number;
  readonly slope: number;
  readonly season: Float64Array;
}

/**
 * State-based point forecasts for steps 1..h: `(l + φ_k b) ⊕ s`, with φ_k = φ + … + φ^k (k when undamped)
 * and ⊕ = + or × for an additive or multiplicative season. This is the conditional mean for the linear
 * forms (class 1), for multiplicative error with additive components (class 2), and for a
 * multiplicative season while k ≤ m (class 3); beyond one season it is the usual approximation
 * (as R forecast's `forecast.ets` point forecast).
 *
 * @example
 * etsPoint({ error: 'A', trend: 'A', season: 'N', m: 1 },
 *   { alpha: 0.5, beta: 0.1, gamma: 0, phi: 1, level: 10, slope: 2, season: new Float64Array(0) }, 3)
 * // => [12, 14, 16]
 */
export function etsPoint(form: EtsForm, st: EtsEndState, h: number): Float64Array {
  const out = new Float64Array(h);
  const hasTrend = form.trend !== 'N';
  const phi = form.trend === 'Ad' ? st.phi : 1;
  let phiSum = 0;
  let pk = 1;
  for (let k = 0; k < h; k++) {
    pk *= phi;
    phiSum += pk;
    const q = st.level + (hasTrend ? phiSum * st.slope : 0);
    if (form.season === 'A') out[k] = q + st.season[k % form.m];
    else if (form.season === 'M') out[k] = q * st.season[k % form.m];
    else out[k] = q;
  }
  return out;
}

/** True for the forms with analytical forecast variances here: no multiplicative season. */
export function hasAnalyticVariance(form: EtsForm): boolean {
  return form.season !== 'M';
}

/**
 * Forecast variances for steps 1..h (Hyndman et al. 2008, §6.2 and §6.3), with
 * c_j = α + β·φ_j + γ·[j mod m = 0] (φ_j = φ + … + φ^j, or j undamped):
 * - class 1 (additive error, additive/no trend and season): v_h = σ²·(1 + Σ_{j<h} c_j²);
 * - class 2 (multiplicative error, same components): θ_1 = μ_1², θ_h = μ_h² + σ²·Σ_{j<h} c_j² θ_{h−j},
 *   v_h = (1 + σ²)·θ_h − μ_h², with μ_h the point forecasts.
 *
 * @throws RangeError for a multiplicative season (use {@link etsSimulate})
 * @example
 * // ETS(A,N,N), α = 0.5, σ² = 1: v = [1, 1.25, 1.5]
 * etsVariance({ error: 'A', trend: 'N', season: 'N', m: 1 }, { alpha: 0.5, beta: 0, gamma: 0, phi: 1,
 *   level: 0, slope: 0, season: new Float64Array(0) }, 1, Float64Array.of(0, 0, 0))
 */
export function etsVariance(
  form: EtsForm,
  st: EtsEndState,
  sigma2: number,
  point: Float64Array,
): Float64Array {
  if (!hasAnalyticVariance(form))
    throw new RangeError('etsVariance: no analytical variance for a multiplicative season');
  const h = point.length;
  const c2 = new Float64Array(h); // c2[j] = c_j², j = 1..h−1
  const hasTrend = form.trend !== 'N';
  const phi = form.trend === 'Ad' ? st.phi : 1;
  const seasonal = form.season !== 'N';
  let phiSum = 0;
  let pk = 1;
  for (let j = 1; j < h; j++) {
    pk *= phi;
    phiSum += pk;
    let c = st.alpha;
    if (hasTrend) c += st.beta * phiSum;
    if (seasonal && j % form.m === 0) c += st.gamma;
    c2[j] = c * c;
  }
  const v = new Float64Array(h);
  if (form.error === 'A') {
    let acc = 1;
    for (let k = 0; k < h; k++) {
      if (k > 0) acc += c2[k];
      v[k] = sigma2 * acc;
    }
    return v;
  }
  const theta = new Float64Array(h + 1); // theta[k] for k = 1..h
  for (let k = 1; k <= h; k++) {
    const mu = point[k - 1];
    let s = 0;
    for (let j = 1; j < k; j++) s += c2[j] * theta[k - j];
    theta[k] = mu * mu + sigma2 * s;
    v[k - 1] = Math.max(0, (1 + sigma2) * theta[k] - mu * mu);
  }
  return v;
}

/** Small seeded generator (mulberry32) returning standard normals by Box–Muller; never global. */
export function normalGenerator(seed: number): () => number {
  const draw = mulberry32(seed);
  const unif = () => draw() + HALF_ULP;
  let spare = Number.NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const r = spare;
      spare = Number.NaN;
      return r;
    }
    const u = unif();
    const v = unif();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * Simulates `paths` future sample paths of steps 1..h from the final states, with Gaussian errors of
 * variance σ² (additive: y = μ + ε; multiplicative: y = μ·(1 + ε)), updating the states by the same
 * recursion as the fit. Draws are made step by step across paths, so the first k steps of a simulation
 * to horizon h equal a simulation to horizon k with the same seed (prefix-consistent intervals).
 *
 * @returns `sims[k * paths + i]` = path i at step k + 1
 * @example etsSimulate(form, endState, sigma2, 48, 500, 42) // Float64Array of 48·500 values
 */
export function etsSimulate(
  form: EtsForm,
  st: EtsEndState,
  sigma2: number,
  h: number,
  paths: number,
  seed: number,
): Float64Array {
  const m = form.season === 'N' ? 1 : form.m;
  const hasTrend = form.trend !== 'N';
  const phi = hasTrend ? (form.trend === 'Ad' ? st.phi : 1) : 0;
  const seasonA = form.season === 'A';
  const seasonM = form.season === 'M';
  const errM = form.error === 'M';
  const sigma = Math.sqrt(Math.max(0, sigma2));
  const lv = new Float64Array(paths).fill(st.level);
  const sl = new Float64Array(paths).fill(hasTrend ? st.slope : 0);
  const ss = new Float64Array(paths * m);
  if (seasonA || seasonM) for (let i = 0; i < paths; i++) ss.set(st.season.subarray(0, m), i * m);
  const out = new Float64Array(h * paths);
  const rnorm = normalGenerator(seed);
  for (let k = 0; k < h; k++) {
    const j = k % m;
    for (let i = 0; i < paths; i++) {
      const eps = sigma * rnorm();
      const phib = phi * sl[i];
      const q = lv[i] + phib;
      const s = seasonA || seasonM ? ss[i * m + j] : 0;
      const mu = seasonA ? q + s : seasonM ? q * s : q;
      const y = errM ? mu * (1 + eps) : mu + eps;
      out[k * paths + i] = y;
      const pt = seasonA ? y - s : seasonM ? (s !== 0 ? y / s : q) : y;
      const err = pt - q;
      lv[i] = q + st.alpha * err;
      if (hasTrend) sl[i] = phib + st.beta * err;
      if (seasonA) ss[i * m + j] = s + st.gamma * (y - q - s);
      else if (seasonM && q !== 0) ss[i * m + j] = s + st.gamma * (y / q - s);
    }
  }
  return out;
}
