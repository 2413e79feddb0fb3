import { ModcapError } from '../../errors.ts';
import { checkLevels, normalIntervals } from '../stats.ts';
import { DEFAULT_LEVELS, type Fitted, type Model } from '../types.ts';

/**
 * Seasonal naive: the forecast for step k repeats the last observed value one season back,
 * `ŷ[n+k] = y[n+k − m·ceil(k/m)]`. With several periods the forecast averages the seasonal naive
 * of each period. Intervals follow Hyndman & Athanasopoulos (FPP3 §5.5): sd_k = σ·sqrt(ceil(k/m)),
 * σ from the in-sample seasonal differences. With `period` 1 it is the plain naive (random walk).
 *
 * @param periods seasonal periods in steps (non-integer periods are rounded)
 * @throws ModcapError SERIES_TOO_SHORT when y is shorter than the longest period
 * @example snaive([24]).fit(y).predict(48).point // the last day, twice
 */
export function snaive(periods: readonly number[] = [1]): Model {
  const ms = periods.map((p) => Math.max(1, Math.round(p)));
  const name = `snaive(${ms.join(',')})`;
  return {
    name,
    fit(y) {
      const n = y.length;
      const mMax = Math.max(...ms);
      if (n < mMax)
        throw new ModcapError('SERIES_TOO_SHORT', `${name} needs at least ${mMax} points, got ${n}`);
      const fitted = new Array<number>(n).fill(Number.NaN);
      for (let t = mMax; t < n; t++) {
        let s = 0;
        for (const m of ms) s += y[t - m];
        fitted[t] = s / ms.length;
      }
      let ss = 0;
      let cnt = 0;
      for (let t = mMax; t < n; t++) {
        ss += (y[t] - fitted[t]) ** 2;
        cnt++;
      }
      const sigma = cnt > 0 ? Math.sqrt(ss / cnt) : 0;
      const last = y.slice();
      const fittedModel: Fitted = {
        model: name,
        params: { periods: ms, sigma },
        fitted,
        predict(h, options = {}) {
          const levels = options.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          const point: number[] = [];
          const sds: number[] = [];
          for (let k = 1; k <= h; k++) {
            let s = 0;
            let seasons = 0;
            for (const m of ms) {
              const back = m * Math.ceil(k / m);
              s += last[n + k - 1 - back];
              seasons = Math.max(seasons, Math.ceil(k / m));
            }
            point.push(Math.max(0, s / ms.length));
            sds.push(sigma * Math.sqrt(seasons));
          }
          return { point, intervals: normalIntervals(point, sds, levels) };
        },
      };
      return fittedModel;
    },
  };
}
