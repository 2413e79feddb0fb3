/**
 * Anomalies in a history (batch): point anomalies by Seasonal Hybrid ESD, level shifts by PELT on daily
 * levels, and data problems, combined into one sorted list of {@link Anomaly} per series.
 */
import { holidaysBetween, isKnownHolidayCountry } from '../events/holidays.ts';
import { eventsFor } from '../events/match.ts';
import type { EventSpec } from '../events/schema.ts';
import { eventSpan } from '../events/shape.ts';
import { calendarFor, DAY_MS } from '../io/calendar.ts';
import { median, normalQuantile, zForLevel } from '../stats.ts';
import type { Frequency, Series } from '../types.ts';
import { matchEvents } from './match-events.ts';
import { countLevels, levelShifts, robustVariance } from './pelt.ts';
import {
  countDispersion,
  type QualityIssue,
  qualityIssues,
  type ZeroRun,
  zeroRunMass,
  zeroRuns,
} from './quality.ts';
import type { Anomaly } from './types.ts';
import { shesdWallClock, wallClockMap } from './wall-clock.ts';

/** Options of {@link detectAnomalies}. */
export interface DetectAnomaliesOptions {
  /** Events calendar: anomalies it explains are labelled (see `matchEvents`). */
  readonly events?: readonly EventSpec[];
  /**
   * {@link detectAnomaliesMany} only: also test runs of zeros together across series that share a key value
   * (a pipeline outage hitting a queue in every language), for low-count series where one series alone cannot
   * tell an outage from quiet hours. Default true.
   */
  readonly pooledZeros?: boolean;
  /** Chance per series (or per group of series, pooled) of a zero run reported from counting noise. Default 0.01. */
  readonly zeroFalseAlarm?: number;
  /**
   * Public holidays of `key.market` (an ISO country date-holidays knows) are expected calendar effects:
   * the pooled effect of a holiday, of the day before and of the day after is estimated from the history
   * (see {@link holidayOffsets}) and becomes part of the expectation, so only deviations beyond it are
   * flagged. Default true (hourly and daily series with a known market).
   */
  readonly holidays?: boolean;
  /** Also label spikes and dips on or next to public holidays of `key.market` (`matchEvents`). Default false. */
  readonly labelHolidays?: boolean;
  /** Interval level (percent) of the expected ranges. Default 95. */
  readonly level?: number;
  /** Seasonal periods in steps. Default `[24, 168]` hourly, `[7]` daily, `[52]` weekly. */
  readonly periods?: readonly number[];
  /** S-H-ESD: most point anomalies per piece, as a share. Default 0.02. */
  readonly maxShare?: number;
  /**
   * S-H-ESD significance for the whole series (family-wise): it is shared among the test pieces
   * (Bonferroni), so a long history does not collect ≈ α false alarms per piece. Default 0.05.
   */
  readonly alpha?: number;
  /** S-H-ESD piece length in steps. Default 2 weeks of hours, 13 weeks of days, 104 weeks. */
  readonly window?: number;
  /**
   * Window lengths (steps) of the sustained-burst test: several periods moderately high together where no
   * single one passes the ESD. Default 3, 6 and 12 hours; 3 and 7 days; none for weekly series. `[]` turns it off.
   */
  readonly burstWindows?: readonly number[];
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
  /**
   * Count-noise test of a burst: its total is compared with the expected total under a negative binomial
   * whose over-dispersion is the robust extra variance of its S-H-ESD piece (var = μ + c² μ² per step,
   * steps independent); the burst is reported only if that two-sided p-value is below `countAlpha / n`
   * (Bonferroni over the series' n steps), so ordinary Poisson / NB fluctuation of low-volume series is
   * not an anomaly. Default 0.05; 1 turns the test off.
   */
  readonly countAlpha?: number;
  /**
   * Same-direction level changes at most this many days apart are one transition (a launch ramping up
   * over weeks, which PELT cuts into a staircase), located by the flat → ramp → flat fit. Default 10.
   */
  readonly rampDays?: number;
  /**
   * With at least 1.9 years of history, model the slow part of the daily level (linear growth plus a
   * yearly cycle of 6 harmonics) jointly with the level shifts (see {@link smoothLevel}) and look for
   * shifts only in what it leaves, so the yearly swing and growth are not cut into steps. Default true.
   */
  readonly yearly?: boolean;
  /** Detect level shifts. Default true. */
  readonly levelShifts?: boolean;
}

