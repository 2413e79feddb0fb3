/**
 * Seeded generator of the modcap demo dataset: hourly content-moderation volumes per queue × language,
 * the events a user knows about, and the ground truth of everything injected (for anomaly and
 * event-effect benchmarks).
 *
 * Library: `generateDemo({ seed, start, end, queues?, languages? })` returns `{ rows, events, truth }`.
 * CLI:     `node --import tsx data/generate.ts [--seed N] [--out data/demo] [--start ISO] [--end ISO]`
 *          writes volumes.csv, events.json, truth.json and README.md into the out folder.
 *
 * The hourly mean of a series (queue q, language l, market m, time zone z) at UTC instant t is
 *
 *   μ(t) = level[q,l] · exp(g[q,l] · years(t − epoch)) · daily_q(local hour) · weekly_q(local weekday)
 *          · yearly_q(local day of year) · holiday_{q,m}(local date) · Π_events (1 + uplift · shape(t))
 *          · exp(d(local day) − sd²/2) · anomaly(t)
 *
 * with d an AR(1) day-level noise, and the count is negative binomial: y ~ Poisson(μ · G/size),
 * G ~ Gamma(size). Local time comes from the IANA zone (so daylight-saving shifts move the pattern in UTC).
 * The fixed design lives in demo-spec.ts; the seed drives the noise and the unknown anomalies.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { ModcapError } from '../src/errors.ts';
import {
  ANOMALY_RATES,
  BASE_DAILY,
  DAILY,
  DAY_NOISE,
  DEMO_LOCALES,
  DEMO_QUEUES,
  type DemoEvent,
  type DemoEventSpec,
  type DemoLocale,
  type DemoQueue,
  DISPERSION,
  GROWTH_LANGUAGE,
  GROWTH_QUEUE,
  HOLIDAY_EFFECT,
  KNOWN_EVENTS,
  LEVELS,
  TREND_EPOCH,
  WEEKEND_DAILY_SHIFT_HOURS,
  WEEKLY,
  YEARLY,
} from './demo-spec.ts';
import {
  hashSeed,
  mulberry32,
  negBinomial,
  type Rng,
  standardNormal,
  uniform,
  uniformInt,
} from './random.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

/** The default range of the committed demo: two full years, hourly (end exclusive). */
export const DEFAULT_START = '2024-11-01T00:00:00Z';
/** See DEFAULT_START. */
export const DEFAULT_END = '2026-11-01T00:00:00Z';
/** The seed of the committed demo. */
export const DEFAULT_SEED = 42;

/** Options of generateDemo. */
export interface GenerateOptions {
  /** Integer seed of all random draws (default 42). */
  seed?: number;
  /** First hour, an ISO instant on the hour (default 2024-11-01T00:00:00Z). */
  start?: string;
  /** End of the range, exclusive, an ISO instant on the hour (default 2026-11-01T00:00:00Z). */
  end?: string;
  /** Subset of queues (default all five). */
  queues?: readonly string[];
  /** Subset of languages (default all six). */
  languages?: readonly string[];
}

/** One CSV row: one series in one hour. */
export interface DemoRow {
  /** ISO UTC instant of the start of the hour, e.g. 2025-03-01T00:00:00Z. */
  timestamp: string;
  queue: string;
  language: string;
  market: string;
  timezone: string;
  /** Items that arrived in the hour (non-negative integer). */
  volume: number;
}

/** Names one series. */
export interface SeriesRef {
  queue: string;
  language: string;
  market: string;
}

/** A spam wave (plateau) or viral post (jump then exponential decay) injected into one series. */
export interface TruthSpike {
  id: string;
  kind: 'spam_wave' | 'viral_post';
  series: SeriesRef[];
  /** First affected hour (ISO UTC). */
  start: string;
  /** End of the last affected hour (exclusive). */
  end: string;
  hours: number;
  /** μ is multiplied by this in the first hour (and in every hour of a spam wave). */
  peakMultiplier: number;
  /** Viral posts: multiplier 1 + (peak − 1)·exp(−k/decayHours) in hour k = 0, 1, … */
  decayHours?: number;
  /** Σ μ·(multiplier − 1) over the affected hours, rounded: the expected extra items. */
  expectedExtraVolume: number;
}

/** An outage: volume near zero for some hours (a data problem, not real demand). */
export interface TruthOutage {
  id: string;
  kind: 'pipeline' | 'single_series';
  series: SeriesRef[];
  start: string;
  end: string;
  hours: number;
  /** μ is multiplied by this during the outage. */
  residualFraction: number;
  /** Σ μ·(1 − residualFraction), rounded: the expected items missing from the data. */
  expectedLostVolume: number;
}

/** Hours whose rows are absent from volumes.csv. */
export interface TruthGap {
  id: string;
  series: SeriesRef;
  /** Each missing hour (ISO UTC). */
  hours: string[];
}

/** A known event as applied. */
export interface TruthEvent extends DemoEventSpec {
  /** Whether the event's effect overlaps the generated range. */
  inHistory: boolean;
  series: SeriesRef[];
}

