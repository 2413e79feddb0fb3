import { ModcapError } from '../../errors.ts';
import { checkLevels, quantile } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Model } from '../types.ts';

/** Syntetos–Boylan demand class. */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';

/** Result of {@link classifyDemand}. */
export interface DemandProfile {
  /** Average inter-demand interval: n / (number of non-zero periods); Infinity when all are zero. */
  readonly adi: number;
  /** Squared coefficient of variation of the non-zero demand sizes (population sd); NaN with none. */
  readonly cv2: number;
  readonly kind: DemandClass;
}

/**
 * Syntetos–Boylan demand classification (Syntetos, Boylan & Croston 2005, cut-offs ADI 1.32 and CV² 0.49):
 * smooth (ADI < 1.32, CV² < 0.49), erratic (ADI < 1.32, CV² ≥ 0.49), intermittent (ADI ≥ 1.32,
 * CV² < 0.49), lumpy (ADI ≥ 1.32, CV² ≥ 0.49). An all-zero series is 'intermittent' with ADI = Infinity.
 *
 * @example classifyDemand([0, 0, 3, 0, 0, 3]) // => { adi: 3, cv2: 0, kind: 'intermittent' }
 */
export function classifyDemand(y: readonly number[]): DemandProfile {
  const sizes = y.filter((v) => v > 0);
  const adi = sizes.length === 0 ? Number.POSITIVE_INFINITY : y.length / sizes.length;
  let cv2 = Number.NaN;
  if (sizes.length > 0) {
    const m = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const v = sizes.reduce((a, b) => a + (b - m) ** 2, 0) / sizes.length;
    cv2 = v / (m * m);
  }
  const sparse = adi >= 1.32;
  const variable = cv2 >= 0.49;
  const kind: DemandClass = sparse ? (variable ? 'lumpy' : 'intermittent') : variable ? 'erratic' : 'smooth';
  return { adi, cv2, kind };
}

/**
 * True when demand is intermittent or lumpy in the Syntetos–Boylan sense (ADI ≥ 1.32): the series has
 * zero periods often enough that Croston / TSB should be among the candidates. Empty → false.
 *
 * @example isIntermittent([0, 0, 5, 0, 1, 0, 0, 2]) // => true
 */
export function isIntermittent(y: readonly number[]): boolean {
  if (y.length === 0) return false;
  return classifyDemand(y).adi >= 1.32;
}

/** Options of {@link croston}. */
export interface CrostonOptions {
  /** Smoothing of the demand sizes; default chosen from a grid by in-sample MSE. */
  readonly alpha?: number;
  /** Smoothing of the inter-demand intervals; default = `alpha` when that is given, else from the grid. */
  readonly alphaInterval?: number;
  /** `'croston'` (default) or `'sba'`: the Syntetos–Boylan (2005) bias correction factor (1 − α_p/2). */
  readonly variant?: 'croston' | 'sba';
}

/** Smoothing grid for the intermittent models: 0.05, 0.1, …, 0.5. */
export const INTERMITTENT_GRID: readonly number[] = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

/**
 * Croston's method (Croston 1972, "Forecasting and stock control for intermittent demands"): the
 * non-zero demand sizes z and the intervals p between them (in periods) are each smoothed by SES, and
 * only when a demand occurs; the forecast rate is z/p, flat over the horizon. `variant: 'sba'` multiplies
 * it by (1 − α_p/2) (Syntetos & Boylan 2005). Initial z = the first demand, p = its position (1-based),
 * as R `forecast::croston`. Unset smoothing parameters are chosen from {@link INTERMITTENT_GRID} by the
 * in-sample one-step MSE (after the first demand).
 *
 * Intervals: point + empirical quantiles of the in-sample one-step errors, clipped at 0 and widened to
 * contain the point; they nest by construction. All-zero input forecasts 0 with zero-width intervals.
 *
 * @throws ModcapError SERIES_TOO_SHORT on empty input; BAD_ARGUMENT on negative or non-finite values or a
 *   smoothing parameter outside (0, 1]
 * @example croston({ alpha: 0.1 }).fit([0, 0, 4, 0, 2]).predict(1).point // => [1.3103448] (3.8 / 2.9)
 */
