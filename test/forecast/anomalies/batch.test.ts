import { describe, expect, it } from 'vitest';
import { poisson as poissonDraw } from '../../../data/random.ts';
import {
  detectAnomalies,
  detectAnomaliesMany,
  detectAnomaliesWithPool,
  holidayOffsets,
  pooledZeroRuns,
  smoothLevel,
} from '../../../src/forecast/anomalies/batch.ts';
import { matchEvents } from '../../../src/forecast/anomalies/match-events.ts';
import { levelShifts } from '../../../src/forecast/anomalies/pelt.ts';
import { shesd } from '../../../src/forecast/anomalies/shesd.ts';
import type { Anomaly } from '../../../src/forecast/anomalies/types.ts';
import type { EventSpec } from '../../../src/forecast/events/schema.ts';
import type { Series } from '../../../src/forecast/types.ts';
import { HALF_ULP, mulberry32 } from '../../../src/random.ts';
import { hourlySeries } from '../contract.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 6); // a Monday, UTC midnight

function noisy(n: number, seed: number, mean: (t: number) => number): number[] {
  const draw = mulberry32(seed);
  const u = () => draw() + HALF_ULP;
  return Array.from({ length: n }, (_, t) => {
    const mu = mean(t);
    const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(mu * Math.exp(0.03 * z) + Math.sqrt(mu) * 0.5 * z));
  });
}
const profile = (t: number) =>
  300 * (1 + 0.7 * Math.sin((2 * Math.PI * t) / 24)) * (1 + 0.1 * Math.cos((2 * Math.PI * t) / 168));

const series = (values: number[], key = { queue: 'reviews', language: 'de', market: 'DE' }): Series =>
  hourlySeries(values, key, T0);

const n = 24 * 7 * 10; // ten weeks
const stepAt = 24 * 40; // day 40, 00:00

function scenario(): number[] {
  const y = noisy(n, 12, (t) => profile(t) * (t >= stepAt ? 1.5 : 1));
  for (let i = 24 * 10 + 12; i < 24 * 10 + 18; i++) y[i] *= 4; // spike burst, day 10 12:00–17:00
  for (let i = 24 * 20; i < 24 * 20 + 8; i++) y[i] = Number.NaN; // gap, day 20 00:00–07:00
  for (let i = 24 * 25 + 10; i < 24 * 25 + 16; i++) y[i] = 0; // zero run, day 25 10:00–15:00
  for (let i = 24 * 55 + 3; i < 24 * 55 + 13; i++) y[i] = 777; // stuck counter, day 55
  return y;
}

describe('detectAnomalies', () => {
  const found = detectAnomalies(series(scenario()));

  it('reports the spike burst once, as one spike', () => {
    const spikes = found.filter(
      (a) => a.kind === 'spike' && a.startIndex <= 24 * 10 + 17 && a.endIndex >= 24 * 10 + 12,
    );
    expect(spikes.length).toBe(1);
    expect(spikes[0].observed).toBeGreaterThan(spikes[0].upper);
    expect(spikes[0].observed / spikes[0].expected).toBeGreaterThan(2.5);
  });

  it('reports the gap, the zero run and the flat line as data problems', () => {
    const kinds = (k: string) => found.filter((a) => a.kind === k).map((a) => [a.startIndex, a.endIndex]);
    expect(kinds('gap')).toEqual([[480, 487]]);
    expect(kinds('zeros')).toEqual([[610, 615]]);
    expect(kinds('flatline')).toEqual([[1323, 1332]]);
    // the zero run is not also a dip
    expect(found.some((a) => a.kind === 'dip' && a.startIndex <= 615 && a.endIndex >= 610)).toBe(false);
  });

  it('finds the +50 % step within a day, with its relative change', () => {
    const shifts = found.filter((a) => a.kind === 'level-shift');
    expect(shifts.length).toBe(1);
    expect(Math.abs(shifts[0].startIndex - stepAt)).toBeLessThanOrEqual(24);
    expect(shifts[0].relativeChange).toBeGreaterThan(0.35);
    expect(shifts[0].relativeChange).toBeLessThan(0.65);
    // and it is not double-reported as a spike at the changepoint
    expect(found.some((a) => a.kind === 'spike' && Math.abs(a.startIndex - stepAt) <= 24)).toBe(false);
  });

  it('sorts by start and fills the contract fields', () => {
    for (let i = 1; i < found.length; i++) expect(found[i].start).toBeGreaterThanOrEqual(found[i - 1].start);
    for (const a of found) {
      expect(a.seriesId).toBe('reviews|de|DE');
      expect(a.level).toBe(95);
      expect(a.severity).toBeGreaterThanOrEqual(0);
      expect(a.start).toBe(T0 + a.startIndex * HOUR);
    }
  });

  it('finds few false alarms in a clean series', () => {
    const clean = detectAnomalies(series(noisy(n, 99, profile)));
    expect(clean.length).toBeLessThanOrEqual(2);
  });

  it('labels with the events calendar', () => {
    const events: EventSpec[] = [
      {
        name: 'policy',
        type: 'policy',
        start: new Date(T0 + (stepAt + 20) * HOUR).toISOString(),
        shape: { kind: 'step' },
      },
      {
        name: 'sale',
        type: 'promotion',
        start: new Date(T0 + 24 * 10 * HOUR).toISOString(),
        end: new Date(T0 + 24 * 11 * HOUR).toISOString(),
        shape: { kind: 'window' },
      },
    ];
    const labelled = detectAnomalies(series(scenario()), { events });
    expect(labelled.find((a) => a.kind === 'level-shift')?.event).toEqual({ name: 'policy', type: 'policy' });
    expect(
      labelled.find((a) => a.kind === 'spike' && a.startIndex >= 240 && a.startIndex < 264)?.event,
    ).toEqual({
      name: 'sale',
      type: 'promotion',
    });
    expect(labelled.filter((a) => a.kind === 'gap').every((a) => a.event === undefined)).toBe(true);
  });

  describe('degenerate input', () => {
    it('empty, short, constant, all zero, all NaN', () => {
      expect(detectAnomalies(series([]))).toEqual([]);
      expect(detectAnomalies(series([5, 6, 7]))).toEqual([]);
      expect(detectAnomalies(series(Array(500).fill(40)))).toEqual([]);
      expect(detectAnomalies(series(Array(500).fill(0)))).toEqual([]);
      const nan = detectAnomalies(series(Array(100).fill(Number.NaN)));
      expect(nan.map((a) => [a.kind, a.startIndex, a.endIndex])).toEqual([['gap', 0, 99]]);
    });
  });
});