/** Everything the generator injected, for scoring anomaly detection and event-effect estimates. */
export interface DemoTruth {
  generator: {
    name: string;
    version: number;
    seed: number;
    start: string;
    end: string;
    hours: number;
    rows: number;
    formula: string;
    intervals: string;
  };
  series: Array<
    SeriesRef & {
      timezone: string;
      levelPerHour: number;
      growthPerYear: number;
      dispersionSize: number;
      zeroShare: number;
      rows: number;
    }
  >;
  profiles: {
    baseDaily: readonly number[];
    daily: typeof DAILY;
    weekendDailyShiftHours: number;
    weekly: typeof WEEKLY;
    yearly: typeof YEARLY;
    dayNoise: typeof DAY_NOISE;
    trendEpoch: string;
  };
  holidays: {
    source: string;
    effects: typeof HOLIDAY_EFFECT;
    dates: Record<string, Array<{ date: string; name: string }>>;
  };
  events: TruthEvent[];
  spikes: TruthSpike[];
  outages: TruthOutage[];
  gaps: TruthGap[];
}

/** What generateDemo returns. */
export interface DemoResult {
  /** Sorted by queue, language (spec order), then time; gap hours are absent. */
  rows: DemoRow[];
  /** The known events, for events.json (past ones without uplift). */
  events: DemoEvent[];
  truth: DemoTruth;
}

/** ISO instant without milliseconds: 2025-03-01T00:00:00Z. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function parseInstant(value: string | undefined, fallback: string, name: string): number {
  const text = value ?? fallback;
  const ms = Date.parse(text);
  if (!/T.*(Z|[+-]\d\d:?\d\d)$/.test(text) || !Number.isFinite(ms))
    throw new ModcapError('BAD_ARGUMENT', `${name} must be an ISO instant with a zone, e.g. ${fallback}`, {
      column: name,
      value: text,
    });
  if (ms % HOUR_MS !== 0)
    throw new ModcapError('BAD_ARGUMENT', `${name} must be on the hour`, { column: name, value: text });
  return ms;
}

function pickSubset<T extends string>(
  all: readonly T[],
  wanted: readonly string[] | undefined,
  name: string,
): T[] {
  if (wanted === undefined) return all.slice();
  if (wanted.length === 0)
    throw new ModcapError('BAD_ARGUMENT', `${name} must not be empty`, { column: name, value: wanted });
  for (const w of wanted)
    if (!all.includes(w as T))
      throw new ModcapError(
        'BAD_ARGUMENT',
        `unknown ${name.replace(/s$/, '')} "${w}"; known: ${all.join(', ')}`,
        {
          column: name,
          value: w,
        },
      );
  return all.filter((a) => wanted.includes(a));
}

/** Per-hour local calendar of one time zone over the range. */
interface LocalCalendar {
  hour: Float64Array; // local hour of day incl. minutes, 0 <= h < 24
  weekday: Uint8Array; // 0 = Monday
  day: Int32Array; // local date as days since 1970-01-01
  dayOfYear: Uint16Array; // 0 = 1 January
}

function localCalendar(timezone: string, startMs: number, n: number): LocalCalendar {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid)
    throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', `unknown time zone ${timezone}`, { value: timezone });
  const cal: LocalCalendar = {
    hour: new Float64Array(n),
    weekday: new Uint8Array(n),
    day: new Int32Array(n),
    dayOfYear: new Uint16Array(n),
  };
  for (let i = 0; i < n; i++) {
    const ms = startMs + i * HOUR_MS;
    const local = ms + zone.offset(ms) * 60_000;
    const d = new Date(local);
    cal.hour[i] = d.getUTCHours() + d.getUTCMinutes() / 60;
    cal.weekday[i] = (d.getUTCDay() + 6) % 7;
    cal.day[i] = Math.floor(local / DAY_MS);
    cal.dayOfYear[i] = cal.day[i] - Date.UTC(d.getUTCFullYear(), 0, 1) / DAY_MS;
  }
  return cal;
}

/** The 24 hourly factors of a queue's daily profile (mean 1). */
function dailyTable(queue: DemoQueue): number[] {
  const { power, shiftHours } = DAILY[queue];
  const raw: number[] = [];
  for (let h = 0; h < 24; h++) raw.push(interpolateCircular(BASE_DAILY, h - shiftHours) ** power);
  const m = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((v) => v / m);
}

function interpolateCircular(table: readonly number[], x: number): number {
  const n = table.length;
  const xm = ((x % n) + n) % n;
  const i = Math.floor(xm);
  const f = xm - i;
  return table[i] * (1 - f) + table[(i + 1) % n] * f;
}

function yearlyTable(queue: DemoQueue): Float64Array {
  const t = new Float64Array(366);
  for (let doy = 0; doy < 366; doy++) {
    let s = 0;
    for (const b of YEARLY[queue]) {
      const raw = Math.abs(doy - b.dayOfYear);
      const d = Math.min(raw, 365 - raw);
      s += b.size * Math.exp((-d * d) / (2 * b.sdDays * b.sdDays));
    }
    t[doy] = Math.exp(s);
  }
  return t;
}