const DEFAULT_PERIODS: Record<Frequency, number[]> = { hour: [24, 168], day: [7], week: [52] };
const DEFAULT_WINDOW: Record<Frequency, number> = { hour: 336, day: 91, week: 104 };
/** Window lengths of the sustained-burst test (shesd.ts `sustainedBursts`): hours of a burst, days of a surge. */
const DEFAULT_BURST_WINDOWS: Record<Frequency, number[]> = { hour: [3, 6, 12], day: [3, 7], week: [] };
const STEPS_PER_DAY: Record<Frequency, number> = { hour: 24, day: 1, week: 1 / 7 };

/**
 * All anomalies of one series, sorted by start:
 * - `gap`, `flatline`, `zeros` from `qualityIssues` (detector `quality`);
 * - `spike` / `dip`: S-H-ESD on log1p volumes (detector `shesd`; α for the whole series, public holidays
 *   of `key.market` as expected effects), one anomaly per contiguous burst (flagged points one period
 *   apart are merged) that also stands out from the median residual of the day either side of it and
 *   passes the count-noise test (`countAlpha`), with the observed and expected mean over the burst,
 *   the expected interval at `level` (seasonal + robust level ± z · robust sd of the residual) and the
 *   peak |z| as severity; dips inside a zero run are reported once, as `zeros`;
 * - `level-shift`: PELT on daily medians of the deseasonalised log1p series (detector `pelt`; for a
 *   low-count hourly series, whose median hour is 0 or 1, on log daily mean counts from daily totals with
 *   quasi-Poisson noise, see `countLevels`, where calendar changes need no minimum size and blind shifts
 *   must also pass a quasi-Poisson likelihood-ratio test), minus
 *   growth and yearly cycle with ≥ 1.9 years (`yearly`), days of known promotions left out; `start` /
 *   `end` bracket the transition (equal for a step, refined to the period for hourly data; same-direction
 *   steps up to 45 days apart that one ramp fits as well are one launch ramp, see `levelShifts`), `expected`,
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
  return detectOne(series, options, false).anomalies;
}

/** A run of zeros of one series, as the pooled test across series needs it (plain data: it crosses threads). */
export interface ZeroRunCandidate {
  /** Period starts over the run (epoch ms) and the end of its last period. */
  readonly times: readonly number[];
  readonly end: number;
  /** Expected volume of each period of the run. */
  readonly expected: readonly number[];
  /** Whether the series' own test already reported it. */
  readonly reportedAlone: boolean;
  /** The anomaly to report when the pooled test finds it (labelled by the events calendar like the others). */
  readonly anomaly: Anomaly;
}

/** The zero runs of one series with volume expected over them, for {@link pooledZeroRuns}. */
export interface ZeroRunPool {
  readonly seriesId: string;
  readonly key: Readonly<Record<string, string>>;
  /** Quasi-Poisson dispersion of the series' counts around the expected values. */
  readonly dispersion: number;
  /** Number of periods of the series (the places a run could start). */
  readonly periods: number;
  readonly runs: readonly ZeroRunCandidate[];
}

/**
 * {@link detectAnomalies}, and the series' zero runs for the pooled test across series ({@link pooledZeroRuns});
 * `pool` is absent when the series has no zero run with volume expected (runs it reported itself still count
 * in the pooled test: a shared outage found in a busy series helps find it in the quiet ones).
 */
export function detectAnomaliesWithPool(
  series: Series,
  options: DetectAnomaliesOptions = {},
): { anomalies: Anomaly[]; pool?: ZeroRunPool } {
  return detectOne(series, options);
}