describe('public holidays as expected effects', () => {
  // US federal holidays in the 22 weeks from 2025-01-06 (date-holidays, type public): MLK Day 01-20,
  // Washington's Birthday 02-17, Memorial Day 05-26; volume halves on them (whole UTC day).
  const holidays = [Date.UTC(2025, 0, 20), Date.UTC(2025, 1, 17), Date.UTC(2025, 4, 26)];
  const onHoliday = (t: number) => holidays.some((h) => T0 + t * HOUR >= h && T0 + t * HOUR < h + 24 * HOUR);
  const y = noisy(24 * 7 * 22, 21, (t) => profile(t) * (onHoliday(t) ? 0.5 : 1));
  const s = series(y, { queue: 'listings', language: 'en', market: 'US' });
  const dipsOnHolidays = (list: Anomaly[]) =>
    list.filter((a) => a.kind === 'dip' && onHoliday(a.startIndex)).length;

  it('estimates the pooled holiday effect from the history', () => {
    const offset = holidayOffsets(s, shesd(y, { periods: [24, 168] }).residual);
    expect(offset).toBeDefined();
    const at = (ms: number) => (offset as number[])[(ms - T0) / HOUR + 12];
    expect(at(holidays[1])).toBeCloseTo(Math.log(0.5), 1); // −0.69 ± 0.05
    expect(at(Date.UTC(2025, 1, 5))).toBe(0); // an ordinary Wednesday
    expect(Math.abs(at(holidays[1] - 24 * HOUR))).toBeLessThan(0.05); // the day before: no effect injected
  });

  it('flags whole-day holiday dips only when told to ignore holidays', () => {
    expect(dipsOnHolidays(detectAnomalies(s, { holidays: false }))).toBeGreaterThan(0);
    expect(dipsOnHolidays(detectAnomalies(s))).toBe(0);
  });

  it('needs a known market', () => {
    expect(holidayOffsets(series(y, { queue: 'listings', language: 'en', market: '' }), y)).toBeUndefined();
    expect(holidayOffsets(series(y, { queue: 'listings', language: 'en', market: 'XX' }), y)).toBeUndefined();
  });
});

describe('count noise', () => {
  it('does not flag ordinary Poisson fluctuation of a low-volume series', () => {
    let st = 99;
    const u = () => {
      st = (st * 1103515245 + 12345) % 2147483648;
      return (st + 0.5) / 2147483648;
    };
    // Poisson by inversion, mean 3.75–26 per hour
    const y = Array.from({ length: 24 * 7 * 10 }, (_, t) => {
      const mu = 15 * (1 + 0.75 * Math.sin((2 * Math.PI * t) / 24));
      let k = 0;
      let p = Math.exp(-mu);
      let c = p;
      const v = u();
      while (v > c && k < 100) {
        k++;
        p *= mu / k;
        c += p;
      }
      return k;
    });
    const s = series(y, { queue: 'appeals', language: 'de', market: '' });
    const points = (list: Anomaly[]) => list.filter((a) => a.kind === 'spike' || a.kind === 'dip');
    expect(points(detectAnomalies(s))).toEqual([]);
    // without the count test and with α per 2-week piece (5 pieces: 0.25 for the series) one hour is flagged
    expect(points(detectAnomalies(s, { countAlpha: 1, alpha: 0.25 })).length).toBeGreaterThan(0);
  });
});

