/**
 * Anomalies in a history (batch): point anomalies by Seasonal Hybrid ESD, level shifts by PELT on daily
 * levels, and data problems, combined into one sorted list of {@link Anomaly} per series.
 */
import type { EventSpec } from '../events/schema.ts';
import { calendarFor, DAY_MS } from '../io/calendar.ts';
import { zForLevel } from '../stats.ts';
import type { Frequency, Series } from '../types.ts';
import { matchEvents } from './match-events.ts';
import { levelShifts } from './pelt.ts';
import { type QualityIssue, qualityIssues } from './quality.ts';
import { shesd } from './shesd.ts';
import type { Anomaly } from './types.ts';

/** Options of {@link detectAnomalies}. */
export interface DetectAnomaliesOptions {
  /** Events calendar: anomalies it explains are labelled (see `matchEvents`). */
  readonly events?: readonly EventSpec[];
  /** Also label spikes and dips next to public holidays of `key.market`. Default false. */
  readonly holidays?: boolean;
  /** Interval level (percent) of the expected ranges. Default 95. */
  readonly level?: number;
  /** Seasonal periods in steps. Default `[24, 168]` hourly, `[7]` daily, `[52]` weekly. */
  readonly periods?: readonly number[];
  /** S-H-ESD: most point anomalies per piece, as a share. Default 0.02. */
  readonly maxShare?: number;
  /** S-H-ESD significance. Default 0.05. */
  readonly alpha?: number;
  /** S-H-ESD piece length in steps. Default 2 weeks of hours, 13 weeks of days, 104 weeks. */
  readonly window?: number;
  /** Minimum days between level shifts (PELT minimum segment on daily levels). Default 3. */
  readonly minSegmentDays?: number;
  /** PELT penalty multiplier (× log n, in noise-variance units). Default 3 (MBIC-like). */
  readonly penaltyFactor?: number;
  /** Level shifts smaller than this many robust sd of the daily level are not reported. Default 3. */
  readonly minShiftSize?: number;
  /**
   * A burst is reported only if at its peak the observed / expected ratio (on log1p counts) is at least
   * this, or at most its inverse: +20 % is not an incident, however regular the series. Default 1.5.
   */
  readonly minRatio?: number;
  /** Detect level shifts. Default true. */
  readonly levelShifts?: boolean;
}

const DEFAULT_PERIODS: Record<Frequency, number[]> = { hour: [24, 168], day: [7], week: [52] };
const DEFAULT_WINDOW: Record<Frequency, number> = { hour: 336, day: 91, week: 104 };
const STEPS_PER_DAY: Record<Frequency, number> = { hour: 24, day: 1, week: 1 / 7 };

/**
 * All anomalies of one series, sorted by start:
 * - `gap`, `flatline`, `zeros` from `qualityIssues` (detector `quality`);
 * - `spike` / `dip`: S-H-ESD on log1p volumes (detector `shesd`), one anomaly per contiguous burst
 *   (flagged points one period apart are merged), with the observed and expected mean over the burst,
 *   the expected interval at `level` (seasonal + robust level ± z · robust sd of the residual) and the
 *   peak |z| as severity; dips inside a zero run are reported once, as `zeros`;
 * - `level-shift`: PELT on daily medians of the deseasonalised log1p series (detector `pelt`); `start` /
 *   `end` bracket the transition (equal for a step, refined to the period for hourly data), `expected`,
 *   `lower`, `upper` and `observed` are means over the two weeks after the transition (the old level
 *   with this season vs what came), `severity` the shift in robust sd of the daily level,
 *   `relativeChange` = exp(after − before) − 1. Point anomalies within ± 1 day of a shift's start or end
 *   in the shift's direction are dropped, so a step is not also reported as a spike.
 * With `events`, explained anomalies carry `event`.
 *
 * Short series (fewer than 8 known points) get only data problems.
 * @example detectAnomalies(series, { events }).filter((a) => a.kind === 'spike').length // => 3
 */
