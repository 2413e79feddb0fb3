import { ModcapError } from '../errors.ts';
import { defaultCandidates, periodsFor, usablePeriods } from './candidates.ts';
import { impute } from './impute.ts';
import { futureTimestamps } from './io/index.ts';
import { auto, type CandidateScore } from './models/auto.ts';
import { snaive } from './models/snaive.ts';
import { DEFAULT_LEVELS, type FitOptions, type Fitted, type Interval, type Series } from './types.ts';

/** What to forecast and how; plain data so it can cross a worker boundary. */
export interface ForecastRequest {
  /** Horizon in steps of the series' grid. */
  readonly horizon: number;
  /** Interval levels in percent (default 80, 95). */
  readonly levels?: readonly number[];
  /** Candidate model families to consider (default: all). */
  readonly models?: readonly string[];
  /** Rolling origins of the backtest (default 5). */
  readonly origins?: number;
  /** Largest number of models averaged (default 3; 1 = pure selection). */
  readonly maxCombine?: number;
}

/** The forecast of one series with everything that produced it. */
export interface SeriesForecast {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly freq: Series['freq'];
  readonly timeZone: string;
  /** Period starts of the horizon (epoch ms). */
  readonly timestamps: number[];
  readonly point: number[];
  readonly intervals: Interval[];
  /** The model that produced the numbers, e.g. `mean(ar(...), snaive(24))`. */
  readonly model: string;
  /** Why: backtest scores of every candidate, the chosen members and combination. */
  readonly selection: {
    readonly scores: readonly CandidateScore[];
    readonly chosen: readonly string[];
    readonly backtest: unknown;
    readonly combinations: unknown;
  };
  readonly params: Readonly<Record<string, unknown>>;
  /** Gaps in history that were filled (and given zero weight). */
  readonly gapsFilled: number;
  /** Set when the automatic choice failed and a simpler model was used instead. */
  readonly fallback?: { readonly reason: string; readonly model: string };
  readonly historyLength: number;
}

/** Default rolling origins of the backtest. */
export const DEFAULT_ORIGINS = 5;

/**
 * Forecasts one series: fills gaps (zero weight), picks the seasonal periods its grid and length allow,
 * backtests the candidate models at several origins, combines the best, and calibrates the intervals.
 * If that fails, falls back to the seasonal naive (then the naive) and says so in `fallback`.
 *
 * @throws ModcapError SERIES_TOO_SHORT for a series with fewer than 2 known values
 */
export function forecastSeries(series: Series, request: ForecastRequest): SeriesForecast {
  const levels = request.levels ?? DEFAULT_LEVELS;
  const h = request.horizon;
  if (!(Number.isInteger(h) && h > 0))
    throw new ModcapError('BAD_ARGUMENT', `horizon must be a positive integer, got ${h}`);
  const known = series.values.filter((v) => !Number.isNaN(v)).length;
  if (known < 2)
    throw new ModcapError('SERIES_TOO_SHORT', `series ${series.id} has ${known} known values; 2 needed`);
  const periods = usablePeriods(periodsFor(series.freq), series.values.length);
  const { values, weights, filled } = impute(series.values, periods);
  const options: FitOptions = { periods, timestamps: series.timestamps, weights };
  const model = auto({
    candidates: defaultCandidates(values, periods, request.models),
    horizon: h,
    origins: request.origins ?? DEFAULT_ORIGINS,
    maxCombine: request.maxCombine,
  });

  let fitted: Fitted;
  let fallback: SeriesForecast['fallback'];
  try {
    fitted = model.fit(values, options);
  } catch (e) {
    const simple = periods.length ? snaive([periods[0]]) : snaive([1]);
    fitted = (values.length >= (periods[0] ?? 1) ? simple : snaive([1])).fit(values, options);
    fallback = { reason: (e as Error).message, model: fitted.model };
  }
  const f = fitted.predict(h, { levels });
  const p = fitted.params as Record<string, unknown>;
  return {
    id: series.id,
    key: series.key,
    freq: series.freq,
    timeZone: series.timeZone,
    timestamps: futureTimestamps(series, h),
    point: f.point,
    intervals: f.intervals,
    model: fitted.model,
    selection: {
      scores: (p.scores as CandidateScore[]) ?? [],
      chosen: (p.chosen as string[]) ?? [fitted.model],
      backtest: p.backtest,
      combinations: p.combinations,
    },
    params: p,
    gapsFilled: filled,
    fallback,
    historyLength: values.length,
  };
}