/** Public holidays of a market as local day numbers (days since 1970-01-01) → name. */
function marketHolidays(market: string, fromYear: number, toYear: number): Map<number, string> {
  const hd = new Holidays(market);
  const out = new Map<number, string>();
  for (let y = fromYear; y <= toYear; y++) {
    for (const h of hd.getHolidays(y, 'en')) {
      if (h.type !== 'public') continue;
      const [yy, mm, dd] = h.date.slice(0, 10).split('-').map(Number);
      const first = Date.UTC(yy, mm - 1, dd) / DAY_MS;
      const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
      for (let k = 0; k < days; k++) {
        const prev = out.get(first + k);
        out.set(first + k, prev && prev !== h.name ? `${prev}; ${h.name}` : h.name);
      }
    }
  }
  return out;
}

/**
 * The shape of a known event at UTC instant `ms`, in [0, 1]; the series mean is multiplied by
 * `(1 + uplift) ^ shape`, so at full shape by `1 + uplift` (the log-linear form modcap's event regressors fit).
 * step: 1 from start on. ramp: min(1, elapsed / days). spike: exp(−elapsed / decayDays) from start on.
 * window: 1 inside [start − preDays, end + postDays) (end defaults to start + 1 day), else 0.
 *
 * @example eventShapeAt({ name: 'x', type: 'launch', start: '2025-01-01T00:00:00Z', shape: { kind: 'ramp', days: 10 } }, Date.parse('2025-01-06T00:00:00Z')) // => 0.5
 */
export function eventShapeAt(event: DemoEvent, ms: number): number {
  const start = Date.parse(event.start);
  const shape = event.shape;
  switch (shape.kind) {
    case 'step':
      return ms >= start ? 1 : 0;
    case 'ramp':
      return ms < start ? 0 : Math.min(1, (ms - start) / (shape.days * DAY_MS));
    case 'spike':
      return ms < start ? 0 : Math.exp(-(ms - start) / (shape.decayDays * DAY_MS));
    case 'window': {
      const [a, b] = eventSpan(event);
      return ms >= a && ms < b ? 1 : 0;
    }
  }
}

function eventSpan(event: DemoEvent): [number, number] {
  const start = Date.parse(event.start);
  const shape = event.shape;
  if (shape.kind === 'window') {
    const end = event.end !== undefined ? Date.parse(event.end) : start + DAY_MS;
    return [start - (shape.preDays ?? 0) * DAY_MS, end + (shape.postDays ?? 0) * DAY_MS];
  }
  return [start, Number.POSITIVE_INFINITY];
}

function eventApplies(event: DemoEvent, s: SeriesRef): boolean {
  return (
    (event.queues === undefined || event.queues.includes(s.queue)) &&
    (event.languages === undefined || event.languages.includes(s.language)) &&
    (event.markets === undefined || event.markets.includes(s.market))
  );
}

interface SeriesState extends SeriesRef {
  q: DemoQueue;
  locale: DemoLocale;
  key: string;
  /** Anomaly multiplier per hour (1 = none). */
  anomaly: Float64Array;
  /** Hours whose row is dropped. */
  gap: Uint8Array;
  /** Occupied hour intervals [a, b), so anomalies on one series do not overlap. */
  busy: Array<[number, number]>;
}

const ANOMALY_SPACING_HOURS = 24;

