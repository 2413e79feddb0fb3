/**
 * What an anomaly detector reports. One shape for batch and streaming detection, for point anomalies,
 * level shifts and data problems alike, so the CLI, the API and the forecaster's cleaning read one type.
 */

/** Kinds of anomaly. */
export type AnomalyKind =
  /** a short burst above the expected level (spam wave, viral post) */
  | 'spike'
  /** a short drop below the expected level (outage, ingestion fault) */
  | 'dip'
  /** the level moved for good (launch, policy change) */
  | 'level-shift'
  /** missing periods in the grid */
  | 'gap'
  /** the same value repeated far longer than the series ever does (a stuck counter) */
  | 'flatline'
  /** a run of zeros where the series is never zero */
  | 'zeros';

/** One anomaly in one series. */
export interface Anomaly {
  /** Series id and key (queue, language, market, …). */
  readonly seriesId: string;
  readonly key: Readonly<Record<string, string>>;
  readonly kind: AnomalyKind;
  /** First and last period start (epoch ms) the anomaly covers, inclusive. */
  readonly start: number;
  readonly end: number;
  /** Grid indices of start and end in the series. */
  readonly startIndex: number;
  readonly endIndex: number;
  /** Expected value (per period, mean over the anomaly) and its interval at `level` percent. */
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  /** Observed value (per period, mean over the anomaly); NaN for gaps. */
  readonly observed: number;
  /**
   * Severity: how far outside the normal range, in robust standard deviations of the residual (for
   * level shifts, the size of the shift in the same units). ≥ 0; larger is worse.
   */
  readonly severity: number;
  /** For level shifts: relative change of the level, (after − before) / before. */
  readonly relativeChange?: number;
  /** The events-calendar event that explains it, if one does (then it is not a surprise). */
  readonly event?: { readonly name: string; readonly type: string };
  /**
   * For a run of zeros found only together with other series (a shared outage, each series alone too small to
   * tell from counting noise): the ids of those series.
   */
  readonly pooledWith?: readonly string[];
  /** The detector that found it, e.g. `shesd`, `pelt`, `quality`, `quality-pooled`, `stream`. */
  readonly detector: string;
}
