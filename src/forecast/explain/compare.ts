import { ModcapError } from '../../errors.ts';
import { calendarFor, isoWeekday } from '../io/calendar.ts';
import { seriesId } from '../io/series-id.ts';
import type { Frequency, Series } from '../types.ts';
import type { ForecastRow } from './types.ts';

/** Coverage of one interval level: how many actuals fell inside, above and below. */
export interface LevelCoverage {
  /** Level in percent. */
  readonly level: number;
  /** Periods with an actual and this interval. */
  readonly n: number;
  /** Share (0..1) of those periods whose actual lies inside `[lower, upper]`. */
  readonly coverage: number;
  readonly above: number;
  readonly below: number;
}

/** Accuracy of a set of (actual, forecast) pairs. Volumes in the file's units. */
export interface Accuracy {
  /** Number of periods with both a forecast and an actual. */
  readonly n: number;
  /** Sum of actuals and of point forecasts over those periods. */
  readonly actual: number;
  readonly forecast: number;
  readonly mae: number;
  /** Mean of 100·|a − f| / a over periods with a > 0, in percent (NaN when none). */
  readonly mape: number;
  /** Periods left out of MAPE because the actual is 0. */
  readonly mapeSkipped: number;
  /** 100 · Σ|a − f| / Σa, percent. */
  readonly wape: number;
  /** Mean of f − a per period (positive = over-forecast). */
  readonly bias: number;
  /** Σ(f − a). */
  readonly biasTotal: number;
  /** 100 · Σ(f − a) / Σa, percent of actual volume. */
  readonly biasPercent: number;
  /** One per interval level, increasing; empty at an aggregated grain (intervals do not add up). */
  readonly intervals: readonly LevelCoverage[];
}

/** A period whose actual left a prediction interval. */
export interface Excursion {
  readonly timestamp: number;
  readonly actual: number;
  readonly point: number;
  readonly side: 'above' | 'below';
  /** The widest level whose interval the actual left (percent). */
  readonly level: number;
  /** The bound of that interval that was crossed. */
  readonly bound: number;
  /** How far beyond the bound, in volume (always > 0). */
  readonly by: number;
  /** `by` as percent of the point forecast (NaN when the point is 0). */
  readonly byPercent: number;
}

/** Matched periods of one series: forecast joined to actuals. */
export interface SeriesComparison {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly freq: Frequency;
  readonly timeZone: string;
  readonly accuracy: Accuracy;
  readonly excursions: readonly Excursion[];
  /** Timestamps that have a forecast but no actual (outside the actual grid, or a gap). */
  readonly missingActuals: readonly number[];
  /** Matched periods, in time order. */
  readonly timestamps: readonly number[];
  readonly actuals: readonly number[];
  readonly points: readonly number[];
}

/** Accuracy of one series at a coarser grain. */
export interface GrainSeries {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly accuracy: Accuracy;
  readonly periods: readonly { timestamp: number; actual: number; forecast: number }[];
}

/** The result of {@link compareForecast}. */
export interface Comparison {
  /** First and last matched period start (epoch ms); NaN when nothing matched. */
  readonly from: number;
  readonly to: number;
  readonly levels: readonly number[];
  /** Accuracy pooled over every matched period of every series. */
  readonly total: Accuracy;
  readonly series: readonly SeriesComparison[];
  readonly missing: {
    /** Forecast series with no actual series of the same key. */
    readonly seriesWithoutActuals: readonly { id: string; key: Record<string, string>; rows: number }[];
    /** Actual series with periods in the compared window but no forecast at all. */
    readonly seriesWithoutForecast: readonly { id: string; key: Record<string, string> }[];
    /** Forecast periods of matched series that have no actual (sum of `missingActuals`). */
    readonly periodsWithoutActual: number;
  };
  /** Present when `options.grain` was given. */
  readonly grain?: {
    readonly grain: 'day' | 'week';
    readonly total: Accuracy;
    readonly series: readonly GrainSeries[];
  };
}

/** Options of {@link compareForecast}. */
export interface CompareOptions {
  /** Only periods starting at or after this instant (epoch ms). */
  readonly from?: number;
  /** Only periods starting before this instant (epoch ms, exclusive). */
  readonly to?: number;
  /** Also report accuracy on local calendar days or weeks (sums of the matched periods). */
  readonly grain?: 'day' | 'week';
  /** First day of a week for `grain: 'week'`, ISO (1 = Monday). Default 1. */
  readonly weekStart?: number;
}

/**
 * The series id used to join a forecast to actuals: {@link seriesId} of the key without its empty
 * values (a CSV writes `''` for a key column a series lacks).
 *
 * @example joinId({ queue: 'reviews', language: 'ja', market: '' }) // => 'reviews|ja'
 */
export function joinId(key: Readonly<Record<string, string>>): string {
  const k: Record<string, string> = {};
  for (const [name, v] of Object.entries(key)) if (v !== '') k[name] = v;
  return seriesId(k);
}