export function croston(options: CrostonOptions = {}): Model {
  const variant = options.variant ?? 'croston';
  const name = variant === 'sba' ? 'croston(sba)' : 'croston';
  for (const a of [options.alpha, options.alphaInterval])
    if (a !== undefined && !(a > 0 && a <= 1))
      throw new ModcapError('BAD_ARGUMENT', `${name}: smoothing parameter must be in (0, 1], got ${a}`, {
        value: a,
      });
  return {
    name,
    fit(y) {
      checkCounts(y, name);
      const n = y.length;
      const aSizes = options.alpha !== undefined ? [options.alpha] : INTERMITTENT_GRID;
      const aInts =
        options.alphaInterval !== undefined
          ? [options.alphaInterval]
          : options.alpha !== undefined
            ? [options.alpha]
            : INTERMITTENT_GRID;
      let best: CrostonRun | undefined;
      for (const az of aSizes)
        for (const ap of aInts) {
          const run = crostonRun(y, az, ap, variant);
          if (best === undefined || run.mse < best.mse - 1e-12) best = run;
        }
      const run = best!;
      return intermittentFitted(
        `${name}`,
        {
          alpha: run.alphaSize,
          alphaInterval: run.alphaInterval,
          size: run.z,
          interval: run.p,
          rate: run.rate,
        },
        y,
        run.fitted,
        run.rate,
        n,
      );
    },
  };
}

interface CrostonRun {
  alphaSize: number;
  alphaInterval: number;
  z: number;
  p: number;
  rate: number;
  fitted: number[];
  mse: number;
}

function crostonRun(y: readonly number[], az: number, ap: number, variant: 'croston' | 'sba'): CrostonRun {
  const n = y.length;
  const factor = variant === 'sba' ? 1 - ap / 2 : 1;
  const fitted = new Array<number>(n).fill(Number.NaN);
  let z = Number.NaN;
  let p = Number.NaN;
  let q = 0; // periods since the last demand
  let se = 0;
  let cnt = 0;
  for (let t = 0; t < n; t++) {
    q++;
    if (!Number.isNaN(z)) {
      fitted[t] = (factor * z) / p;
      se += (y[t] - fitted[t]) ** 2;
      cnt++;
    }
    if (y[t] > 0) {
      if (Number.isNaN(z)) {
        z = y[t];
        p = q;
      } else {
        z += az * (y[t] - z);
        p += ap * (q - p);
      }
      q = 0;
    }
  }
  const rate = Number.isNaN(z) ? 0 : (factor * z) / p;
  return { alphaSize: az, alphaInterval: ap, z, p, rate, fitted, mse: cnt > 0 ? se / cnt : 0 };
}

/** Validates an intermittent-demand input: non-empty, finite, non-negative. */
export function checkCounts(y: readonly number[], name: string): void {
  if (y.length === 0) throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least 1 point, got 0`);
  for (let i = 0; i < y.length; i++)
    if (!(Number.isFinite(y[i]) && y[i] >= 0))
      throw new ModcapError('BAD_ARGUMENT', `${name}: needs finite values ≥ 0, got ${y[i]} at ${i}`, {
        index: i,
        value: y[i],
      });
}

/**
 * The `Fitted` of a flat-rate intermittent model: point = rate for every step; interval bounds =
 * rate + empirical quantiles of the in-sample one-step errors (R type 7), clipped at 0 and widened to
 * contain the point. With no in-sample errors the intervals have zero width.
 */
export function intermittentFitted(
  model: string,
  params: Record<string, unknown>,
  y: readonly number[],
  fitted: number[],
  rate: number,
  n: number,
): Fitted {
  const errors: number[] = [];
  for (let t = 0; t < n; t++) if (!Number.isNaN(fitted[t])) errors.push(y[t] - fitted[t]);
  const point = Math.max(0, rate);
  return {
    model,
    params,
    fitted,
    predict(h, predictOptions = {}) {
      const levels = predictOptions.levels ?? DEFAULT_LEVELS;
      checkLevels(levels);
      const bounds = (level: number) => {
        if (errors.length === 0) return [point, point];
        const lo = Math.max(0, point + quantile(errors, 0.5 - level / 200));
        const hi = Math.max(0, point + quantile(errors, 0.5 + level / 200));
        return [Math.min(point, lo), Math.max(point, hi)];
      };
      return {
        point: new Array<number>(h).fill(point),
        intervals: levels.map((level) => {
          const [lo, hi] = bounds(level);
          return { level, lower: new Array<number>(h).fill(lo), upper: new Array<number>(h).fill(hi) };
        }),
      };
    },
  };
}
