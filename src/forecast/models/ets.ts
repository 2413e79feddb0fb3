import { ModcapError } from '../../errors.ts';
import { checkLevels, normalIntervals } from '../stats.ts';
import { DEFAULT_LEVELS, type FitOptions, type Fitted, type Forecast, type Model } from '../types.ts';
import { type FitFormOptions, type FormFit, filterOutput, fitEtsForm, type InitMode } from './ets/fit.ts';
import { type EtsEndState, etsPoint, etsSimulate, etsVariance, hasAnalyticVariance } from './ets/forecast.ts';
import type { EtsForm } from './ets/recursion.ts';

export type { EtsForm, EtsParams } from './ets/recursion.ts';

/** Options of {@link ets}. Every component left out is chosen automatically by the information criterion. */
export interface EtsOptions {
  /** Error type: additive or multiplicative. */
  readonly error?: 'A' | 'M';
  /** Trend: none, additive, additive damped. */
  readonly trend?: 'N' | 'A' | 'Ad';
  /** Season: none, additive, multiplicative. */
  readonly season?: 'N' | 'A' | 'M';
  /**
   * Seasonal period in steps. Default: the first of `FitOptions.periods` that is an integer ≤ 24 (as R's
   * ets, longer periods are not modelled: season 'N'). A series shorter than two periods is fitted
   * without season.
   */
  readonly period?: number;
  /** Information criterion that picks the form (default 'aicc'). */
  readonly ic?: 'aicc' | 'aic' | 'bic';
  /** Allow multiplicative error and season (default: when every y > 0; ignored otherwise). */
  readonly allowMultiplicative?: boolean;
  /** With the trend left automatic: true = only damped trends, false = no damped trends, default both. */
  readonly damped?: boolean;
  /**
   * Allow the unstable additive-error × multiplicative-season forms in the automatic search (default
   * false, as R's `restrict = TRUE`). Asking for error 'A' and season 'M' explicitly always fits it.
   */
  readonly allowUnstable?: boolean;
  /** Fixed smoothing parameters (R's error-correction convention: 0 < β < α, 0 < γ < 1 − α). */
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly phi?: number;
  /**
   * Which initial states are optimised jointly with the smoothing parameters: 'all' (level, slope and
   * the m − 1 free seasonal states; R's way), 'level' (seasonal states stay at the classical-decomposition
   * heuristic), 'none' (only the smoothing parameters are optimised). Default: 'none' for seasonal forms
   * with m > 12, 'all' otherwise. Measured on all 414 M4 hourly series (m = 24, h = 48, bench/ets.ts):
   * default 17.43 mean / 5.13 median sMAPE at ~10 ms CPU per series; 'all' everywhere 17.26 / 5.53 at
   * ~160 ms; 'level' 21.49 / 5.13 at ~22 ms. The heuristic seasonal start (whole-series decomposition,
   * `initSeasons`) is good enough that 24 more free parameters buy little.
   */
  readonly init?: InitMode;
  /** Leading seasons the initial seasonal decomposition uses (default: the whole series; R uses 3). */
  readonly initSeasons?: number;
  /** Nelder–Mead iteration cap per form (default max(300, 60 × number of free parameters)). */
  readonly maxIter?: number;
  /**
   * `full` (default, as R's ets): every form optimised to convergence. `fast`: every form optimised for
   * a few iterations, then the `refine` best by the criterion optimised fully and compared again — about
   * 3× cheaper, for use inside backtests over many series.
   */
  readonly search?: 'full' | 'fast';
  /** Forms refined fully after a `fast` search (default 3). */
  readonly refine?: number;
  /** Sample paths for simulated intervals (multiplicative season), default 500. */
  readonly simulations?: number;
  /** Seed of the simulation (default 20080101): the same seed gives the same intervals. */
  readonly seed?: number;
}