/**
 * Accuracy of paired actuals and point forecasts, with interval coverage per level. Pairs whose actual is
 * NaN are skipped.
 *
 * @example accuracyOf([10, 0], [12, 1]).wape // => 30
 */
export function accuracyOf(
  actual: readonly number[],
  point: readonly number[],
  intervals: readonly { level: number; lower: readonly number[]; upper: readonly number[] }[] = [],
): Accuracy {
  let n = 0;
  let sa = 0;
  let sf = 0;
  let abs = 0;
  let ape = 0;
  let apeN = 0;
  let skipped = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    if (Number.isNaN(a)) continue;
    const f = point[i];
    n++;
    sa += a;
    sf += f;
    abs += Math.abs(a - f);
    if (a > 0) {
      ape += (100 * Math.abs(a - f)) / a;
      apeN++;
    } else skipped++;
  }
  const cov: LevelCoverage[] = intervals.map((iv) => {
    let m = 0;
    let above = 0;
    let below = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i];
      if (Number.isNaN(a) || Number.isNaN(iv.lower[i])) continue;
      m++;
      if (a > iv.upper[i]) above++;
      else if (a < iv.lower[i]) below++;
    }
    return { level: iv.level, n: m, coverage: m ? (m - above - below) / m : Number.NaN, above, below };
  });
  return {
    n,
    actual: sa,
    forecast: sf,
    mae: n ? abs / n : Number.NaN,
    mape: apeN ? ape / apeN : Number.NaN,
    mapeSkipped: skipped,
    wape: sa > 0 ? (100 * abs) / sa : Number.NaN,
    bias: n ? (sf - sa) / n : Number.NaN,
    biasTotal: sf - sa,
    biasPercent: sa > 0 ? (100 * (sf - sa)) / sa : Number.NaN,
    intervals: cov,
  };
}

interface Matched {
  ts: number[];
  a: number[];
  f: number[];
  lower: number[][];
  upper: number[][];
  missing: number[];
}

/**
 * Joins a stored forecast with actuals by series key and timestamp and measures the miss: per series
 * and pooled over all series, MAE, MAPE (zero actuals skipped and counted), WAPE, bias (forecast −
 * actual, per period, in total and as percent of actual volume), coverage per interval level, and the
 * periods whose actual left an interval (side, widest level left, by how much). Nothing is silently
 * dropped: forecast series without actuals, actual series without a forecast (within the window), and
 * forecast periods without an actual are listed in `missing`. With `options.grain`, accuracy is also
 * computed on local calendar days or weeks in each series' time zone (sums of the matched periods;
 * no coverage there, since interval bounds do not add up).
 *
 * Keys are matched with {@link joinId} (empty key values ignored).
 *
 * @throws ModcapError BAD_ARGUMENT when `from` is not before `to`
 * @example
 * const c = compareForecast(readForecast('out/forecast.csv').rows, await readVolumes('actuals.csv'));
 * c.total.wape // => 7.4 (percent)
 */