function isFree(s: SeriesState, a: number, b: number): boolean {
  return s.busy.every(([x, y]) => b + ANOMALY_SPACING_HOURS <= x || a >= y + ANOMALY_SPACING_HOURS);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function ref(s: SeriesState): SeriesRef {
  return { queue: s.queue, language: s.language, market: s.market };
}

/** Draw the unknown anomalies (spikes, outages, gaps) into the series' multiplier and gap arrays. */
function drawAnomalies(
  rng: Rng,
  series: SeriesState[],
  startMs: number,
  n: number,
): {
  spikes: Array<Omit<TruthSpike, 'expectedExtraVolume'> & { at: SeriesState; from: number }>;
  outages: Array<Omit<TruthOutage, 'expectedLostVolume'> & { at: SeriesState[]; from: number }>;
  gaps: TruthGap[];
} {
  const spikes: ReturnType<typeof drawAnomalies>['spikes'] = [];
  const outages: ReturnType<typeof drawAnomalies>['outages'] = [];
  const gaps: TruthGap[] = [];
  if (n < 72) return { spikes, outages, gaps };
  const days = n / 24;
  const among = (queues: DemoQueue[]) => {
    const hit = series.filter((s) => queues.includes(s.q));
    return hit.length > 0 ? hit : series;
  };
  const tryPlace = (candidates: () => SeriesState[], minH: number, maxH: number) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const targets = candidates();
      const hours = Math.min(uniformInt(rng, minH, maxH), Math.max(1, Math.floor(n / 10)));
      const a = uniformInt(rng, 0, n - hours);
      if (targets.every((s) => isFree(s, a, a + hours))) {
        for (const s of targets) s.busy.push([a, a + hours]);
        return { targets, a, hours };
      }
    }
    return undefined;
  };

  const spamPool = among(['reviews', 'comments', 'listings']);
  const spamCount = Math.max(1, Math.round(days * ANOMALY_RATES.spamWavesPerDay));
  for (let k = 0; k < spamCount; k++) {
    const placed = tryPlace(() => [spamPool[uniformInt(rng, 0, spamPool.length - 1)]], 3, 12);
    if (!placed) continue;
    const peak = round(uniform(rng, 2.5, 6), 2);
    const s = placed.targets[0];
    for (let i = placed.a; i < placed.a + placed.hours; i++) s.anomaly[i] = peak;
    spikes.push({
      id: '',
      kind: 'spam_wave',
      series: [ref(s)],
      start: iso(startMs + placed.a * HOUR_MS),
      end: iso(startMs + (placed.a + placed.hours) * HOUR_MS),
      hours: placed.hours,
      peakMultiplier: peak,
      at: s,
      from: placed.a,
    });
  }

  const viralPool = among(['livestream_reports', 'comments']);
  const viralCount = Math.max(1, Math.round(days * ANOMALY_RATES.viralPostsPerDay));
  for (let k = 0; k < viralCount; k++) {
    const decay = round(uniform(rng, 2, 5), 2);
    const hours = Math.ceil(3 * decay) + 1;
    const placed = tryPlace(() => [viralPool[uniformInt(rng, 0, viralPool.length - 1)]], hours, hours);
    if (!placed) continue;
    const peak = round(uniform(rng, 3, 8), 2);
    const s = placed.targets[0];
    for (let j = 0; j < placed.hours; j++) s.anomaly[placed.a + j] = 1 + (peak - 1) * Math.exp(-j / decay);
    spikes.push({
      id: '',
      kind: 'viral_post',
      series: [ref(s)],
      start: iso(startMs + placed.a * HOUR_MS),
      end: iso(startMs + (placed.a + placed.hours) * HOUR_MS),
      hours: placed.hours,
      peakMultiplier: peak,
      decayHours: decay,
      at: s,
      from: placed.a,
    });
  }

  const queuesPresent = [...new Set(series.map((s) => s.q))];
  const outageCount = Math.max(1, Math.round(days * ANOMALY_RATES.outagesPerDay));
  for (let k = 0; k < outageCount; k++) {
    const pipeline = k % 2 === 1;
    const candidates = pipeline
      ? () => {
          const q = queuesPresent[uniformInt(rng, 0, queuesPresent.length - 1)];
          return series.filter((s) => s.q === q);
        }
      : () => [series[uniformInt(rng, 0, series.length - 1)]];
    const placed = tryPlace(candidates, 2, 8);
    if (!placed) continue;
    const residual = round(uniform(rng, 0, 0.03), 3);
    for (const s of placed.targets)
      for (let i = placed.a; i < placed.a + placed.hours; i++) s.anomaly[i] = residual;
    outages.push({
      id: '',
      kind: pipeline ? 'pipeline' : 'single_series',
      series: placed.targets.map(ref),
      start: iso(startMs + placed.a * HOUR_MS),
      end: iso(startMs + (placed.a + placed.hours) * HOUR_MS),
      hours: placed.hours,
      residualFraction: residual,
      at: placed.targets,
      from: placed.a,
    });
  }

  // one block of missing hours on one series, three isolated missing hours on another
  const block = tryPlace(() => [series[uniformInt(rng, 0, series.length - 1)]], 5, 30);
  if (block) {
    const s = block.targets[0];
    const hours: string[] = [];
    for (let i = block.a; i < block.a + block.hours; i++) {
      s.gap[i] = 1;
      hours.push(iso(startMs + i * HOUR_MS));
    }
    gaps.push({ id: 'gap-1', series: ref(s), hours });
  }
  const others = series.filter((s) => !block || s !== block.targets[0]);
  const scatterOn = others.length > 0 ? others[uniformInt(rng, 0, others.length - 1)] : series[0];
  const scattered: number[] = [];
  for (let k = 0; k < 3; k++) {
    const placed = tryPlace(() => [scatterOn], 1, 1);
    if (!placed) continue;
    scatterOn.gap[placed.a] = 1;
    scattered.push(placed.a);
  }
  if (scattered.length > 0)
    gaps.push({
      id: 'gap-2',
      series: ref(scatterOn),
      hours: scattered.sort((a, b) => a - b).map((i) => iso(startMs + i * HOUR_MS)),
    });

  const byStart = <T extends { start: string }>(a: T, b: T) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
  spikes.sort(byStart).forEach((s, i) => {
    s.id = `spike-${i + 1}`;
  });
  outages.sort(byStart).forEach((o, i) => {
    o.id = `outage-${i + 1}`;
  });
  return { spikes, outages, gaps };
}

/**
 * Generate the demo: hourly volumes for each queue × language in [start, end), the known events and the
 * truth. Deterministic: the same options give identical results (each series has its own random stream
 * seeded from `seed` and its key; anomalies have one stream of their own). At least one spam wave, viral
 * post, outage and gap is drawn in any range of 72 hours or more; shorter ranges get none.
 *
 * @throws ModcapError BAD_ARGUMENT for a non-integer seed, an instant that is not ISO with a zone or not on
 *   the hour, end <= start, or an unknown queue or language
 * @example generateDemo({ seed: 1, start: '2025-01-06T00:00:00Z', end: '2025-01-07T00:00:00Z', queues: ['reviews'], languages: ['en'] }).rows.length // => 24
 */