/** One candidate form of the automatic search and how it scored. */
export interface EtsCandidate {
  readonly form: string;
  readonly aicc: number | null;
  readonly aic: number | null;
  readonly bic: number | null;
  readonly logLik: number | null;
}

const DEFAULT_SEED = 20080101;
const DEFAULT_PATHS = 500;
const MAX_PERIOD = 24;

/** `ets(M,Ad,M)` style name of a form. */
export function formName(form: Pick<EtsForm, 'error' | 'trend' | 'season'>): string {
  return `ets(${form.error},${form.trend},${form.season})`;
}

/** Nelder–Mead iterations per form in the quick pass of a `fast` search. */
const FAST_ITER = 60;

/**
 * Exponential smoothing state-space models (ETS) with automatic form selection, after Hyndman, Koehler,
 * Ord & Snyder (2008) and R forecast's `ets()`.
 *
 * Forms: error A|M × trend N|A|Ad × season N|A|M. Unspecified components are searched over the
 * admissible combinations: multiplicative error and season only when every y > 0; additive error with
 * multiplicative season excluded (R's `restrict`); a form with at least as many parameters as points is
 * skipped, and one with AICc undefined (n ≤ k + 1) scores +∞ (then AIC breaks the tie). Each form is
 * fitted by maximum likelihood (Nelder–Mead over the smoothing parameters and initial states, see
 * `ets/fit.ts`); the lowest AICc (or `ic`) wins. `params.candidates` lists every form tried with its
 * scores (null where it was skipped or could not be fitted).
 *
 * The likelihood and criteria follow R's conventions so that numbers compare: `logLik` = −lik/2 where
 * lik = n·log(Σe²) + 2Σlog|μ_t| (the last sum for multiplicative error), i.e. without the Gaussian
 * constant; AIC = lik + 2k, k = number of parameters incl. σ (initial states count even when kept at
 * the heuristic); σ² = Σe²/(n − k + 1), as R. `params.initial.season` is chronological: entry j is the
 * seasonal state applied to observation j of the first cycle (R's s0 is the last entry, s1 the one
 * before, …).
 *
 * Forecasts: point = state-based forecast (the conditional mean except for a multiplicative season
 * beyond one period ahead). Intervals: analytical variances for forms without multiplicative season
 * (Hyndman et al. 2008 ch. 6, classes 1 and 2) with normal quantiles; otherwise quantiles of a seeded
 * simulation (500 paths). Points and bounds are clipped at zero (counts), and each interval is widened
 * to contain the point if sampling noise would leave it out.
 *
 * Observation weights in `FitOptions` are ignored (the caller imputes gaps).
 *
 * @throws ModcapError SERIES_TOO_SHORT with fewer than 4 points; BAD_ARGUMENT for non-finite input or a
 *   bad option; MODEL_FIT when a requested multiplicative form meets data ≤ 0 or no form could be fitted
 * @example
 * const f = ets().fit(y, { periods: [24, 168] });
 * f.model // => 'ets(M,Ad,M)' (for example)
 * f.predict(48, { levels: [80, 95] }).point.length // => 48
 */
export function ets(options: EtsOptions = {}): Model {
  const fixed = [options.error ?? '', options.trend ?? '', options.season ?? ''].join('');
  const name = `ets${fixed ? `(${[options.error ?? '*', options.trend ?? '*', options.season ?? '*'].join(',')})` : ''}`;
  return {
    name,
    fit(yIn: readonly number[], fitOptions: FitOptions = {}): Fitted {
      return fitEts(yIn, fitOptions, options);
    },
  };
}

function pickPeriod(options: EtsOptions, fitOptions: FitOptions): number {
  if (options.period !== undefined) {
    if (!(Number.isInteger(options.period) && options.period >= 1)) {
      throw new ModcapError('BAD_ARGUMENT', `ets: period must be a positive integer, got ${options.period}`, {
        value: options.period,
      });
    }
    return options.period;
  }
  for (const p of fitOptions.periods ?? []) {
    if (Number.isInteger(p) && p > 1 && p <= MAX_PERIOD) return p;
  }
  return 1;
}