/** The batch detector of one series; with `withPool`, also its zero runs for the pooled test. */
function detectOne(
  series: Series,
  options: DetectAnomaliesOptions,
  withPool = true,
): { anomalies: Anomaly[]; pool?: ZeroRunPool } {
  const values = series.values;
  const n = values.length;
  if (n === 0) return { anomalies: [] };
  const freq = series.freq;
  const level = options.level ?? 95;
  const z = zForLevel(level);
  const periods = options.periods ?? DEFAULT_PERIODS[freq];
  const base = { seriesId: series.id, key: series.key, level };
  const ts = series.timestamps;

  const early = qualityIssues(values, { minZeroMass: Number.POSITIVE_INFINITY, minFlatRun: minFlat(freq) });
  const exclude = new Array<boolean>(n).fill(false);
  for (const q of early) for (let i = q.startIndex; i <= q.endIndex; i++) exclude[i] = true;

  const shOptions = {
    periods,
    maxShare: options.maxShare,
    alpha: (options.alpha ?? 0.05) * Math.min(1, (options.window ?? DEFAULT_WINDOW[freq]) / n),
    window: options.window ?? DEFAULT_WINDOW[freq],
    exclude,
    burstWindows: options.burstWindows ?? DEFAULT_BURST_WINDOWS[freq],
  };
  // the daily and weekly cycles are learnt on the local wall clock (DST moves them by an hour in UTC)
  const wall = wallClockMap(ts, series.timeZone, freq);
  let sh = shesdWallClock(values, wall, shOptions);
  if ((options.holidays ?? true) && freq !== 'week') {
    const offset = holidayOffsets(series, sh.residual);
    if (offset) sh = shesdWallClock(values, wall, { ...shOptions, offset });
  }
  const haveFit = sh.fit.some((v) => Number.isFinite(v));
  const expectedAt = (i: number) => (haveFit ? Math.max(0, Math.expm1(sh.fit[i])) : Number.NaN);
  const expectedArr = values.map((_, i) => expectedAt(i));
  const zeroIssues = haveFit
    ? qualityIssues(values, {
        expected: expectedArr,
        minFlatRun: Number.POSITIVE_INFINITY,
        zeroFalseAlarm: options.zeroFalseAlarm,
      }).filter((q) => q.kind === 'zeros')
    : qualityIssues(values, { minFlatRun: Number.POSITIVE_INFINITY }).filter((q) => q.kind === 'zeros');
  const issues = [...early, ...zeroIssues];
  const out: Anomaly[] = issues.map((q) => qualityAnomaly(q));
  // Every zero run with volume expected: those reported here already count in a pooled test (a shared outage
  // found in one series helps find it in the quieter ones) but are not reported twice.
  const candidates = haveFit && withPool ? zeroRuns(values, expectedArr, 2).filter((r) => r.mass > 0) : [];
  const reportedAlone = (r: ZeroRun) =>
    zeroIssues.some((q) => q.startIndex <= r.endIndex && q.endIndex >= r.startIndex);
  let pool: ZeroRunPool | undefined;
  if (candidates.length > 0) {
    const step = n > 1 ? ts[1] - ts[0] : 1;
    const raw = candidates.map((r) => ({
      ...qualityAnomaly({ kind: 'zeros', startIndex: r.startIndex, endIndex: r.endIndex, value: 0 }),
      detector: 'quality-pooled',
    }));
    const labelled =
      options.events?.length || options.labelHolidays
        ? matchEvents(raw, options.events ?? [], series.timeZone, { holidays: options.labelHolidays })
        : raw;
    pool = {
      seriesId: series.id,
      key: series.key,
      dispersion: countDispersion(values, expectedArr),
      periods: n,
      runs: candidates.map((r, k) => ({
        times: ts.slice(r.startIndex, r.endIndex + 1),
        end: ts[r.endIndex] + step,
        expected: expectedArr.slice(r.startIndex, r.endIndex + 1),
        reportedAlone: reportedAlone(r),
        anomaly: labelled[k],
      })),
    };
  }

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
    const known = temporaryEventMask(series, options.events ?? []);
    const days = dailyLevels(
      series,
      sh.transformed,
      sh.seasonal,
      (i) => exclude[i] || flagged.has(i) || known[i],
    );
    const minSeg = Math.max(1, Math.round((options.minSegmentDays ?? 3) * Math.min(1, STEPS_PER_DAY[freq])));
    const shiftOptions = {
      minSegment: freq === 'week' ? 2 : minSeg,
      penaltyFactor: options.penaltyFactor,
      minSize: options.minShiftSize,
      mergeWithin: freq === 'week' ? undefined : options.rampDays,
      rampWithin: freq === 'week' ? 0 : undefined,
      variance: days.counts?.variance,
      countNoise: days.counts !== undefined,
    };
    const calendar = knownTransitions(series, options.events ?? [], days);
    const knownDays = calendar.map((c) => ({ start: c.startDay, end: c.endDay }));
    const tDays = days.first.slice(0, -1).map((i) => (ts[i] - ts[0]) / DAY_MS);
    const smooth = smoothLevel(
      days.values,
      tDays,
      // Candidates as steps (a ramp merged across a yearly swing would absorb the cycle), plus every calendar
      // transition with its own timing and shape even where this first pass did not confirm it: a launch ramp
      // left out of the regression leaks into the growth and yearly terms, bends the detrended levels around
      // itself and can then fail its own confirmation. Backward elimination drops it when it is small.
      (x) =>
        withKnown(levelShifts(x, { ...shiftOptions, rampWithin: 0, known: knownDays }), knownDays, x.length),
      options.yearly ?? true,
      options.minShiftSize ?? 3,
      6,
      // count noise: a calendar change the data confirmed is kept however small against a day's noise
      days.counts === undefined ? (options.minShiftSize ?? 3) : 0,
    );
    const detrended = days.values.map((v, k) => v - smooth.at(tDays[k]));
    let found = levelShifts(detrended, { ...shiftOptions, known: knownDays });
    const counts = days.counts;
    if (counts) {
      // Blind shifts of a low-count series must also hold under the count likelihood.
      const pen = (options.penaltyFactor ?? 3) * Math.log(Math.max(2, detrended.length));
      found = found.filter(
        (f, k) =>
          f.known !== undefined ||
          countShiftHolds(
            counts,
            k > 0 ? found[k - 1].end : 0,
            f.start,
            f.end,
            k + 1 < found.length ? found[k + 1].start : detrended.length,
            28,
            pen,
          ),
      );
    }
    const sigmaDay = detrended.length > 1 ? dailySigma(detrended) : 0;
    for (let k = 0; k < found.length; k++) {
      const f = found[k];
      let startIndex = days.first[f.start];
      let endIndex = days.first[f.end];
      const cal = f.known === undefined ? undefined : calendar[f.known];
      if (cal && cal.endIndex > cal.startIndex) {
        // A calendar ramp the data confirmed: its onset and end as the calendar has them.
        startIndex = cal.startIndex;
        endIndex = cal.endIndex;
      } else if (freq === 'hour' && f.end - f.start <= 1) {
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
        // Count levels are log mean counts per hour (no hourly profile); others deseasonalised log1p.
        const base0 =
          (days.counts === undefined ? sh.seasonal[i] : 0) + f.before + smooth.at((ts[i] - ts[0]) / DAY_MS);
        const back = days.counts === undefined ? Math.expm1 : Math.exp;
        exp += Math.max(0, back(base0));
        lo += Math.max(0, back(base0 - z * sigmaDay));
        hi += Math.max(0, back(base0 + z * sigmaDay));
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
  const countAlpha = options.countAlpha ?? 0.05;
  const zCount = countAlpha >= 1 ? Number.NEGATIVE_INFINITY : normalQuantile(1 - countAlpha / (2 * n));
  /** (observed − expected total) / sd of the total under count noise with the piece's over-dispersion. */
  const flaggedSet = new Set(zflag);
  const span = Math.max(1, Math.round(STEPS_PER_DAY[freq]));
  function localOffset(a: number, b: number): number {
    if (freq !== 'hour') return 0;
    const r: number[] = [];
    for (let i = Math.max(0, a - span); i <= Math.min(n - 1, b + span); i++) {
      if (i >= a && i <= b) continue;
      if (exclude[i] || flaggedSet.has(i) || !Number.isFinite(sh.residual[i])) continue;
      r.push(sh.residual[i]);
    }
    return r.length >= span / 2 ? median(r) : 0;
  }
  function countZ(a: number, b: number, shift = 0): number {
    let y = 0;
    let m = 0;
    let v = 0;
    for (let i = a; i <= b; i++) {
      if (!Number.isFinite(values[i]) || !Number.isFinite(sh.fit[i])) continue;
      const mu = Math.max(0, Math.expm1(sh.fit[i] + shift));
      const c2 = Math.max(0, sh.scale[i] ** 2 - 1 / (1 + Math.max(mu, 0.25)));
      y += values[i];
      m += mu;
      v += mu + c2 * mu * mu;
    }
    return v > 0 ? (y - m) / Math.sqrt(v) : 0;
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
    // Judge the burst against the local level of the surrounding day (day-level noise, slow drift the
    // running median has not caught up with): the median residual over one day either side of it.
    const shift = localOffset(a, b);
    let peakLocal = 0;
    for (let i = a; i <= b; i++)
      if (Number.isFinite(sh.residual[i])) peakLocal = Math.max(peakLocal, sign * (sh.residual[i] - shift));
    if (peak < Math.log(options.minRatio ?? 1.5) || peakLocal < Math.log(options.minRatio ?? 1.5)) continue;
    if (countZ(a, b, shift) * sign < zCount) continue;
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
  if (options.events?.length || options.labelHolidays)
    return {
      anomalies: matchEvents(out, options.events ?? [], series.timeZone, { holidays: options.labelHolidays }),
      pool,
    };
  return { anomalies: out, pool };
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
  return combineDetections(
    series.map((s) => detectSeriesSafely(s, options)),
    options,
  );
}

/**
 * One series' part of {@link detectAnomaliesMany}: its anomalies and zero-run pool; if detection fails (it should
 * not) it falls back to the series' data problems only. Plain data, so it can run on a worker thread.
 */
export function detectSeriesSafely(
  series: Series,
  options: DetectAnomaliesOptions = {},
): { anomalies: Anomaly[]; pool?: ZeroRunPool } {
  try {
    return detectOne(series, options);
  } catch {
    return { anomalies: detectAnomalies(series, { ...options, periods: [], levelShifts: false }) };
  }
}

/**
 * The per-series parts ({@link detectSeriesSafely}) as {@link detectAnomaliesMany} answers them: with the shared
 * outages of the pooled test, sorted by series id, then start.
 */
export function combineDetections(
  parts: readonly { anomalies: readonly Anomaly[]; pool?: ZeroRunPool }[],
  options: DetectAnomaliesOptions = {},
): Anomaly[] {
  const out = parts.flatMap((p) => [...p.anomalies]);
  if (options.pooledZeros ?? true)
    out.push(
      ...pooledZeroRuns(
        parts.map((p) => p.pool),
        options.zeroFalseAlarm ?? 0.01,
      ),
    );
  return out.sort((a, b) => (a.seriesId < b.seriesId ? -1 : a.seriesId > b.seriesId ? 1 : a.start - b.start));
}

/**
 * Shared outages: runs of zeros that overlap in several series sharing a key value (a queue across its
 * languages, a market across its queues), each too small alone to tell from counting noise. For each run, the
 * overlapping runs of the group's other series are added while the common stretch stays at least 2 periods;
 * the expected volume of all of them over that stretch, against the largest dispersion among them, must pass
 * the same test as one series' run ({@link zeroRunMass}) with the false-alarm rate `alpha` split over the
 * groups. Every run taking part that its series did not report alone is reported, naming the others.
 * @example pooledZeroRuns(series.map((s) => detectAnomaliesWithPool(s).pool), 0.01)
 */
export function pooledZeroRuns(pools: readonly (ZeroRunPool | undefined)[], alpha = 0.01): Anomaly[] {
  const present = pools.filter((p): p is ZeroRunPool => p !== undefined);
  const groups = new Map<string, ZeroRunPool[]>();
  for (const p of present)
    for (const [col, val] of Object.entries(p.key)) {
      if (col === 'timezone') continue;
      const g = groups.get(`${col}=${val}`) ?? [];
      g.push(p);
      groups.set(`${col}=${val}`, g);
    }
  const multi = [...groups.values()].filter((g) => g.length > 1);
  if (multi.length === 0) return [];
  const tests = Math.max(...present.map((p) => p.periods)) * multi.length;
  const reported = new Set<ZeroRunCandidate>();
  const out: Anomaly[] = [];
  const massOver = (r: ZeroRunCandidate, from: number, to: number) => {
    let m = 0;
    for (let k = 0; k < r.times.length; k++)
      if (r.times[k] >= from && r.times[k] < to && Number.isFinite(r.expected[k])) m += r.expected[k];
    return m;
  };
  for (const g of multi) {
    for (const p of g) {
      for (const r of p.runs) {
        if (reported.has(r) || r.reportedAlone) continue;
        let from = r.times[0];
        let to = r.end;
        const minLen = (2 * (r.end - r.times[0])) / r.times.length; // two periods
        // The best-overlapping run of each other series in the group, largest overlap first.
        const others = g
          .filter((q) => q !== p)
          .flatMap((q) => {
            let best: { q: ZeroRunPool; r: ZeroRunCandidate; overlap: number } | undefined;
            for (const c of q.runs) {
              const overlap = Math.min(to, c.end) - Math.max(from, c.times[0]);
              if (overlap >= minLen && (!best || overlap > best.overlap)) best = { q, r: c, overlap };
            }
            return best ? [best] : [];
          })
          .sort((a, b) => b.overlap - a.overlap);
        const members = [{ q: p, r }];
        for (const o of others) {
          const f = Math.max(from, o.r.times[0]);
          const t = Math.min(to, o.r.end);
          if (t - f < minLen) continue;
          from = f;
          to = t;
          members.push({ q: o.q, r: o.r });
        }
        if (members.length < 2) continue;
        const mass = members.reduce((m, x) => m + massOver(x.r, from, to), 0);
        const dispersion = Math.max(...members.map((x) => x.q.dispersion));
        if (!(mass >= zeroRunMass(dispersion, tests, alpha))) continue;
        const ids = members.map((x) => x.q.seriesId);
        for (const x of members) {
          if (reported.has(x.r) || x.r.reportedAlone) continue;
          reported.add(x.r);
          out.push({ ...x.r.anomaly, pooledWith: ids.filter((id) => id !== x.q.seriesId) });
        }
      }
    }
  }
  return out;
}

/**
 * Expected public-holiday effects of a series on the transformed (log1p) scale, aligned with its grid, or
 * `undefined` when its `key.market` is missing or unknown to date-holidays, or no holiday falls in it.
 * Local days are sorted into: holiday, day before one, day after one, and both before and after (between
 * two holidays); each class's effect is the median over its days of the day's median residual (robust to
 * a burst inside a day and to one unusual holiday), used only when the class has at least 3 days.
 * @param residual residual of a first S-H-ESD pass (NaN where unknown)
 * @example holidayOffsets(series, shesd(series.values, { periods: [24, 168] }).residual)?.[i] // => -0.36 on Christmas
 */
export function holidayOffsets(series: Series, residual: readonly number[]): number[] | undefined {
  const country = series.key.market;
  if (!country || series.freq === 'week' || !isKnownHolidayCountry(country)) return undefined;
  const n = residual.length;
  if (n === 0) return undefined;
  const cal = calendarFor(series.timeZone);
  const dayOf = (ms: number) => (series.freq === 'hour' ? cal.dayOf(ms) : Math.floor(ms / DAY_MS));
  const iso = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
  const ts = series.timestamps;
  const d0 = dayOf(ts[0]);
  const d1 = dayOf(ts[n - 1]);
  const hol = holidaysBetween({ country }, iso(d0 - 1), iso(d1 + 1));
  if (hol.size === 0) return undefined;
  const isHol = (d: number) => hol.has(iso(d));
  const classOf = (d: number) =>
    isHol(d) ? 1 : isHol(d + 1) && isHol(d - 1) ? 4 : isHol(d + 1) ? 2 : isHol(d - 1) ? 3 : 0;
  const dayIdx = new Array<number>(n);
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const d = dayOf(ts[i]);
    dayIdx[i] = d;
    if (classOf(d) === 0 || !Number.isFinite(residual[i])) continue;
    const list = byDay.get(d) ?? [];
    list.push(residual[i]);
    byDay.set(d, list);
  }
  const perClass: number[][] = [[], [], [], [], []];
  const minPoints = series.freq === 'hour' ? 12 : 1;
  for (const [d, r] of byDay) if (r.length >= minPoints) perClass[classOf(d)].push(median(r));
  const effect = perClass.map((v) => (v.length >= 3 ? median(v) : 0));
  if (effect.every((e) => e === 0)) return undefined;
  return dayIdx.map((d) => effect[classOf(d)]);
}

/** A launch or policy change of the calendar that touches a series, on its grid and on its kept days. */
interface KnownTransition {
  /** Grid indices of the start and of the end of the ramp (equal for a step). */
  readonly startIndex: number;
  readonly endIndex: number;
  /** The same on the daily levels: the first kept day mostly at or after the instant. */
  readonly startDay: number;
  readonly endDay: number;
}

/**
 * The `step` and `ramp` events of the calendar (any type but `promotion`) touching the series whose start
 * falls inside it, as {@link KnownTransition}s; level-shift detection tests each against the data.
 */
function knownTransitions(
  series: Series,
  events: readonly EventSpec[],
  days: DailyLevels,
): KnownTransition[] {
  const ts = series.timestamps;
  const n = ts.length;
  if (n === 0) return [];
  const gridIndex = (ms: number) => {
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >> 1;
      if (ts[m] < ms) a = m + 1;
      else b = m;
    }
    return a;
  };
  const kept = days.members.length;
  const dayIndex = (i: number) => {
    // The kept day whose first index is the last ≤ i, moved to the next day when i is past its middle.
    let a = 0;
    let b = kept;
    while (a < b) {
      const m = (a + b) >> 1;
      if (days.first[m] <= i) a = m + 1;
      else b = m;
    }
    const k = Math.max(0, a - 1);
    const g = days.members[k];
    return g && i - g[0] > (g[g.length - 1] - g[0]) / 2 ? k + 1 : k;
  };
  const out: KnownTransition[] = [];
  for (const e of eventsFor(series.key, events)) {
    if (e.type === 'promotion' || (e.shape.kind !== 'step' && e.shape.kind !== 'ramp')) continue;
    const start = eventSpan(e, series.timeZone).start;
    if (start <= ts[0] || start > ts[n - 1]) continue;
    const end = e.shape.kind === 'ramp' ? start + e.shape.days * DAY_MS : start;
    const startIndex = gridIndex(start);
    const endIndex = Math.min(n - 1, gridIndex(end));
    out.push({ startIndex, endIndex, startDay: dayIndex(startIndex), endDay: dayIndex(endIndex) });
  }
  return out;
}

/**
 * Shift candidates for {@link smoothLevel}: `found`, with every known transition not among them added at its
 * calendar timing; blind candidates within 14 days of a known transition give way to it (they are the same
 * change, read as steps).
 */
function withKnown(
  found: readonly { start: number; end: number; known?: number; after: number; before: number }[],
  known: readonly { start: number; end: number }[],
  n: number,
): { start: number; end: number; known?: number }[] {
  const confirmed = new Set(found.flatMap((f) => (f.known === undefined ? [] : [f.known])));
  const added = known
    .map((k, i) => ({
      start: Math.round(k.start),
      end: Math.max(Math.round(k.start), Math.round(k.end)),
      known: i,
    }))
    .filter((k) => !confirmed.has(k.known) && k.start > 0 && k.end < n - 1);
  const near = (f: { start: number; end: number }) =>
    added.some((k) => f.end >= k.start - 14 && f.start <= k.end + 14);
  return [...found.filter((f) => f.known !== undefined || !near(f)), ...added].sort(
    (a, b) => a.start - b.start,
  );
}

const YEAR_DAYS = 365.25;

/**
 * Grid points inside a known temporary event touching the series (a `window` event with its pre and post
 * days, or the first 3 e-folding times of a `spike` event): a promotion lifts the level for days but is
 * not a level shift, so these days are left out of the daily levels that PELT sees.
 */
function temporaryEventMask(series: Series, events: readonly EventSpec[]): boolean[] {
  const n = series.values.length;
  const mask = new Array<boolean>(n).fill(false);
  for (const e of eventsFor(series.key, events)) {
    if (e.shape.kind !== 'window' && e.shape.kind !== 'spike') continue;
    const span = eventSpan(e, series.timeZone);
    const end =
      e.shape.kind === 'spike' ? Math.min(span.end, span.start + 3 * e.shape.decayDays * DAY_MS) : span.end;
    for (let i = 0; i < n; i++)
      if (series.timestamps[i] >= span.start && series.timestamps[i] < end) mask[i] = true;
  }
  return mask;
}

/** The slow part of a daily level series: `at(t)` for t in days since the first point. */
export interface SmoothLevel {
  readonly at: (tDays: number) => number;
}

/**
 * Slow part of a daily level series `x` (days at times `t`, in days since the start): linear growth plus
 * a yearly cycle of `harmonics` Fourier pairs, estimated jointly with the level shifts so that neither
 * absorbs the other. Candidate transitions come from `findShifts(x)` on the raw levels (true shifts and
 * steps cut out of the yearly swing alike); one least-squares regression of `x` on intercept, growth,
 * cycle and one step / ramp regressor per candidate is refitted while the smallest candidate is below
 * `minSize` noise sd (`minSizeKnown` for a candidate that confirms a calendar transition, i.e. has
 * `known`) (backward elimination): a swing that repeats every year is explained by the cycle
 * and loses its steps, a launch that happens once keeps its own. Only growth and cycle are returned
 * (centred: zero mean over the data); with less than 1.9 years, or `enabled` false, it is zero.
 * @example smoothLevel(dailyLevels, days, (x) => levelShifts(x)).at(200) // => the Q3 swing + growth at day 200
 */
export function smoothLevel(
  x: readonly number[],
  t: readonly number[],
  findShifts: (x: readonly number[]) => readonly { start: number; end: number; known?: number }[],
  enabled = true,
  minSize = 3,
  harmonics = 6,
  minSizeKnown = minSize,
): SmoothLevel {
  const n = x.length;
  const zero: SmoothLevel = { at: () => 0 };
  if (!enabled || n < 2 * (2 + 2 * harmonics) || t[n - 1] - t[0] < 1.9 * YEAR_DAYS) return zero;
  const tMid = (t[0] + t[n - 1]) / 2;
  const features = (tt: number): number[] => {
    const f = [1, (tt - tMid) / YEAR_DAYS];
    for (let h = 1; h <= harmonics; h++) {
      const w = (2 * Math.PI * h * tt) / YEAR_DAYS;
      f.push(Math.cos(w), Math.sin(w));
    }
    return f;
  };
  const base = t.map(features);
  const q = base[0].length;
  let cands = findShifts(x).map((c) => ({ start: c.start, end: c.end, known: c.known }));
  const ramp = (c: { start: number; end: number }, k: number) =>
    k < c.start ? 0 : k >= c.end ? 1 : (k - c.start + 1) / (c.end - c.start + 1);
  let beta: number[] | undefined;
  for (;;) {
    const p = q + cands.length;
    const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
    for (let k = 0; k < n; k++) {
      const r = [...base[k], ...cands.map((c) => ramp(c, k))];
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) a[i][j] += r[i] * r[j];
        a[i][p] += r[i] * x[k];
      }
    }
    beta = solve(a);
    if (!beta || cands.length === 0) break;
    const b = beta;
    const resid = x.map((v, k) => {
      let f = 0;
      for (let j = 0; j < q; j++) f += base[k][j] * b[j];
      for (let j = 0; j < cands.length; j++) f += ramp(cands[j], k) * b[q + j];
      return v - f;
    });
    const sigma = Math.sqrt(robustVariance(resid));
    let worst = -1;
    for (let j = 0; j < cands.length; j++) {
      const floor = (cands[j].known === undefined ? minSize : minSizeKnown) * sigma;
      if (Math.abs(b[q + j]) < floor && (worst < 0 || Math.abs(b[q + j]) < Math.abs(b[q + worst]))) worst = j;
    }
    if (worst < 0) break;
    cands = cands.filter((_, j) => j !== worst);
  }
  if (!beta) return zero;
  const b = beta;
  const smoothAt = (tt: number) =>
    features(tt).reduce((s, f, j) => s + (j === 0 || j >= q ? 0 : f * b[j]), 0);
  let mean = 0;
  for (let k = 0; k < n; k++) mean += smoothAt(t[k]);
  mean /= n;
  return { at: (tt: number) => smoothAt(tt) - mean };
}