export function generateDemo(options: GenerateOptions = {}): DemoResult {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed))
    throw new ModcapError('BAD_ARGUMENT', 'seed must be an integer', { column: 'seed', value: seed });
  const startMs = parseInstant(options.start, DEFAULT_START, 'start');
  const endMs = parseInstant(options.end, DEFAULT_END, 'end');
  if (endMs <= startMs)
    throw new ModcapError('BAD_ARGUMENT', 'end must be after start', { column: 'end', value: options.end });
  const queues = pickSubset(DEMO_QUEUES, options.queues, 'queues');
  const languages = pickSubset(
    DEMO_LOCALES.map((l) => l.language),
    options.languages,
    'languages',
  );
  const locales = DEMO_LOCALES.filter((l) => languages.includes(l.language));
  const n = (endMs - startMs) / HOUR_MS;
  const epochMs = Date.parse(TREND_EPOCH);

  const timestamps: string[] = [];
  for (let i = 0; i < n; i++) timestamps.push(iso(startMs + i * HOUR_MS));
  const calendars = new Map(locales.map((l) => [l.timezone, localCalendar(l.timezone, startMs, n)]));
  const fromYear = new Date(startMs).getUTCFullYear() - 1;
  const toYear = new Date(endMs).getUTCFullYear() + 1;
  const holidays = new Map(locales.map((l) => [l.market, marketHolidays(l.market, fromYear, toYear)]));

  const series: SeriesState[] = [];
  for (const q of queues)
    for (const l of locales)
      series.push({
        q,
        queue: q,
        language: l.language,
        market: l.market,
        locale: l,
        key: `${q}/${l.language}`,
        anomaly: new Float64Array(n).fill(1),
        gap: new Uint8Array(n),
        busy: [],
      });

  const anomalies = drawAnomalies(mulberry32(hashSeed(seed, 'anomalies')), series, startMs, n);

  const rows: DemoRow[] = [];
  const baseMean = new Map<SeriesState, Float64Array>();
  const seriesTruth: DemoTruth['series'] = [];
  for (const s of series) {
    const rng = mulberry32(hashSeed(seed, s.key));
    const cal = calendars.get(s.locale.timezone)!;
    const hol = holidays.get(s.market)!;
    const daily = dailyTable(s.q);
    const weekly = WEEKLY[s.q];
    const weeklyMean = weekly.reduce((a, b) => a + b, 0) / 7;
    const yearly = yearlyTable(s.q);
    const he = HOLIDAY_EFFECT[s.q];
    const level = LEVELS[s.q][s.language];
    const growth = GROWTH_QUEUE[s.q] + GROWTH_LANGUAGE[s.language];
    const size = DISPERSION[s.q];
    const events = KNOWN_EVENTS.filter((e) => eventApplies(e, s));
    const means = new Float64Array(n);
    let day = Number.NaN;
    let dayNoise = DAY_NOISE.sd * standardNormal(rng);
    let zeros = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const ms = startMs + i * HOUR_MS;
      if (cal.day[i] !== day) {
        if (!Number.isNaN(day))
          dayNoise =
            DAY_NOISE.rho * dayNoise + Math.sqrt(1 - DAY_NOISE.rho ** 2) * DAY_NOISE.sd * standardNormal(rng);
        day = cal.day[i];
      }
      const weekend = cal.weekday[i] >= 5;
      const hourFactor = interpolateCircular(daily, cal.hour[i] - (weekend ? WEEKEND_DAILY_SHIFT_HOURS : 0));
      let holidayFactor = 1;
      if (hol.has(day)) holidayFactor = 1 + he.on;
      else {
        if (hol.has(day + 1)) holidayFactor *= 1 + he.before;
        if (hol.has(day - 1)) holidayFactor *= 1 + he.after;
      }
      let eventFactor = 1;
      for (const e of events) {
        const k = eventShapeAt(e, ms);
        if (k !== 0) eventFactor *= (1 + e.trueUplift) ** k;
      }
      const mu =
        level *
        Math.exp((growth * (ms - epochMs)) / YEAR_MS) *
        hourFactor *
        (weekly[cal.weekday[i]] / weeklyMean) *
        yearly[cal.dayOfYear[i]] *
        holidayFactor *
        eventFactor *
        Math.exp(dayNoise - (DAY_NOISE.sd * DAY_NOISE.sd) / 2);
      means[i] = mu;
      const volume = negBinomial(rng, mu * s.anomaly[i], size);
      if (s.gap[i]) continue;
      rows.push({
        timestamp: timestamps[i],
        queue: s.queue,
        language: s.language,
        market: s.market,
        timezone: s.locale.timezone,
        volume,
      });
      count++;
      if (volume === 0) zeros++;
    }
    baseMean.set(s, means);
    seriesTruth.push({
      ...ref(s),
      timezone: s.locale.timezone,
      levelPerHour: level,
      growthPerYear: round(growth, 4),
      dispersionSize: size,
      zeroShare: count > 0 ? round(zeros / count, 4) : 0,
      rows: count,
    });
  }

  const spikes: TruthSpike[] = anomalies.spikes.map(({ at, from, ...rest }) => {
    const m = baseMean.get(at)!;
    let extra = 0;
    for (let i = from; i < from + rest.hours; i++) extra += m[i] * (at.anomaly[i] - 1);
    return { ...rest, expectedExtraVolume: Math.round(extra) };
  });
  const outages: TruthOutage[] = anomalies.outages.map(({ at, from, ...rest }) => {
    let lost = 0;
    for (const s of at) {
      const m = baseMean.get(s)!;
      for (let i = from; i < from + rest.hours; i++) lost += m[i] * (1 - rest.residualFraction);
    }
    return { ...rest, expectedLostVolume: Math.round(lost) };
  });

  const holidayDates: DemoTruth['holidays']['dates'] = {};
  for (const l of locales) {
    const firstDay = Math.floor(startMs / DAY_MS) - 1;
    const lastDay = Math.floor(endMs / DAY_MS) + 1;
    holidayDates[l.market] = [...holidays.get(l.market)!.entries()]
      .filter(([d]) => d >= firstDay && d <= lastDay)
      .sort((a, b) => a[0] - b[0])
      .map(([d, name]) => ({ date: iso(d * DAY_MS).slice(0, 10), name }));
  }

  const truthEvents: TruthEvent[] = KNOWN_EVENTS.map((e) => {
    const [a, b] = eventSpan(e);
    return {
      ...e,
      inHistory: a < endMs && b > startMs,
      series: series.filter((s) => eventApplies(e, s)).map(ref),
    };
  });
  const events: DemoEvent[] = KNOWN_EVENTS.map(({ trueUplift, uplift, ...e }) =>
    Date.parse(e.start) >= endMs ? { ...e, uplift: uplift ?? trueUplift } : e,
  );

  const truth: DemoTruth = {
    generator: {
      name: 'modcap demo generator (data/generate.ts)',
      version: 1,
      seed,
      start: iso(startMs),
      end: iso(endMs),
      hours: n,
      rows: rows.length,
      formula:
        'volume ~ NegBin(mean = mu, size): Poisson(mu * Gamma(size)/size); mu = level * exp(growth * years since trendEpoch) * daily(local hour) * weekly(local weekday) * yearly(local day of year) * holiday(local date) * prod((1 + uplift)^eventShape) * exp(dayNoise - sd^2/2) * anomaly multiplier',
      intervals: 'All [start, end) intervals are half-open UTC instants; gaps list each missing hour.',
    },
    series: seriesTruth,
    profiles: {
      baseDaily: BASE_DAILY,
      daily: DAILY,
      weekendDailyShiftHours: WEEKEND_DAILY_SHIFT_HOURS,
      weekly: WEEKLY,
      yearly: YEARLY,
      dayNoise: DAY_NOISE,
      trendEpoch: TREND_EPOCH,
    },
    holidays: {
      source:
        "date-holidays: new Holidays(market).getHolidays(year, 'en'), type === 'public', whole local days",
      effects: HOLIDAY_EFFECT,
      dates: holidayDates,
    },
    events: truthEvents,
    spikes,
    outages,
    gaps: anomalies.gaps,
  };
  return { rows, events, truth };
}