describe('smoothLevel', () => {
  // two years of daily levels: growth 0.1 / year, a yearly cycle of amplitude 0.2, a +0.3 step on day 500
  const t = Array.from({ length: 730 }, (_, k) => k);
  const slow = (k: number) => (0.1 * k) / 365.25 + 0.2 * Math.sin((2 * Math.PI * k) / 365.25);
  const x = t.map((k) => slow(k) + (k >= 500 ? 0.3 : 0) + 0.02 * Math.sin(k * 7.3));
  // candidates as steps (no ramp merging), as detectAnomalies passes them
  const find = (v: readonly number[]) => levelShifts(v, { rampWithin: 0 });

  it('separates growth and the yearly cycle from the step', () => {
    const s = smoothLevel(x, t, find);
    for (const [a, b] of [
      [100, 300],
      [50, 650],
      [450, 550],
    ])
      expect(s.at(a) - s.at(b)).toBeCloseTo(slow(a) - slow(b), 1);
    const rest = x.map((v, k) => v - s.at(k));
    const mean = (a: number, b: number) => rest.slice(a, b).reduce((p, q) => p + q, 0) / (b - a);
    expect(mean(505, 560) - mean(440, 495)).toBeCloseTo(0.3, 1);
    const shifts = levelShifts(rest);
    expect(shifts.length).toBe(1);
    expect(Math.abs(shifts[0].start - 500)).toBeLessThanOrEqual(1);
  });

  it('is zero with less than 1.9 years, or when disabled', () => {
    expect(smoothLevel(x.slice(0, 600), t.slice(0, 600), find).at(100)).toBe(0);
    expect(smoothLevel(x, t, find, false).at(100)).toBe(0);
  });
});

describe('detectAnomaliesMany', () => {
  it('runs every series and sorts by id then start', () => {
    const a = series(scenario(), { queue: 'b', language: 'x', market: 'Y' });
    const b = series(noisy(n, 5, profile), { queue: 'a', language: 'x', market: 'Y' });
    const all = detectAnomaliesMany([a, b]);
    const ids = all.map((x) => x.seriesId);
    expect(ids).toEqual([...ids].sort());
    expect(all.filter((x) => x.seriesId === 'b|x|Y').length).toBe(detectAnomalies(a).length);
  });
});

describe('matchEvents', () => {
  const base: Anomaly = {
    seriesId: 'comments|en|US',
    key: { queue: 'comments', language: 'en', market: 'US' },
    kind: 'level-shift',
    start: Date.UTC(2025, 5, 3, 12),
    end: Date.UTC(2025, 5, 3, 12),
    startIndex: 0,
    endIndex: 0,
    expected: 1,
    lower: 0,
    upper: 2,
    level: 95,
    observed: 2,
    severity: 5,
    detector: 'pelt',
  };
  const launch: EventSpec = {
    name: 'launch',
    type: 'launch',
    start: '2025-05-01T00:00:00Z',
    queues: ['comments'],
    shape: { kind: 'ramp', days: 33 },
  };
  it('matches a level shift at the ramp end (±2 days) but not 3 days off', () => {
    // ramp end = 2025-06-03T00:00Z; shift at 12:00 the same day → 12 h off
    expect(matchEvents([base], [launch], 'UTC')[0].event).toEqual({ name: 'launch', type: 'launch' });
    const far = { ...base, start: Date.UTC(2025, 5, 6, 1), end: Date.UTC(2025, 5, 6, 1) };
    expect(matchEvents([far], [launch], 'UTC')[0].event).toBeUndefined();
  });
  it('ignores events that do not touch the series', () => {
    expect(matchEvents([base], [{ ...launch, queues: ['reviews'] }], 'UTC')[0].event).toBeUndefined();
  });
  it('labels a dip on a public holiday when asked', () => {
    const dip = {
      ...base,
      kind: 'dip' as const,
      start: Date.UTC(2025, 11, 25, 10),
      end: Date.UTC(2025, 11, 25, 12),
    };
    expect(matchEvents([dip], [], 'America/New_York', { holidays: true })[0].event?.type).toBe('holiday');
    expect(matchEvents([dip], [], 'America/New_York')[0].event).toBeUndefined();
  });
});