/** Gaussian elimination with partial pivoting on an augmented p × (p + 1) matrix; undefined if singular. */
function solve(a: number[][]): number[] | undefined {
  const p = a.length;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (!(Math.abs(a[piv][c]) > 1e-12)) return undefined;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = c + 1; r < p; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= p; j++) a[r][j] -= f * a[c][j];
    }
  }
  const x = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let s = a[r][p];
    for (let j = r + 1; j < p; j++) s -= a[r][j] * x[j];
    x[r] = s / a[r][r];
  }
  return x;
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
  /**
   * Set for a low-count series: `values` are log mean counts per hour of each day (daily totals, see
   * `countLevels`) and this is their quasi-Poisson noise variance.
   */
  readonly counts?: {
    readonly variance: number;
    readonly dispersion: number;
    /** Count total and counted hours of each kept day. */
    readonly totals: readonly number[];
    readonly exposure: readonly number[];
  };
}

/**
 * Quasi-Poisson likelihood-ratio test of a blind level shift on a low-count series: the totals of up to
 * `reach` days before `start` (from `lo`) and from `end` (to `hi`) at one rate vs at two rates; the
 * deviance / dispersion must reach `penalty`. On log mean counts a few days of very low totals look like
 * a large shift under the constant noise variance, which the count likelihood does not support.
 */
