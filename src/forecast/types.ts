/**
 * Core types shared by every forecasting model: the series grid, the model contract and the forecast.
 * One contract for every model (STYLE.md §2): `model.fit(y, options)` returns an immutable `Fitted`,
 * whose `predict(h, { levels })` returns a `Forecast`.
 */

/** Step of a regular grid. Days and weeks are calendar days / weeks in the series' time zone. */
export type Frequency = 'hour' | 'day' | 'week';

/** One queue × language (× market, × further keys) volume history on a regular grid in a named time zone. */
export interface Series {
  /** Key columns, e.g. `{ queue: 'reviews', language: 'ja', market: 'JP' }`. */
  readonly key: Readonly<Record<string, string>>;
  /** Stable id built from the key, e.g. `reviews|ja|JP`. */
  readonly id: string;
  readonly freq: Frequency;
  /** IANA time zone the grid lives in (days and weeks start at local midnight). */
  readonly timeZone: string;
  /** Start of each period, epoch milliseconds (UTC instants). Strictly increasing, no holes. */
  readonly timestamps: readonly number[];
  /** Volume per period; `NaN` marks a missing period (a gap is not a zero). */
  readonly values: readonly number[];
}

/** A design matrix of known-in-advance regressors (events, holidays) aligned to a grid. */
export interface Regressors {
  /** Column names, e.g. `holiday:US`, `event:launch-live-ja`. */
  readonly names: readonly string[];
  /** `columns[j][t]` is regressor j at period t. */
  readonly columns: readonly (readonly number[])[];
}

/**
 * What a model may know about the series besides its values. Everything is optional: a model that
 * needs something it is not given falls back (e.g. no calendar → no event regressors).
 */
export interface FitOptions {
  /** Seasonal periods in steps, shortest first (e.g. `[24, 168]` hourly, `[7, 365.25]` daily). */
  readonly periods?: readonly number[];
  /** Period start instants of `y` (epoch ms), for models that use the calendar. */
  readonly timestamps?: readonly number[];
  /** Regressors over history (`length === y.length`) and a function giving them for the next `h` periods. */
  readonly regressors?: {
    readonly history: Regressors;
    readonly future: (h: number) => Regressors;
  };
  /** Observation weights in [0, 1] (0 = ignore, e.g. an imputed gap or a cleaned anomaly). */
  readonly weights?: readonly number[];
}

/** Options of `Fitted.predict`. */
export interface PredictOptions {
  /** Interval levels in percent, e.g. `[80, 95]`. Default `[80, 95]`. */
  readonly levels?: readonly number[];
}

/** One prediction interval: `level` in percent, bounds per horizon step. */
export interface Interval {
  readonly level: number;
  readonly lower: number[];
  readonly upper: number[];
}

/** Point forecast and intervals for steps 1..h after the end of the training data. */
export interface Forecast {
  readonly point: number[];
  /** One per requested level, in the order requested. */
  readonly intervals: Interval[];
}

/** A fitted model: immutable; nothing is filled in later. */
export interface Fitted {
  /** Model name with its chosen form, e.g. `ets(A,Ad,A)` or `snaive(24)`. */
  readonly model: string;
  /** The parameters that produced the numbers (for traceability). */
  readonly params: Readonly<Record<string, unknown>>;
  /** One-step-ahead in-sample fitted values, `length === y.length` (NaN where undefined, e.g. the first season). */
  readonly fitted: readonly number[];
  /** Forecast the next `h` periods. */
  predict(h: number, options?: PredictOptions): Forecast;
}

/** A model specification: a name and a pure `fit`. */
export interface Model {
  readonly name: string;
  /** Fits the model to `y` (no NaN: the caller imputes gaps and passes weights). Throws `ModcapError` on failure. */
  fit(y: readonly number[], options?: FitOptions): Fitted;
}

/** The default interval levels, in percent. */
export const DEFAULT_LEVELS: readonly number[] = [80, 95];
