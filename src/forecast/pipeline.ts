import { ModcapError } from '../errors.ts';
import { detectAnomalies, detectAnomaliesWithPool, type ZeroRunPool } from './anomalies/batch.ts';
import type { Anomaly } from './anomalies/types.ts';
import { defaultCandidates, type Preset, periodsFor, usablePeriods } from './candidates.ts';
import {
  applyEventEffects,
  buildRegressors,
  type EventEffect,
  type EventImpact,
  type EventSpec,
  eventEffects,
  type HolidayOptions,
} from './events/index.ts';
import { impute } from './impute.ts';
import { futureTimestamps } from './io/index.ts';
import { auto, type CandidateScore } from './models/auto.ts';
import { regression } from './models/regression.ts';
import { snaive } from './models/snaive.ts';
import { DEFAULT_LEVELS, type FitOptions, type Fitted, type Interval, type Series } from './types.ts';

/** What to forecast and how; plain data so it can cross a worker boundary. */
export interface ForecastRequest {
  /** Horizon in steps of the series' grid. */
  readonly horizon: number;
  /** Interval levels in percent (default 80, 95). */
  readonly levels?: readonly number[];
  /** Candidate model families to consider (overrides the preset). */
  readonly models?: readonly string[];
  /** Candidate preset: `fast` (default) or `full` (every family; slower, a little more accurate). */
  readonly preset?: Preset;
  /** Rolling origins of the backtest (default 5). */
  readonly origins?: number;
  /** Largest number of models averaged (default 3; 1 = pure selection). */
  readonly maxCombine?: number;
  /** Known events (launches, policy changes, promotions); each series takes those that touch it. */
  readonly events?: readonly EventSpec[];
  /** Holiday calendar; default: the series' `market` as a country; `false`: none. */
  readonly holidays?: HolidayOptions | false;
  /**
   * Clean history before fitting: point anomalies and data problems found by the batch detector (not
   * explained by a calendar event) are treated as gaps, filled and given zero weight. Default true (the demo
   * holdout gains 0.17 WAPE points and a point of interval coverage: bench/README.md, cleaning); false fits
   * the raw history.
   */
  readonly clean?: boolean;
  /**
   * Also find every anomaly of the history (the batch detector with level shifts, as `modcap anomalies` does)
   * and return them in `anomalies`; cleaning then uses the same detection (one pass instead of two).
   */
  readonly reportAnomalies?: boolean;
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
  /** Effect of each event touching the series, and where it comes from (estimated, file uplift, type average). */
  readonly eventEffects: readonly EventEffect[];
  /** What each event adds to this forecast over the horizon. */
  readonly eventImpacts: readonly EventImpact[];
  /** Holiday calendar used (e.g. `US`), or null. */
  readonly holidayCalendar: string | null;
  /** Anomalies removed from history before fitting (with `clean`). */
  readonly cleaned: readonly Anomaly[];
  /** Every anomaly of the history, with `reportAnomalies`. */
  readonly anomalies?: readonly Anomaly[];
  /** With `reportAnomalies`: the series' zero runs for the pooled test across series (`pooledZeroRuns`). */
  readonly zeroPool?: ZeroRunPool;
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
  let history = series.values;
  let cleaned: Anomaly[] = [];
  const detected = request.reportAnomalies
    ? detectAnomaliesWithPool(series, { events: request.events })
    : undefined;
  const anomalies = detected?.anomalies;
  if (request.clean ?? true) {
    cleaned = (anomalies ?? detectAnomalies(series, { events: request.events, levelShifts: false })).filter(
      (a) => a.kind !== 'level-shift' && a.kind !== 'gap' && !a.event,
    );
    if (cleaned.length) {
      const masked = series.values.slice();
      for (const a of cleaned) for (let t = a.startIndex; t <= a.endIndex; t++) masked[t] = Number.NaN;
      history = masked;
    }
  }
  const { values, weights } = impute(history, periods);
  const future = (k: number) => futureTimestamps(series, k);
  const regressors = buildRegressors({
    key: series.key,
    timestamps: series.timestamps,
    freq: series.freq,
    timeZone: series.timeZone,
    events: request.events,
    holidays: request.holidays,
    futureTimestamps: future,
  });
  const options: FitOptions = {
    periods,
    timestamps: series.timestamps,
    weights,
    regressors: regressors.fitOptions,
  };
  const model = auto({
    candidates: defaultCandidates(values, {
      periods,
      freq: series.freq,
      only: request.models,
      preset: request.preset,
      hasRegressors: regressors.history.names.length > 0,
    }),
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
  const p = fitted.params as Record<string, unknown>;
  const timestamps = future(h);
  let forecast = fitted.predict(h, { levels });
  let effects: EventEffect[] = [];
  let impacts: EventImpact[] = [];
  if (regressors.events.length > 0) {
    // estimates of the events seen in history come from the regression model: the chosen member's,
    // else a regression fitted for the purpose
    const members = (p.members as { model: string; params: Record<string, unknown> }[] | undefined) ?? [];
    const member = members.find((m) => m.model.startsWith('regression'));
    let estimates = member?.params.effects as Record<string, number> | undefined;
    if (!estimates && regressors.events.some((e) => e.estimable)) {
      try {
        estimates = regression().fit(values, options).params.effects as Record<string, number>;
      } catch {
        estimates = undefined;
      }
    }
    const shapes = regressors.eventShapes(h, timestamps);
    effects = eventEffects({ events: regressors.events, estimates, future: shapes });
    // the regression member already holds the estimated events; the other members do not, and take
    // the effects in proportion to their share of the combination
    const share = member ? 1 - 1 / Math.max(1, members.length) : 1;
    const scaled = effects.map((e) =>
      e.source === 'estimated' && share < 1
        ? { ...e, relativeEffect: Math.expm1(Math.log1p(e.relativeEffect) * share) }
        : e,
    );
    const applied = applyEventEffects(forecast, timestamps, scaled, shapes);
    forecast = applied.forecast;
    impacts = applied.impacts
      .filter((imp) => imp.steps > 0)
      .map((imp) => ({
        ...imp,
        relativeEffect: effects.find((e) => e.name === imp.name)?.relativeEffect ?? imp.relativeEffect,
      }));
  }
  return {
    id: series.id,
    key: series.key,
    freq: series.freq,
    timeZone: series.timeZone,
    timestamps,
    point: forecast.point,
    intervals: forecast.intervals,
    model: fitted.model,
    selection: {
      scores: (p.scores as CandidateScore[]) ?? [],
      chosen: (p.chosen as string[]) ?? [fitted.model],
      backtest: p.backtest,
      combinations: p.combinations,
    },
    params: p,
    eventEffects: effects,
    eventImpacts: impacts,
    holidayCalendar: regressors.calendar,
    cleaned,
    ...(anomalies && { anomalies }),
    ...(detected?.pool && { zeroPool: detected.pool }),
    gapsFilled: series.values.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0),
    fallback,
    historyLength: values.length,
  };
}