function countShiftHolds(
  c: NonNullable<DailyLevels['counts']>,
  lo: number,
  start: number,
  end: number,
  hi: number,
  reach: number,
  penalty: number,
): boolean {
  const a = Math.max(lo, start - reach);
  const b = Math.min(hi, end + reach);
  let y1 = 0;
  let e1 = 0;
  let y2 = 0;
  let e2 = 0;
  for (let k = a; k < start; k++) {
    y1 += c.totals[k];
    e1 += c.exposure[k];
  }
  for (let k = end; k < b; k++) {
    y2 += c.totals[k];
    e2 += c.exposure[k];
  }
  if (!(e1 > 0 && e2 > 0)) return false;
  const r = (y1 + y2) / (e1 + e2);
  const term = (y: number, e: number) => (y > 0 ? y * Math.log(y / (r * e)) : 0);
  return (2 * (term(y1, e1) + term(y2, e2))) / c.dispersion >= penalty;
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
  const totals: number[] = [];
  const exposure: number[] = [];
  const raw = series.values;
  for (const g of groups) {
    const keep = g.filter((i) => !skip(i));
    if (keep.length === 0 || keep.length < g.length / 2) continue;
    const v = keep.map((i) => x[i] - seasonal[i]);
    v.sort((a, b) => a - b);
    const m = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    values.push(m);
    let t = 0;
    for (const i of keep) if (Number.isFinite(raw[i])) t += Math.max(0, raw[i]);
    totals.push(t);
    exposure.push(keep.length);
    first.push(g[0]);
    members.push(g);
  }
  first.push(n);
  if (series.freq === 'hour' && values.length > 0 && lowCount(series.values)) {
    // Most hours 0 or 1: the daily median of log1p values is quantised to a few values and blind to
    // the rate, so the level is the day's mean count, with quasi-Poisson noise.
    const c = countLevels(totals, exposure);
    return {
      values: c.values,
      first,
      members,
      counts: { variance: c.variance, dispersion: c.dispersion, totals, exposure },
    };
  }
  return { values, first, members };
}

/**
 * True when a count series is too low for per-step medians: its median step (known values) is at
 * most 1 and its values are whole numbers ≥ 0.
 */
function lowCount(v: readonly number[]): boolean {
  const known: number[] = [];
  for (const y of v) {
    if (!Number.isFinite(y)) continue;
    if (y < 0 || !Number.isInteger(y)) return false;
    known.push(y);
  }
  return known.length > 0 && median(known) <= 1;
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