function fitEts(yIn: readonly number[], fitOptions: FitOptions, options: EtsOptions): Fitted {
  const n = yIn.length;
  if (n < 4) throw new ModcapError('SERIES_TOO_SHORT', `ets needs at least 4 points, got ${n}`, { n });
  const y = Float64Array.from(yIn);
  let allPositive = true;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < n; t++) {
    const v = y[t];
    if (!Number.isFinite(v)) {
      throw new ModcapError('BAD_ARGUMENT', `ets: y[${t}] is not finite (impute gaps first)`, {
        value: v,
        index: t,
      });
    }
    if (v <= 0) allPositive = false;
    if (v < minY) minY = v;
    if (v > maxY) maxY = v;
  }
  const ic = options.ic ?? 'aicc';
  const requestedM = pickPeriod(options, fitOptions);
  const m = requestedM > 1 && n >= 2 * requestedM ? requestedM : 1;
  const seasonFallback = requestedM > 1 && m === 1;
  const allowMult = allPositive && (options.allowMultiplicative ?? true);

  if (maxY - minY <= 1e-12 * Math.max(1, Math.abs(maxY))) return constantFit(y, m);

  // requested multiplicative parts on data ≤ 0 cannot be fitted
  if (!allPositive && (options.error === 'M' || options.season === 'M')) {
    throw new ModcapError('MODEL_FIT', 'ets: a multiplicative error or season needs strictly positive data', {
      minY,
    });
  }
  const errors: ('A' | 'M')[] = options.error ? [options.error] : allowMult ? ['A', 'M'] : ['A'];
  let trends: ('N' | 'A' | 'Ad')[];
  if (options.trend) trends = [options.trend];
  else if (options.damped === true) trends = ['Ad'];
  else if (options.damped === false) trends = ['N', 'A'];
  else trends = ['N', 'A', 'Ad'];
  let seasons: ('N' | 'A' | 'M')[];
  if (m === 1) seasons = ['N'];
  else if (options.season) seasons = [options.season];
  else seasons = allowMult ? ['N', 'A', 'M'] : ['N', 'A'];
  const explicitUnstable = options.error === 'A' && options.season === 'M';

  // default: optimise every initial state, except the seasonal ones of a long period (see EtsOptions.init)
  const initFor = (form: EtsForm): InitMode =>
    options.init ?? (form.season !== 'N' && form.m > 12 ? 'none' : 'all');
  const formOptions = (form: EtsForm): FitFormOptions => ({
    alpha: options.alpha,
    beta: options.beta,
    gamma: options.gamma,
    phi: options.phi,
    init: initFor(form),
    initSeasons: options.initSeasons,
    maxIter: options.maxIter,
  });
  const candidates: EtsCandidate[] = [];
  const fast = options.search === 'fast';
  const scored: { form: EtsForm; score: number }[] = [];
  let best: { fit: FormFit; score: number; aic: number; aicc: number; bic: number } | undefined;
  for (const error of errors) {
    for (const trend of trends) {
      for (const season of seasons) {
        const form: EtsForm = { error, trend, season, m: season === 'N' ? 1 : m };
        const label = formName(form);
        if (error === 'A' && season === 'M' && !explicitUnstable && !options.allowUnstable) continue;
        const k = countParams(form, options);
        if (n <= k) {
          candidates.push({ form: label, aicc: null, aic: null, bic: null, logLik: null });
          continue;
        }
        let fit: FormFit;
        try {
          fit = fitEtsForm(y, form, fast ? { ...formOptions(form), maxIter: FAST_ITER } : formOptions(form));
        } catch (e) {
          if (e instanceof RangeError) {
            throw new ModcapError('BAD_ARGUMENT', e.message, {});
          }
          throw e;
        }
        if (!Number.isFinite(fit.lik)) {
          candidates.push({ form: label, aicc: null, aic: null, bic: null, logLik: null });
          continue;
        }
        const np = fit.nparams;
        const aic = fit.lik + 2 * np;
        const bic = fit.lik + Math.log(n) * np;
        // AICc is undefined (taken as +∞) when n ≤ k + 1; ties are then broken by AIC
        const aicc = n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Number.POSITIVE_INFINITY;
        candidates.push({
          form: label,
          aicc: Number.isFinite(aicc) ? aicc : null,
          aic,
          bic,
          logLik: -0.5 * fit.lik,
        });
        const score = ic === 'aic' ? aic : ic === 'bic' ? bic : aicc;
        scored.push({ form, score });
        if (best === undefined || score < best.score || (score === best.score && aic < best.aic)) {
          best = { fit, score, aic, aicc, bic };
        }
      }
    }
  }
  if (fast && best !== undefined) {
    // refine the best few forms of the quick search to convergence, and choose again
    const ranked = scored.sort((a, b) => a.score - b.score).slice(0, options.refine ?? 3);
    best = undefined;
    for (const r of ranked) {
      const fit = fitEtsForm(y, r.form, formOptions(r.form));
      if (!Number.isFinite(fit.lik)) continue;
      const np = fit.nparams;
      const aic = fit.lik + 2 * np;
      const bic = fit.lik + Math.log(n) * np;
      const aicc = n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Number.POSITIVE_INFINITY;
      const score = ic === 'aic' ? aic : ic === 'bic' ? bic : aicc;
      const c = candidates.find((x) => x.form === formName(r.form));
      if (c)
        Object.assign(c, { aicc: Number.isFinite(aicc) ? aicc : null, aic, bic, logLik: -0.5 * fit.lik });
      if (best === undefined || score < best.score || (score === best.score && aic < best.aic)) {
        best = { fit, score, aic, aicc, bic };
      }
    }
  }
  if (best === undefined) {
    throw new ModcapError('MODEL_FIT', 'ets: no candidate form could be fitted', {
      candidates: candidates.map((c) => c.form),
      n,
    });
  }
  const { fit } = best;
  const form = fit.form;
  const out = filterOutput(y, form, fit.params);
  // R: σ² = Σe² / (n − number of estimated parameters excluding σ)
  const sigma2 = out.sse / Math.max(1, n - (fit.nparams - 1));
  const end: EtsEndState = {
    alpha: fit.params.alpha,
    beta: fit.params.beta,
    gamma: fit.params.gamma,
    phi: fit.params.phi,
    level: out.level,
    slope: out.slope,
    season: out.season,
  };
  const hasTrend = form.trend !== 'N';
  const seasonal = form.season !== 'N';
  const params = {
    form: formName(form),
    period: seasonal ? form.m : 1,
    seasonFallback,
    alpha: fit.params.alpha,
    beta: hasTrend ? fit.params.beta : null,
    gamma: seasonal ? fit.params.gamma : null,
    phi: form.trend === 'Ad' ? fit.params.phi : null,
    initial: {
      level: fit.params.level,
      slope: hasTrend ? fit.params.slope : null,
      season: seasonal ? Array.from(fit.params.season) : [],
    },
    sigma2,
    logLik: -0.5 * fit.lik,
    aic: best.aic,
    aicc: Number.isFinite(best.aicc) ? best.aicc : null,
    bic: best.bic,
    ic,
    nobs: n,
    nparams: fit.nparams,
    init: initFor(form),
    optimizer: { iterations: fit.iterations, evaluations: fit.evaluations, converged: fit.converged },
    candidates,
  };
  const fitted = Array.from(out.fitted);
  const paths = options.simulations ?? DEFAULT_PATHS;
  const seed = options.seed ?? DEFAULT_SEED;
  return {
    model: formName(form),
    params,
    fitted,
    predict(h, predictOptions = {}) {
      const levels = predictOptions.levels ?? DEFAULT_LEVELS;
      checkLevels(levels);
      return forecastEts(form, end, sigma2, h, levels, paths, seed);
    },
  };
}

