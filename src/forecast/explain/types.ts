/**
 * Shared shapes of the explain capability: a stored forecast read back from disk, and the leaf totals
 * that attribution works on.
 */

/** One prediction interval of one stored forecast row; `level` in percent. */
export interface StoredInterval {
  readonly level: number;
  readonly lower: number;
  readonly upper: number;
}

/** One row of a stored forecast: one series (key) and one period. */
export interface ForecastRow {
  /** Key columns, e.g. `{ queue: 'reviews', language: 'ja', market: 'JP' }`. */
  readonly key: Readonly<Record<string, string>>;
  /** Period start, epoch milliseconds. */
  readonly timestamp: number;
  readonly point: number;
  /** One per level the file holds (in increasing level order). */
  readonly intervals: readonly StoredInterval[];
  /** The model that produced the row, when the file says. */
  readonly model?: string;
}

/** A forecast as `modcap forecast` wrote it, read back and validated. */
export interface StoredForecast {
  readonly file: string;
  readonly format: 'csv' | 'json';
  /** Key column names, in file order. */
  readonly keys: readonly string[];
  /** Interval levels in percent, increasing. */
  readonly levels: readonly number[];
  readonly rows: readonly ForecastRow[];
}

/** Forecast and actual totals of one leaf (a series) over the period looked at. */
export interface LeafTotal {
  readonly key: Readonly<Record<string, string>>;
  readonly forecast: number;
  readonly actual: number;
}