export function compareForecast(
  forecastRows: readonly ForecastRow[],
  actuals: readonly Series[],
  options: CompareOptions = {},
): Comparison {
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  if (!(from < to)) {
    throw new ModcapError('BAD_ARGUMENT', 'the window is empty: --from must be before --to', {
      value: { from, to },
    });
  }
  const levelSet = new Set<number>();
  const byId = new Map<string, { key: Record<string, string>; rows: ForecastRow[] }>();
  for (const r of forecastRows) {
    if (r.timestamp < from || r.timestamp >= to) continue;
    const id = joinId(r.key);
    let g = byId.get(id);
    if (!g) {
      g = { key: { ...r.key }, rows: [] };
      byId.set(id, g);
    }
    g.rows.push(r);
    for (const iv of r.intervals) levelSet.add(iv.level);
  }
  const levels = [...levelSet].sort((a, b) => a - b);
  const actualById = new Map<string, Series>();
  for (const s of actuals) actualById.set(joinId(s.key), s);

  const series: SeriesComparison[] = [];
  const seriesWithoutActuals: { id: string; key: Record<string, string>; rows: number }[] = [];
  let periodsWithoutActual = 0;
  const all: Matched = {
    ts: [],
    a: [],
    f: [],
    lower: levels.map(() => []),
    upper: levels.map(() => []),
    missing: [],
  };
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;

  for (const [id, g] of byId) {
    const s = actualById.get(id);
    if (!s) {
      seriesWithoutActuals.push({ id, key: g.key, rows: g.rows.length });
      continue;
    }
    const index = new Map<number, number>();
    s.timestamps.forEach((t, i) => {
      index.set(t, i);
    });
    const rows = [...g.rows].sort((x, y) => x.timestamp - y.timestamp);
    const m: Matched = {
      ts: [],
      a: [],
      f: [],
      lower: levels.map(() => []),
      upper: levels.map(() => []),
      missing: [],
    };
    for (const r of rows) {
      const i = index.get(r.timestamp);
      const a = i === undefined ? Number.NaN : s.values[i];
      if (Number.isNaN(a)) {
        m.missing.push(r.timestamp);
        continue;
      }
      m.ts.push(r.timestamp);
      m.a.push(a);
      m.f.push(r.point);
      levels.forEach((level, j) => {
        const iv = r.intervals.find((x) => x.level === level);
        m.lower[j].push(iv ? iv.lower : Number.NaN);
        m.upper[j].push(iv ? iv.upper : Number.NaN);
      });
    }
    periodsWithoutActual += m.missing.length;
    const ivs = levels.map((level, j) => ({ level, lower: m.lower[j], upper: m.upper[j] }));
    series.push({
      id,
      key: g.key,
      freq: s.freq,
      timeZone: s.timeZone,
      accuracy: accuracyOf(m.a, m.f, ivs),
      excursions: excursionsOf(m, levels),
      missingActuals: m.missing,
      timestamps: m.ts,
      actuals: m.a,
      points: m.f,
    });
    all.ts.push(...m.ts);
    all.a.push(...m.a);
    all.f.push(...m.f);
    levels.forEach((_, j) => {
      all.lower[j].push(...m.lower[j]);
      all.upper[j].push(...m.upper[j]);
    });
    if (m.ts.length > 0) {
      minTs = Math.min(minTs, m.ts[0]);
      maxTs = Math.max(maxTs, m.ts[m.ts.length - 1]);
    }
  }

  // Actual series with periods inside the compared window but not one forecast row.
  const lo = Number.isFinite(minTs) ? minTs : from;
  const hi = Number.isFinite(maxTs) ? maxTs : to;
  const seriesWithoutForecast: { id: string; key: Record<string, string> }[] = [];
  for (const [id, s] of actualById) {
    if (byId.has(id)) continue;
    if (s.timestamps.some((t) => t >= lo && t <= hi && t >= from && t < to)) {
      seriesWithoutForecast.push({ id, key: { ...s.key } });
    }
  }

  const ivsAll = levels.map((level, j) => ({ level, lower: all.lower[j], upper: all.upper[j] }));
  const result: Comparison = {
    from: Number.isFinite(minTs) ? minTs : Number.NaN,
    to: Number.isFinite(maxTs) ? maxTs : Number.NaN,
    levels,
    total: accuracyOf(all.a, all.f, ivsAll),
    series,
    missing: { seriesWithoutActuals, seriesWithoutForecast, periodsWithoutActual },
  };
  if (options.grain) return { ...result, grain: byGrain(series, options.grain, options.weekStart ?? 1) };
  return result;
}

function excursionsOf(m: Matched, levels: readonly number[]): Excursion[] {
  const out: Excursion[] = [];
  for (let i = 0; i < m.ts.length; i++) {
    const a = m.a[i];
    // levels increase, so walk from the widest down: the first interval left is the widest one left
    for (let j = levels.length - 1; j >= 0; j--) {
      const lower = m.lower[j][i];
      const upper = m.upper[j][i];
      if (Number.isNaN(lower)) continue;
      const side = a > upper ? 'above' : a < lower ? 'below' : null;
      if (side === null) continue;
      const bound = side === 'above' ? upper : lower;
      const by = Math.abs(a - bound);
      out.push({
        timestamp: m.ts[i],
        actual: a,
        point: m.f[i],
        side,
        level: levels[j],
        bound,
        by,
        byPercent: m.f[i] === 0 ? Number.NaN : (100 * by) / Math.abs(m.f[i]),
      });
      break;
    }
  }
  return out;
}

function byGrain(series: readonly SeriesComparison[], grain: 'day' | 'week', weekStart: number) {
  const out: GrainSeries[] = [];
  const allA: number[] = [];
  const allF: number[] = [];
  for (const s of series) {
    const cal = calendarFor(s.timeZone);
    const sums = new Map<number, { actual: number; forecast: number }>();
    for (let i = 0; i < s.timestamps.length; i++) {
      let dn = cal.dayOf(s.timestamps[i]);
      if (grain === 'week') dn -= (isoWeekday(dn) - weekStart + 7) % 7;
      const start = cal.dayStart(dn);
      const c = sums.get(start) ?? { actual: 0, forecast: 0 };
      c.actual += s.actuals[i];
      c.forecast += s.points[i];
      sums.set(start, c);
    }
    const periods = [...sums.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([timestamp, v]) => ({ timestamp, ...v }));
    const a = periods.map((p) => p.actual);
    const f = periods.map((p) => p.forecast);
    allA.push(...a);
    allF.push(...f);
    out.push({ id: s.id, key: s.key, accuracy: accuracyOf(a, f), periods });
  }
  return { grain, total: accuracyOf(allA, allF), series: out };
}
