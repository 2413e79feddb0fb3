import { ModcapError } from '../../errors.ts';
import type { Frequency, Series } from '../types.ts';
import { calendarFor, HOUR_MS, isoWeekday } from './calendar.ts';
import type { VolumeSeries } from './types.ts';

/** Options of {@link aggregate}. */
export interface AggregateOptions {
  /** First day of a week, ISO numbering (1 = Monday … 7 = Sunday). Default 1. */
  readonly weekStart?: number;
  /**
   * What a period containing a gap (a `NaN` sub-period) becomes: `'nan'` (default) — the total is
   * unknown, so the period is a gap too; `'sum'` — the sum of the observed sub-periods (a period with no
   * observed sub-period stays `NaN`).
   */
  readonly partial?: 'nan' | 'sum';
  /**
   * Periods at either end that the series covers only in part (it starts at 10:00, or ends mid-week):
   * `'trim'` (default) drops them; `'keep'` keeps them, treating the uncovered sub-periods as gaps
   * (so they follow `partial`).
   */
  readonly edges?: 'trim' | 'keep';
}

const RANK: Record<Frequency, number> = { hour: 0, day: 1, week: 2 };

function countGaps(values: readonly number[]): number {
  let g = 0;
  for (const v of values) if (Number.isNaN(v)) g++;
  return g;
}

/**
 * Sums an hourly series into local calendar days or weeks, or a daily series into weeks, in the series'
 * time zone: a day is local midnight to local midnight, so a 23-hour DST day sums 23 hours and a 25-hour
 * day 25; a week starts at local midnight of `weekStart`. Gaps follow `options.partial`, partly covered
 * end periods follow `options.edges`. The result's `gaps` counts its `NaN` periods. Aggregating to the
 * series' own frequency returns it unchanged (for weekly series `weekStart` is not applied).
 *
 * @throws ModcapError BAD_ARGUMENT when `to` is finer than the series, or `weekStart` is not 1..7
 * @example aggregate(hourly, 'day').values[0] // => sum of the first local day's hours
 */
export function aggregate(series: Series, to: 'day' | 'week', options: AggregateOptions = {}): VolumeSeries {
  const weekStart = options.weekStart ?? 1;
  if (!Number.isInteger(weekStart) || weekStart < 1 || weekStart > 7) {
    throw new ModcapError('BAD_ARGUMENT', `weekStart must be an ISO weekday 1..7, got ${weekStart}`, {
      value: weekStart,
    });
  }
  if (RANK[to] === undefined) {
    throw new ModcapError('BAD_ARGUMENT', `cannot aggregate to "${to}"; use day or week`, { value: to });
  }
  if (RANK[to] < RANK[series.freq]) {
    throw new ModcapError('BAD_ARGUMENT', `cannot aggregate a ${series.freq}ly series to ${to}s (finer)`, {
      series: series.id,
    });
  }
  if (to === series.freq) {
    return {
      ...series,
      timestamps: [...series.timestamps],
      values: [...series.values],
      gaps: countGaps(series.values),
    };
  }
  const partial = options.partial ?? 'nan';
  const keepEdges = (options.edges ?? 'trim') === 'keep';
  const cal = calendarFor(series.timeZone);
  const ts = series.timestamps;
  const vs = series.values;
  const n = ts.length;

  // The local day of each point, walking forward (the points are sorted).
  const periodOf = (dn: number) => (to === 'day' ? dn : dn - ((isoWeekday(dn) - weekStart + 7) % 7));
  const expected = (start: number): number => {
    const days = to === 'day' ? 1 : 7;
    return series.freq === 'hour' ? (cal.dayStart(start + days) - cal.dayStart(start)) / HOUR_MS : days;
  };

  const timestamps: number[] = [];
  const values: number[] = [];
  let current = Number.NaN;
  let sum = 0;
  let count = 0;
  let missing = 0;
  const flush = () => {
    if (Number.isNaN(current)) return;
    const want = expected(current);
    const complete = count >= want;
    if (complete || keepEdges) {
      const gaps = missing + Math.max(0, want - count);
      let v: number;
      if (gaps === 0) v = sum;
      else if (partial === 'sum' && gaps < want) v = sum;
      else v = Number.NaN;
      timestamps.push(cal.dayStart(current));
      values.push(v);
    }
  };

  let dn = n > 0 ? cal.dayOf(ts[0]) : 0;
  let nextDay = cal.dayStart(dn + 1);
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    while (t >= nextDay) {
      dn++;
      nextDay = cal.dayStart(dn + 1);
    }
    const p = periodOf(dn);
    if (p !== current) {
      flush();
      current = p;
      sum = 0;
      count = 0;
      missing = 0;
    }
    count++;
    const v = vs[i];
    if (Number.isNaN(v)) missing++;
    else sum += v;
  }
  flush();
  return {
    key: series.key,
    id: series.id,
    freq: to,
    timeZone: series.timeZone,
    timestamps,
    values,
    gaps: countGaps(values),
  };
}
