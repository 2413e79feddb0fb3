import { ModcapError } from '../../errors.ts';
import type { Model } from '../types.ts';
import { checkCounts, INTERMITTENT_GRID, intermittentFitted } from './croston.ts';

/** Options of {@link tsb}. */
export interface TsbOptions {
  /** Smoothing of the demand size (updated only when demand occurs); default from the grid. */
  readonly alpha?: number;
  /** Smoothing of the demand probability (updated every period); default from the grid. */
  readonly beta?: number;
}

/**
 * Teunter–Syntetos–Babai (2011, "Intermittent demand: linking forecasting to inventory obsolescence"):
 * the probability of a demand d is smoothed every period, `d ← d + β(1[y>0] − d)`, and the size z only
 * when demand occurs, `z ← z + α(y − z)`; the forecast rate is d·z, flat. Unlike Croston it decays
 * towards 0 through a run of zeros (obsolescence). Initial d = share of non-zero periods, z = mean
 * non-zero size. Unset α, β are chosen from `INTERMITTENT_GRID` by in-sample one-step MSE.
 * Intervals as for `croston`: empirical error quantiles around the rate, ≥ 0, nested.
 *
 * @throws ModcapError SERIES_TOO_SHORT on empty input; BAD_ARGUMENT on negative or non-finite values
 *   or a parameter outside (0, 1]
 * @example tsb({ alpha: 0.5, beta: 0.5 }).fit([0, 2, 0, 2]).predict(1).point // => [1.3125]
 */
export function tsb(options: TsbOptions = {}): Model {
  const name = 'tsb';
  for (const a of [options.alpha, options.beta])
    if (a !== undefined && !(a > 0 && a <= 1))
      throw new ModcapError('BAD_ARGUMENT', `tsb: smoothing parameter must be in (0, 1], got ${a}`, {
        value: a,
      });
  return {
    name,
    fit(y) {
      checkCounts(y, name);
      const n = y.length;
      const nz = y.filter((v) => v > 0);
      const d0 = nz.length / n;
      const z0 = nz.length > 0 ? nz.reduce((a, b) => a + b, 0) / nz.length : 0;
      const as = options.alpha !== undefined ? [options.alpha] : INTERMITTENT_GRID;
      const bs = options.beta !== undefined ? [options.beta] : INTERMITTENT_GRID;
      let best:
        | { alpha: number; beta: number; d: number; z: number; fitted: number[]; mse: number }
        | undefined;
      for (const alpha of as)
        for (const beta of bs) {
          let d = d0;
          let z = z0;
          let se = 0;
          const fitted = new Array<number>(n);
          for (let t = 0; t < n; t++) {
            fitted[t] = d * z;
            se += (y[t] - fitted[t]) ** 2;
            if (y[t] > 0) {
              d += beta * (1 - d);
              z += alpha * (y[t] - z);
            } else d -= beta * d;
          }
          const mse = se / n;
          if (best === undefined || mse < best.mse - 1e-12) best = { alpha, beta, d, z, fitted, mse };
        }
      const b = best!;
      return intermittentFitted(
        name,
        { alpha: b.alpha, beta: b.beta, probability: b.d, size: b.z, rate: b.d * b.z },
        y,
        b.fitted,
        b.d * b.z,
        n,
      );
    },
  };
}