/** Parameters of a form (R's np: free smoothing parameters + initial states + σ). */
function countParams(form: EtsForm, o: EtsOptions): number {
  let k = 1 + (o.alpha === undefined ? 1 : 0) + 1; // σ, α, l0
  if (form.trend !== 'N') k += 1 + (o.beta === undefined ? 1 : 0);
  if (form.trend === 'Ad' && o.phi === undefined) k += 1;
  if (form.season !== 'N') k += form.m - 1 + (o.gamma === undefined ? 1 : 0);
  return k;
}

function forecastEts(
  form: EtsForm,
  end: EtsEndState,
  sigma2: number,
  h: number,
  levels: readonly number[],
  paths: number,
  seed: number,
): Forecast {
  if (!(Number.isInteger(h) && h >= 0)) {
    throw new ModcapError('BAD_ARGUMENT', `ets: horizon must be a non-negative integer, got ${h}`, {
      value: h,
    });
  }
  const pointRaw = etsPoint(form, end, h);
  const point = Array.from(pointRaw, (v) => Math.max(0, v));
  if (hasAnalyticVariance(form)) {
    const v = etsVariance(form, end, sigma2, pointRaw);
    const sds = Array.from(v, (x) => Math.sqrt(x));
    // centre on the unclipped mean, then clip (normalIntervals clips at zero)
    const iv = normalIntervals(Array.from(pointRaw), sds, levels);
    return { point, intervals: iv.map((i) => containPoint(i, point)) };
  }
  const sims = etsSimulate(form, end, sigma2, h, paths, seed);
  const sorted = new Float64Array(paths);
  const intervals = levels.map((level) => ({
    level,
    lower: new Array<number>(h),
    upper: new Array<number>(h),
  }));
  for (let k = 0; k < h; k++) {
    sorted.set(sims.subarray(k * paths, (k + 1) * paths));
    sorted.sort();
    for (const iv of intervals) {
      const a = (1 - iv.level / 100) / 2;
      iv.lower[k] = Math.max(0, quantileSorted(sorted, a));
      iv.upper[k] = Math.max(0, quantileSorted(sorted, 1 - a));
    }
  }
  return { point, intervals: intervals.map((i) => containPoint(i, point)) };
}