export function detectAnomalies(series: Series, options: DetectAnomaliesOptions = {}): Anomaly[] {
  const values = series.values;
  const n = values.length;
  if (n === 0) return [];
  const freq = series.freq;
  const level = options.level ?? 95;
  const z = zForLevel(level);
  const periods = options.periods ?? DEFAULT_PERIODS[freq];
  const base = { seriesId: series.id, key: series.key, level };
  const ts = series.timestamps;

  const early = qualityIssues(values, { minZeroMass: Number.POSITIVE_INFINITY, minFlatRun: minFlat(freq) });
  const exclude = new Array<boolean>(n).fill(false);
  for (const q of early) for (let i = q.startIndex; i <= q.endIndex; i++) exclude[i] = true;

  const sh = shesd(values, {
    periods,
    maxShare: options.maxShare,
    alpha: options.alpha,
    window: options.window ?? DEFAULT_WINDOW[freq],
    exclude,
  });
  const haveFit = sh.fit.some((v) => Number.isFinite(v));
  const expectedAt = (i: number) => (haveFit ? Math.max(0, Math.expm1(sh.fit[i])) : Number.NaN);
  const expectedArr = values.map((_, i) => expectedAt(i));
  const zeroIssues = haveFit
    ? qualityIssues(values, { expected: expectedArr, minFlatRun: Number.POSITIVE_INFINITY }).filter(
        (q) => q.kind === 'zeros',
      )
    : qualityIssues(values, { minFlatRun: Number.POSITIVE_INFINITY }).filter((q) => q.kind === 'zeros');
  const issues = [...early, ...zeroIssues];
  const out: Anomaly[] = issues.map((q) => qualityAnomaly(q));

  function rangeStats(a: number, b: number, fitShift = 0) {
    let obs = 0;
    let nObs = 0;
    let exp = 0;
    let lo = 0;
    let hi = 0;
    let k = 0;
    for (let i = a; i <= b; i++) {
      if (Number.isFinite(values[i])) {
        obs += values[i];
        nObs++;
      }
      if (haveFit) {
        const f = sh.fit[i] + fitShift;
        const s = Number.isFinite(sh.scale[i]) ? sh.scale[i] : 0;
        exp += Math.max(0, Math.expm1(f));
        lo += Math.max(0, Math.expm1(f - z * s));
        hi += Math.max(0, Math.expm1(f + z * s));
        k++;
      }
    }
    return {
      observed: nObs ? obs / nObs : Number.NaN,
      expected: k ? exp / k : Number.NaN,
      lower: k ? lo / k : Number.NaN,
      upper: k ? hi / k : Number.NaN,
    };
  }

  function qualityAnomaly(q: QualityIssue): Anomaly {
    const st = rangeStats(q.startIndex, q.endIndex);
    let sev = 0;
    if (haveFit && q.kind !== 'gap') {
      for (let i = q.startIndex; i <= q.endIndex; i++) {
        const r = Math.abs(Math.log1p(Math.max(0, values[i])) - sh.fit[i]) / sh.scale[i];
        if (Number.isFinite(r)) sev = Math.max(sev, r);
      }
    }
    return {
      ...base,
      kind: q.kind,
      start: ts[q.startIndex],
      end: ts[q.endIndex],
      startIndex: q.startIndex,
      endIndex: q.endIndex,
      ...st,
      severity: sev,
      detector: 'quality',
    };
  }

  // Level shifts on daily levels.
  const shifts: Anomaly[] = [];
  if (haveFit && (options.levelShifts ?? true)) {
    const flagged = new Set(sh.anomalies);
    const days = dailyLevels(series, sh.transformed, sh.seasonal, (i) => exclude[i] || flagged.has(i));
    const minSeg = Math.max(1, Math.round((options.minSegmentDays ?? 3) * Math.min(1, STEPS_PER_DAY[freq])));
    const found = levelShifts(days.values, {
      minSegment: freq === 'week' ? 2 : minSeg,
      penaltyFactor: options.penaltyFactor,
      minSize: options.minShiftSize,
    });
    const sigmaDay = days.values.length > 1 ? dailySigma(days.values) : 0;
    for (let k = 0; k < found.length; k++) {
      const f = found[k];
      let startIndex = days.first[f.start];
      let endIndex = days.first[f.end];
      if (freq === 'hour' && f.end - f.start <= 1) {
        startIndex = refineStep(sh.transformed, sh.seasonal, days, f.start, exclude, flagged);
        endIndex = startIndex;
      }
      const nextStart = k + 1 < found.length ? days.first[found[k + 1].start] : n;
      const after = Math.min(n, endIndex + Math.round(14 * STEPS_PER_DAY[freq]) + 1, nextStart) - 1;
      let obs = 0;
      let nObs = 0;
      let exp = 0;
      let lo = 0;
      let hi = 0;
      for (let i = endIndex; i <= Math.max(endIndex, after); i++) {
        if (Number.isFinite(values[i])) {
          obs += values[i];
          nObs++;
        }
        const base0 = sh.seasonal[i] + f.before;
        exp += Math.max(0, Math.expm1(base0));
        lo += Math.max(0, Math.expm1(base0 - z * sigmaDay));
        hi += Math.max(0, Math.expm1(base0 + z * sigmaDay));
      }
      const m = Math.max(1, after - endIndex + 1);
      shifts.push({
        ...base,
        kind: 'level-shift',
        start: ts[startIndex],
        end: ts[endIndex],
        startIndex,
        endIndex,
        expected: exp / m,
        lower: lo / m,
        upper: hi / m,
        observed: nObs ? obs / nObs : Number.NaN,
        severity: f.size,
        relativeChange: Math.exp(f.after - f.before) - 1,
        detector: 'pelt',
      });
    }
  }

  // Point anomalies: bursts of flagged points.
  const zflag = sh.anomalies;
  const bursts: [number, number, number][] = [];
  for (const i of zflag) {
    const sign = Math.sign(sh.residual[i]);
    const last = bursts[bursts.length - 1];
    if (last && last[2] === sign && i - last[1] <= 2) last[1] = i;
    else bursts.push([i, i, sign]);
  }
  for (const [a, b, sign] of bursts) {
    const kind = sign > 0 ? 'spike' : 'dip';
    if (kind === 'dip' && zeroIssues.some((q) => q.startIndex <= b && q.endIndex >= a)) continue;
    const covered = shifts.some((s) => {
      const dir = Math.sign(s.relativeChange ?? 0);
      const near = (m: number) => ts[a] <= m + DAY_MS && ts[b] >= m - DAY_MS;
      return dir === sign && (near(s.start) || near(s.end));
    });
    if (covered) continue;
    let sev = 0;
    let peak = 0;
    for (let i = a; i <= b; i++) {
      const r = Math.abs(sh.residual[i]) / sh.scale[i];
      if (Number.isFinite(r)) sev = Math.max(sev, r);
      if (Number.isFinite(sh.residual[i])) peak = Math.max(peak, Math.abs(sh.residual[i]));
    }
    if (peak < Math.log(options.minRatio ?? 1.5)) continue;
    out.push({
      ...base,
      kind,
      start: ts[a],
      end: ts[b],
      startIndex: a,
      endIndex: b,
      ...rangeStats(a, b),
      severity: sev,
      detector: 'shesd',
    });
  }
  out.push(...shifts);
  out.sort((p, q) => p.start - q.start || p.end - q.end);
  if (options.events?.length || options.holidays)
    return matchEvents(out, options.events ?? [], series.timeZone, { holidays: options.holidays });
  return out;
}