/**
 * The rows as CSV text: header `timestamp,queue,language,market,timezone,volume`, no spaces, `\n` line
 * ends, a final newline.
 *
 * @example toCsv([{ timestamp: '2025-01-01T00:00:00Z', queue: 'reviews', language: 'en', market: 'US', timezone: 'America/New_York', volume: 7 }])
 * // => 'timestamp,queue,language,market,timezone,volume\n2025-01-01T00:00:00Z,reviews,en,US,America/New_York,7\n'
 */
export function toCsv(rows: readonly DemoRow[]): string {
  const parts: string[] = ['timestamp,queue,language,market,timezone,volume\n'];
  for (const r of rows)
    parts.push(`${r.timestamp},${r.queue},${r.language},${r.market},${r.timezone},${r.volume}\n`);
  return parts.join('');
}

function markdownTable(head: string[], body: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

function seriesList(refs: SeriesRef[]): string {
  return refs.map((r) => `${r.queue}/${r.language}`).join(', ');
}

/**
 * The data/demo/README.md text for a generated result: what the data is, the formula, the parameters,
 * the events and anomalies, and how to regenerate it.
 *
 * @example renderReadme(generateDemo()).startsWith('# modcap demo dataset') // => true
 */
export function renderReadme(result: DemoResult): string {
  const t = result.truth;
  const g = t.generator;
  const args =
    g.start === DEFAULT_START && g.end === DEFAULT_END
      ? `--seed ${g.seed}`
      : `--seed ${g.seed} --start ${g.start} --end ${g.end}`;
  const queues = [...new Set(t.series.map((s) => s.queue))] as DemoQueue[];
  const languages = [...new Set(t.series.map((s) => s.language))];
  const dailyRows = queues.map((q) => {
    const tab = dailyTable(q);
    const peak = tab.indexOf(Math.max(...tab));
    const trough = tab.indexOf(Math.min(...tab));
    return [
      q,
      DAILY[q].power,
      DAILY[q].shiftHours,
      `${peak}:00`,
      `${trough}:00`,
      round(tab[peak] / tab[trough], 1),
    ];
  });
  const weeklyRows = queues.map((q) => {
    const w = WEEKLY[q];
    const m = w.reduce((a, b) => a + b, 0) / 7;
    return [q, ...w.map((v) => round(v / m, 3))];
  });
  const yearlyRows = queues.flatMap((q) => YEARLY[q].map((b) => [q, b.dayOfYear, b.sdDays, b.size, b.why]));
  const sections = [
    '# modcap demo dataset',
    '',
    '**Synthetic data.** Every number in this folder was made up by `data/generate.ts` from a seed; it describes',
    'no real platform. It imitates the hourly volume of items that reach human content moderators, per queue and',
    'language, so that every part of modcap (import, forecasting, anomalies, event effects, capacity) has',
    'realistic input with a known ground truth.',
    '',
    '## Files',
    '',
    markdownTable(
      ['file', 'what it holds'],
      [
        [
          '`volumes.csv`',
          `long format \`timestamp,queue,language,market,timezone,volume\`; one row per series per hour, ${g.rows.toLocaleString('en-US')} rows, ${t.series.length} series × ${g.hours.toLocaleString('en-US')} hours from ${g.start} to ${g.end} (exclusive), sorted by queue, language, time; gap hours are absent`,
        ],
        [
          '`events.json`',
          'the events a planner knows about (launches, policy changes, promotions, one planned future launch) in the modcap event schema; past events carry no `uplift` (the engine estimates it), the future one does',
        ],
        [
          '`truth.json`',
          'everything the generator injected: parameters of every series, profiles, holiday dates and effects, events with their true uplift, spam waves, viral posts, outages and gaps with exact instants; benchmarks score against it',
        ],
        ['`README.md`', 'this file (rendered by the generator)'],
      ],
    ),
    '',
    '## How the volumes are made',
    '',
    'For a series (queue q, language l, market m, time zone z) the mean of the hour that starts at UTC instant t is',
    '',
    '```',
    'μ(t) = level[q,l] · exp(growth[q,l] · years since 2024-11-01)',
    '       · daily_q(local hour) · weekly_q(local weekday) · yearly_q(local day of year)',
    '       · holiday_{q,m}(local date) · Π over events (1 + uplift)^shape(t)',
    '       · exp(d(local day) − 0.05²/2) · anomaly(t)',
    'volume(t) ~ NegativeBinomial(mean μ, size s_q):  Poisson(μ · G / s_q),  G ~ Gamma(s_q, 1)',
    '```',
    '',
    '- *Local* means in the series time zone (IANA, via luxon): the daily and weekly patterns follow daylight',
    '  saving time in America/New_York and Europe/Berlin (Mexico and Brazil no longer observe it; Tokyo and',
    '  Kolkata never did; Kolkata is UTC+5:30, so its pattern sits half an hour off the UTC grid).',
    `- d is an AR(1) over local days: d_k = ${DAY_NOISE.rho}·d_(k−1) + √(1−${DAY_NOISE.rho}²)·${DAY_NOISE.sd}·ε_k.`,
    '- Variance of a count: μ + μ²/s_q (reviews and listings s = 150, comments 200, livestream reports 30,',
    '  appeals 10). Appeals in small languages have most hours at zero (see `zeroShare` below): intermittent demand.',
    '- Random numbers: mulberry32 streams (`data/random.ts`), one per series seeded from (seed, "queue/language"),',
    '  one for anomalies; gamma by Marsaglia–Tsang, Poisson by Knuth (λ < 10) and Hörmann’s PTRS (λ ≥ 10).',
    '',
    '### Series',
    '',
    markdownTable(
      ['queue', 'language', 'market', 'time zone', 'level / h', 'growth / year (log)', 'zero hours', 'rows'],
      t.series.map((s) => [
        s.queue,
        s.language,
        s.market,
        s.timezone,
        s.levelPerHour,
        s.growthPerYear,
        `${round(100 * s.zeroShare, 1)}%`,
        s.rows,
      ]),
    ),
    '',
    '### Daily profile (local time)',
    '',
    'A base shape by local hour (trough 04:00, peak 20:00) raised to a power and shifted per queue, normalised to mean 1;',
    `on Saturdays and Sundays it runs ${WEEKEND_DAILY_SHIFT_HOURS} hour later.`,
    '',
    markdownTable(
      ['queue', 'power', 'shift (h)', 'weekday peak', 'weekday trough', 'peak / trough'],
      dailyRows,
    ),
    '',
    '### Weekly profile (local weekday, normalised to mean 1)',
    '',
    markdownTable(['queue', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], weeklyRows),
    '',
    '### Yearly profile',
    '',
    'exp(Σ size · exp(−d²/2sd²)), d the circular distance in days from the bump (day 0 = 1 January, local).',
    '',
    markdownTable(['queue', 'day of year', 'sd (days)', 'size (log)', 'why'], yearlyRows),
    '',
    '### Public holidays',
    '',
    "From the `date-holidays` package for each market (`new Holidays('US')`, type `public` only), applied to the",
    'whole local day; the day before and the day after have their own effect (a holiday day takes only its own).',
    '',
    markdownTable(
      ['queue', 'on the day', 'day before', 'day after'],
      queues.map((q) => [q, HOLIDAY_EFFECT[q].on, HOLIDAY_EFFECT[q].before, HOLIDAY_EFFECT[q].after]),
    ),
    '',
    `The dates per market are listed in \`truth.json\` → \`holidays.dates\` (${Object.values(t.holidays.dates).reduce((a, d) => a + d.length, 0)} market-days in and around the range).`,
    '',
    '## Known events (`events.json`)',
    '',
    'Instants are UTC, `end` is exclusive. The mean is multiplied by (1 + uplift)^shape(t), shape in [0, 1]:',
    '`step` = 1 from `start` on; `ramp` = linear from 0 at `start` to 1 after `days`; `window` = 1 inside',
    '[start − preDays, end + postDays) and 0 elsewhere (the same shapes as `src/forecast/events`). Omitted',
    '`queues` / `languages` / `markets` mean all.',
    '',
    markdownTable(
      ['name', 'type', 'start', 'end', 'shape', 'applies to', 'true uplift', 'in history'],
      t.events.map((e) => [
        e.name,
        e.type,
        e.start,
        e.end ?? '',
        JSON.stringify(e.shape).replaceAll('"', ''),
        [e.queues?.join(' ') ?? 'all queues', e.languages?.join(' ') ?? '', e.markets?.join(' ') ?? '']
          .filter((x) => x)
          .join('; '),
        e.trueUplift,
        e.inHistory ? 'yes' : 'no (future)',
      ]),
    ),
    '',
    '## Unknown anomalies (only in `truth.json`)',
    '',
    'Spam waves multiply μ by `peakMultiplier` for every hour; viral posts by 1 + (peak − 1)·exp(−k/decayHours) in',
    'hour k; outages multiply μ by `residualFraction` (a data problem: the items existed but were not recorded);',
    'gaps are hours with no row at all. Anomalies on one series are at least 24 hours apart.',
    '',
    markdownTable(
      ['id', 'kind', 'series', 'start', 'end (exclusive)', 'size'],
      [
        ...t.spikes.map((s) => [
          s.id,
          s.kind,
          seriesList(s.series),
          s.start,
          s.end,
          `×${s.peakMultiplier}${s.decayHours ? `, decay ${s.decayHours} h` : ''}, +${s.expectedExtraVolume} items`,
        ]),
        ...t.outages.map((o) => [
          o.id,
          `outage (${o.kind})`,
          seriesList(o.series),
          o.start,
          o.end,
          `×${o.residualFraction}, −${o.expectedLostVolume} items`,
        ]),
        ...t.gaps.map((gp) => [
          gp.id,
          'gap',
          seriesList([gp.series]),
          gp.hours[0],
          iso(Date.parse(gp.hours[gp.hours.length - 1]) + HOUR_MS),
          `${gp.hours.length} missing hour(s)${gp.hours.length <= 3 ? `: ${gp.hours.join(', ')}` : ''}`,
        ]),
      ],
    ),
    '',
    '## Regenerate',
    '',
    '```sh',
    `node --import tsx data/generate.ts ${args} --out data/demo`,
    '```',
    '',
    `The same seed gives byte-identical files. Languages: ${languages.join(', ')}. The fixed design (levels, growth,`,
    'profiles, holiday effects, events) is in `data/demo-spec.ts`; the seed changes the noise and the anomalies.',
    '',
  ];
  return sections.join('\n');
}

/**
 * Write volumes.csv, events.json, truth.json and README.md for a result into `outDir` (created if needed).
 *
 * @example writeDemo(generateDemo({ seed: 42 }), 'data/demo') // writes four files
 */
export function writeDemo(result: DemoResult, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'volumes.csv'), toCsv(result.rows));
  writeFileSync(join(outDir, 'events.json'), `${JSON.stringify(result.events, null, 2)}\n`);
  writeFileSync(join(outDir, 'truth.json'), `${JSON.stringify(result.truth, null, 2)}\n`);
  writeFileSync(join(outDir, 'README.md'), renderReadme(result));
}