describe('detectAnomaliesMany: shared outages in low counts', () => {
  // Five quiet appeal queues (about 1.5 an hour with a daily wave), ten weeks, Poisson counts.
  const langs = ['es', 'pt', 'de', 'ja', 'hi'];
  const hours = 24 * 7 * 10;
  /** Hourly Poisson counts around `mean(t)`, seeded (the demo generator's sampler). */
  function poisson(seed: number, mean: (t: number) => number): number[] {
    const rng = mulberry32(seed);
    return Array.from({ length: hours }, (_, t) => poissonDraw(rng, mean(t)));
  }
  const quiet = (t: number) => 1.5 * (1 + 0.6 * Math.sin((2 * Math.PI * (t - 6)) / 24));
  const outageAt = (_k: number) => 24 * 30 + 9; // day 30, 09:00, in every language
  function queues(zeroStart: (k: number) => number): Series[] {
    return langs.map((l, k) => {
      const y = poisson(100 + k, quiet);
      for (let i = zeroStart(k); i < zeroStart(k) + 6; i++) y[i] = 0;
      return series(y, { queue: 'appeals', language: l, market: `M${k}` });
    });
  }
  const zerosNear = (found: Anomaly[], at: (k: number) => number) =>
    found.filter(
      (a) =>
        a.kind === 'zeros' &&
        langs.some((l, k) => a.key.language === l && a.startIndex <= at(k) + 5 && a.endIndex >= at(k)),
    );

  it('finds a six-hour outage of the whole queue that no single language shows alone', () => {
    const all = queues(outageAt);
    const alone = all.flatMap((s) => detectAnomalies(s));
    expect(zerosNear(alone, outageAt)).toEqual([]);
    const found = detectAnomaliesMany(all);
    const pooled = zerosNear(found, outageAt);
    expect(pooled.map((a) => a.key.language).sort()).toEqual([...langs].sort());
    for (const a of pooled) {
      expect(a.detector).toBe('quality-pooled');
      expect(a.pooledWith).toHaveLength(4);
      expect(a.pooledWith).not.toContain(a.seriesId);
      expect(a.observed).toBe(0);
      expect(a.expected).toBeGreaterThan(0.5);
    }
    // Nothing else is reported as zeros: the quiet hours of these series are not outages.
    expect(found.filter((a) => a.kind === 'zeros')).toHaveLength(langs.length);
    expect(zerosNear(detectAnomaliesMany(all, { pooledZeros: false }), outageAt)).toEqual([]);
  });

  it('gives the same from per-series pools that crossed threads (as `modcap run` gets them)', () => {
    const all = queues(outageAt);
    const fromMany = detectAnomaliesMany(all).filter((a) => a.detector === 'quality-pooled');
    const pools = structuredClone(all.map((x) => detectAnomaliesWithPool(x).pool));
    const fromPools = pooledZeroRuns(pools).sort((a, b) => (a.seriesId < b.seriesId ? -1 : 1));
    expect(fromPools).toEqual(fromMany);
    expect(fromPools).toHaveLength(langs.length);
  });

  it('counts a busy series that found the outage itself toward the quiet ones', () => {
    const at = 24 * 30 + 9;
    const make = (l: string, k: number, mean: (t: number) => number) => {
      const y = poisson(200 + k, mean);
      for (let i = at; i < at + 6; i++) y[i] = 0;
      return series(y, { queue: 'appeals', language: l, market: `M${l}` });
    };
    const quiet = (t: number) => 0.9 * (1 + 0.6 * Math.sin((2 * Math.PI * (t - 6)) / 24));
    const busy = make('en', 0, (t) => 20 * (1 + 0.6 * Math.sin((2 * Math.PI * (t - 6)) / 24)));
    const few = [make('ja', 1, quiet), make('hi', 2, quiet)];
    const near = (found: Anomaly[]) =>
      found.filter((a) => a.kind === 'zeros' && a.startIndex <= at + 5 && a.endIndex >= at);
    // The two quiet ones together are not enough…
    expect(near(detectAnomaliesMany(few))).toEqual([]);
    // …with the busy one, which reports the outage alone, they are.
    const found = near(detectAnomaliesMany([busy, ...few]));
    expect(found.map((a) => [a.key.language, a.detector]).sort()).toEqual([
      ['en', 'quality'],
      ['hi', 'quality-pooled'],
      ['ja', 'quality-pooled'],
    ]);
    expect(found.find((a) => a.key.language === 'ja')?.pooledWith).toContain('appeals|en|Men');
  });

  it('does not pool zero runs that do not happen together', () => {
    const apart = (k: number) => 24 * (20 + 7 * k) + 9; // the same six hours, a week apart per language
    const found = detectAnomaliesMany(queues(apart));
    expect(zerosNear(found, apart)).toEqual([]);
  });
});