/**
 * {@link detectAnomalies} over many series; a series whose detection fails (it should not) falls back
 * to its data problems only, so one bad series never loses the others. Sorted by series id, then start.
 * @example detectAnomaliesMany(series, { events }).length // => all anomalies of all series
 */
export function detectAnomaliesMany(
  series: readonly Series[],
  options: DetectAnomaliesOptions = {},
): Anomaly[] {
  const out: Anomaly[] = [];
  for (const s of series) {
    try {
      out.push(...detectAnomalies(s, options));
    } catch {
      out.push(...detectAnomalies(s, { ...options, periods: [], levelShifts: false }));
    }
  }
  return out.sort((a, b) => (a.seriesId < b.seriesId ? -1 : a.seriesId > b.seriesId ? 1 : a.start - b.start));
}

function minFlat(freq: Frequency): number {
  return freq === 'hour' ? 6 : freq === 'day' ? 4 : 3;
}

interface DailyLevels {
  /** Level per kept day (median of the deseasonalised values). */
  readonly values: number[];
  /** First grid index of each kept day, plus n at the end. */
  readonly first: number[];
  /** Grid indices of each kept day. */
  readonly members: number[][];
}

function dailyLevels(
  series: Series,
  x: readonly number[],
  seasonal: readonly number[],
  skip: (i: number) => boolean,
): DailyLevels {
  const n = x.length;
  const groups: number[][] = [];
  if (series.freq === 'hour') {
    const cal = calendarFor(series.timeZone);
    let cur = Number.NaN;
    for (let i = 0; i < n; i++) {
      const d = cal.dayOf(series.timestamps[i]);
      if (d !== cur) {
        groups.push([]);
        cur = d;
      }
      groups[groups.length - 1].push(i);
    }
  } else for (let i = 0; i < n; i++) groups.push([i]);
  const values: number[] = [];
  const first: number[] = [];
  const members: number[][] = [];
  for (const g of groups) {
    const v = g.filter((i) => !skip(i)).map((i) => x[i] - seasonal[i]);
    if (v.length === 0 || v.length < g.length / 2) continue;
    v.sort((a, b) => a - b);
    const m = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    values.push(m);
    first.push(g[0]);
    members.push(g);
  }
  first.push(n);
  return { values, first, members };
}