function containPoint<T extends { lower: number[]; upper: number[] }>(iv: T, point: readonly number[]): T {
  for (let k = 0; k < point.length; k++) {
    if (iv.lower[k] > point[k]) iv.lower[k] = point[k];
    if (iv.upper[k] < point[k]) iv.upper[k] = point[k];
  }
  return iv;
}

/** Type-7 quantile of an ascending sorted array. */
function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** A constant series: ETS(A,N,N) with the level at the constant and σ² = 0 (zero-width intervals). */
function constantFit(y: Float64Array, requestedM: number): Fitted {
  const c = y[0];
  const n = y.length;
  return {
    model: formName({ error: 'A', trend: 'N', season: 'N' }),
    params: {
      form: formName({ error: 'A', trend: 'N', season: 'N' }),
      period: 1,
      seasonFallback: requestedM > 1,
      constant: true,
      alpha: 1e-4,
      beta: null,
      gamma: null,
      phi: null,
      initial: { level: c, slope: null, season: [] },
      sigma2: 0,
      logLik: null,
      aic: null,
      aicc: null,
      bic: null,
      nobs: n,
      candidates: [],
    },
    fitted: new Array<number>(n).fill(c),
    predict(h, predictOptions = {}) {
      const levels = predictOptions.levels ?? DEFAULT_LEVELS;
      checkLevels(levels);
      const point = new Array<number>(h).fill(Math.max(0, c));
      return {
        point,
        intervals: levels.map((level) => ({ level, lower: point.slice(), upper: point.slice() })),
      };
    },
  };
}