/**
 * Parse the CLI arguments `--seed N --out DIR --start ISO --end ISO` (each optional).
 *
 * @throws ModcapError BAD_ARGUMENT for an unknown flag, a flag without a value or a non-integer seed
 * @example parseArgs(['--seed', '7']) // => { seed: 7, out: 'data/demo' }
 */
export function parseArgs(argv: readonly string[]): GenerateOptions & { out: string } {
  const out: GenerateOptions & { out: string } = { out: 'data/demo' };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new ModcapError('BAD_ARGUMENT', `${flag} needs a value`, { column: flag });
    if (flag === '--seed') {
      if (!/^-?\d+$/.test(value))
        throw new ModcapError('BAD_ARGUMENT', '--seed must be an integer', { column: flag, value });
      out.seed = Number(value);
    } else if (flag === '--out') out.out = value;
    else if (flag === '--start') out.start = value;
    else if (flag === '--end') out.end = value;
    else
      throw new ModcapError('BAD_ARGUMENT', `unknown flag ${flag}; use --seed, --out, --start, --end`, {
        column: flag,
      });
  }
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const result = generateDemo(args);
  const t1 = performance.now();
  writeDemo(result, args.out);
  const t2 = performance.now();
  const t = result.truth;
  process.stderr.write(
    `wrote ${args.out}: ${t.generator.rows} rows, ${t.series.length} series, ${t.spikes.length} spikes, ` +
      `${t.outages.length} outages, ${t.gaps.length} gaps; generate ${Math.round(t1 - t0)} ms, write ${Math.round(t2 - t1)} ms\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