function dailySigma(v: readonly number[]): number {
  const d = v.slice(1).map((x, i) => x - v[i]);
  const s = d.slice().sort((a, b) => a - b);
  const med = s[s.length >> 1];
  const abs = d.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  return (1.4826 * abs[abs.length >> 1]) / Math.SQRT2;
}

/** The hour of a step within ±1 day of day `k`: the split minimising the two-mean RSS over ±3 days. */
function refineStep(
  x: readonly number[],
  seasonal: readonly number[],
  days: DailyLevels,
  k: number,
  exclude: readonly boolean[],
  flagged: ReadonlySet<number>,
): number {
  const m = days.members.length;
  const lo = days.first[Math.max(0, k - 3)];
  const hi = days.first[Math.min(m, k + 3)];
  const idx: number[] = [];
  for (let i = lo; i < hi; i++) if (!exclude[i] && !flagged.has(i)) idx.push(i);
  if (idx.length < 4) return days.first[k];
  const v = idx.map((i) => x[i] - seasonal[i]);
  const total = v.reduce((a, b) => a + b, 0);
  const cands = [days.first[Math.max(0, k - 1)], days.first[Math.min(m, k + 2)]];
  let best = days.first[k];
  let bestScore = Number.NEGATIVE_INFINITY;
  let left = 0;
  for (let j = 0; j < idx.length - 1; j++) {
    left += v[j];
    const at = idx[j + 1];
    if (at < cands[0] || at >= cands[1]) continue;
    const nl = j + 1;
    const nr = idx.length - nl;
    // Between-group sum of squares: larger = better split.
    const score = (left * left) / nl + ((total - left) * (total - left)) / nr;
    if (score > bestScore) {
      bestScore = score;
      best = at;
    }
  }
  return best;
}
