import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DemoResult, eventShapeAt, generateDemo, parseArgs, toCsv } from '../../data/generate.ts';
import { ModcapError } from '../../src/errors.ts';

const HOUR = 3_600_000;

/** Rows of one series, with anomaly hours (spikes, outages) from the truth marked. */
function seriesOf(result: DemoResult, queue: string, language: string) {
  const anomalous = new Set<string>();
  for (const a of [...result.truth.spikes, ...result.truth.outages]) {
    if (!a.series.some((s) => s.queue === queue && s.language === language)) continue;
    for (let t = Date.parse(a.start); t < Date.parse(a.end); t += HOUR)
      anomalous.add(new Date(t).toISOString());
  }
  return result.rows
    .filter((r) => r.queue === queue && r.language === language)
    .map((r) => {
      const local = DateTime.fromISO(r.timestamp, { zone: r.timezone });
      return {
        ...r,
        local,
        anomalous: anomalous.has(new Date(Date.parse(r.timestamp)).toISOString()),
      };
    });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sum of volume per local date (yyyy-MM-dd), skipping anomalous hours' series days entirely. */
function dailyTotals(
  rows: ReturnType<typeof seriesOf>,
): Map<string, { total: number; weekday: number; clean: boolean }> {
  const out = new Map<string, { total: number; weekday: number; clean: boolean }>();
  for (const r of rows) {
    const key = r.local.toISODate()!;
    const d = out.get(key) ?? { total: 0, weekday: r.local.weekday, clean: true };
    d.total += r.volume;
    if (r.anomalous) d.clean = false;
    out.set(key, d);
  }
  return out;
}

const THREE_WEEKS = {
  seed: 7,
  start: '2025-03-03T00:00:00Z',
  end: '2025-03-24T00:00:00Z',
  queues: ['reviews', 'appeals'],
  languages: ['en'],
};

describe('generateDemo: determinism and shape', () => {
  const a = generateDemo(THREE_WEEKS);

  it('gives byte-identical CSV, events and truth for the same seed', () => {
    const b = generateDemo(THREE_WEEKS);
    expect(toCsv(b.rows)).toBe(toCsv(a.rows));
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(JSON.stringify(b.truth)).toBe(JSON.stringify(a.truth));
  });

  it('changes the draws with the seed', () => {
    const c = generateDemo({ ...THREE_WEEKS, seed: 8 });
    expect(toCsv(c.rows)).not.toBe(toCsv(a.rows));
  });

  it('writes one row per series per hour minus the gap hours, sorted by series then time', () => {
    const hours = 21 * 24;
    const missing = a.truth.gaps.reduce((s, g) => s + g.hours.length, 0);
    expect(missing).toBeGreaterThan(0);
    expect(a.rows.length).toBe(2 * hours - missing);
    expect(a.truth.generator.rows).toBe(a.rows.length);
    const present = new Set(a.rows.map((r) => `${r.queue}/${r.language}@${r.timestamp}`));
    for (const g of a.truth.gaps)
      for (const h of g.hours) expect(present.has(`${g.series.queue}/${g.series.language}@${h}`)).toBe(false);
    const keys = a.rows.map((r) => `${r.queue}/${r.language}`);
    expect(keys.indexOf('appeals/en')).toBeGreaterThan(keys.lastIndexOf('reviews/en'));
    for (let i = 1; i < a.rows.length; i++)
      if (keys[i] === keys[i - 1]) expect(a.rows[i].timestamp > a.rows[i - 1].timestamp).toBe(true);
  });

  it('has hourly ISO UTC timestamps with Z and non-negative integer volumes', () => {
    const isoZ = /^\d{4}-\d\d-\d\dT\d\d:00:00Z$/;
    expect(a.rows.every((r) => isoZ.test(r.timestamp))).toBe(true);
    expect(a.rows.every((r) => Number.isInteger(r.volume) && r.volume >= 0)).toBe(true);
    expect(a.rows[0]).toMatchObject({
      timestamp: '2025-03-03T00:00:00Z',
      market: 'US',
      timezone: 'America/New_York',
    });
  });

  it('renders compact CSV: the header, then comma-separated fields without spaces', () => {
    const lines = toCsv(a.rows.slice(0, 2)).split('\n');
    expect(lines[0]).toBe('timestamp,queue,language,market,timezone,volume');
    expect(lines[1]).toBe(`${a.rows[0].timestamp},reviews,en,US,America/New_York,${a.rows[0].volume}`);
    expect(lines[3]).toBe('');
  });

  it('puts at least one spike, one outage and the gaps in any range of 72 hours or more', () => {
    expect(a.truth.spikes.length).toBeGreaterThan(0);
    expect(a.truth.outages.length).toBeGreaterThan(0);
    expect(a.truth.gaps.length).toBe(2);
  });

  it('an outage is near zero: below 5% of the same hours one week earlier or later', () => {
    for (const o of a.truth.outages) {
      for (const s of o.series) {
        const rows = seriesOf(a, s.queue, s.language);
        const byTs = new Map(rows.map((r) => [r.timestamp, r.volume]));
        for (let t = Date.parse(o.start); t < Date.parse(o.end); t += HOUR) {
          const ts = new Date(t).toISOString().replace('.000Z', 'Z');
          const week = 168 * HOUR;
          const ref = [t - week, t + week]
            .map((u) => byTs.get(new Date(u).toISOString().replace('.000Z', 'Z')))
            .filter((v): v is number => v !== undefined);
          const v = byTs.get(ts);
          if (v === undefined || ref.length === 0) continue;
          expect(v).toBeLessThanOrEqual(0.05 * mean(ref) + 2);
        }
      }
    }
  });

  it('a spike raises volume well above the same hours one week away', () => {
    for (const sp of a.truth.spikes) {
      const s = sp.series[0];
      const rows = seriesOf(a, s.queue, s.language);
      const byTs = new Map(rows.map((r) => [r.timestamp, r.volume]));
      const at = (ms: number) => byTs.get(new Date(ms).toISOString().replace('.000Z', 'Z'));
      const first = Date.parse(sp.start);
      const other = at(first - 168 * HOUR) ?? at(first + 168 * HOUR);
      const v = at(first);
      if (other === undefined || v === undefined) continue;
      // the first hour carries the full peak multiplier (>= 2.5); allow for noise
      expect(v).toBeGreaterThan(1.6 * other + 5);
    }
  });
});

describe('generateDemo: patterns in local time', () => {
  it('daily: on weekdays the local 20:00 mean is about 1.55/0.19 = 8.2 times the local 04:00 mean (reviews)', () => {
    const r = generateDemo({ ...THREE_WEEKS, queues: ['reviews'] });
    const rows = seriesOf(r, 'reviews', 'en').filter((x) => !x.anomalous && x.local.weekday <= 5);
    const at = (h: number) => mean(rows.filter((x) => x.local.hour === h).map((x) => x.volume));
    // design (demo-spec.ts BASE_DAILY, power 1, shift 0 for reviews): 1.55 / 0.19
    expect(at(20) / at(4)).toBeGreaterThan((1.55 / 0.19) * 0.85);
    expect(at(20) / at(4)).toBeLessThan((1.55 / 0.19) * 1.15);
  });

  it('daylight saving: the UTC-hour profile of New York moves one hour earlier after 9 March 2025, Tokyo does not', () => {
    const r = generateDemo({
      seed: 3,
      start: '2025-02-17T00:00:00Z',
      end: '2025-03-31T00:00:00Z',
      queues: ['comments'],
      languages: ['en', 'ja'],
    });
    for (const [language, expectShift] of [
      ['en', true],
      ['ja', false],
    ] as const) {
      const rows = seriesOf(r, 'comments', language).filter((x) => !x.anomalous && x.local.weekday <= 5);
      const profile = (from: string, to: string) => {
        const sums = new Array(24).fill(0);
        const counts = new Array(24).fill(0);
        for (const x of rows)
          if (x.timestamp >= from && x.timestamp < to) {
            const h = new Date(x.timestamp).getUTCHours();
            sums[h] += x.volume;
            counts[h]++;
          }
        const p = sums.map((s, h) => s / counts[h]);
        const m = mean(p);
        return p.map((v) => v / m);
      };
      const before = profile('2025-02-17', '2025-03-08');
      const after = profile('2025-03-10', '2025-03-29');
      const dist = (shift: number) => {
        let s = 0;
        for (let h = 0; h < 24; h++) s += (after[h] - before[(h + shift) % 24]) ** 2;
        return s;
      };
      // local hour = UTC − 5 before and UTC − 4 after, so after[h] should match before[h + 1]
      if (expectShift) expect(dist(1)).toBeLessThan(dist(0) / 3);
      else expect(dist(0)).toBeLessThan(dist(1) / 3);
    }
  });

  it('weekly: livestream weekend days run about 1.18 / 0.89 = 1.33 times Monday–Thursday', () => {
    const r = generateDemo({
      seed: 5,
      start: '2025-01-06T05:00:00Z',
      end: '2025-03-03T05:00:00Z',
      queues: ['livestream_reports'],
      languages: ['en'],
    });
    const days = [...dailyTotals(seriesOf(r, 'livestream_reports', 'en')).values()].filter((d) => d.clean);
    const weekend = mean(days.filter((d) => d.weekday >= 6).map((d) => d.total));
    const monThu = mean(days.filter((d) => d.weekday <= 4).map((d) => d.total));
    // design (README weekly table): Sat 1.22, Sun 1.14 vs Mon–Thu 0.88, 0.87, 0.88, 0.93
    const expected = (1.22 + 1.14) / 2 / ((0.88 + 0.87 + 0.88 + 0.93) / 4);
    expect(weekend / monThu).toBeGreaterThan(expected * 0.92);
    expect(weekend / monThu).toBeLessThan(expected * 1.08);
  });

  it('appeals in Hindi are intermittent: most hours are zero', () => {
    const r = generateDemo({ ...THREE_WEEKS, queues: ['appeals'], languages: ['hi'] });
    const zeros = r.rows.filter((x) => x.volume === 0).length / r.rows.length;
    // level 0.25 per hour: P(0) is about e^-0.25 = 0.78 on average, lower at the daily peak
    expect(zeros).toBeGreaterThan(0.6);
    expect(zeros).toBeLessThan(0.9);
  });
});

describe('generateDemo: holidays and events', () => {
  it('US public holidays lower listings (−30%) and raise livestream reports (+30%) against the same weekday ±7 days', () => {
    const r = generateDemo({
      seed: 11,
      start: '2025-08-01T04:00:00Z',
      end: '2026-07-01T04:00:00Z',
      queues: ['listings', 'livestream_reports'],
      languages: ['en'],
    });
    const hd = new Holidays('US');
    const holidayDates = new Set(
      [2025, 2026].flatMap((y) =>
        hd
          .getHolidays(y)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      ),
    );
    const near = (d: string) => {
      const t = DateTime.fromISO(d);
      return [-1, 0, 1].some((k) => holidayDates.has(t.plus({ days: k }).toISODate()!));
    };
    for (const [queue, expected] of [
      ['listings', 0.7],
      ['livestream_reports', 1.3],
    ] as const) {
      const days = dailyTotals(seriesOf(r, queue, 'en'));
      const ratios: number[] = [];
      for (const [date, d] of days) {
        if (!holidayDates.has(date) || !d.clean) continue;
        const refs = [-7, 7]
          .map((k) => DateTime.fromISO(date).plus({ days: k }).toISODate()!)
          .filter((x) => !near(x))
          .map((x) => days.get(x))
          .filter((x) => x?.clean)
          .map((x) => x!.total);
        if (refs.length > 0) ratios.push(d.total / mean(refs));
      }
      expect(ratios.length).toBeGreaterThanOrEqual(8);
      expect(Math.abs(mean(ratios) - expected)).toBeLessThan(0.08);
    }
  });

  it('the LATAM launch lifts Brazilian livestream reports by the uplift after its 28-day ramp', () => {
    const r = generateDemo({
      seed: 13,
      start: '2025-03-15T03:00:00Z',
      end: '2025-06-15T03:00:00Z',
      queues: ['livestream_reports'],
      languages: ['pt', 'en'],
    });
    const launch = r.truth.events.find((e) => e.name === 'Live Shopping launch LATAM')!;
    expect(launch.inHistory).toBe(true);
    expect(launch.series.map((s) => s.language)).toEqual(['pt']);
    const clean = (lang: string, from: string, to: string) =>
      mean(
        seriesOf(r, 'livestream_reports', lang)
          .filter((x) => !x.anomalous && x.timestamp >= from && x.timestamp < to)
          .map((x) => x.volume),
      );
    // two weeks before the start vs two weeks after the ramp ends (2025-04-15 + 28 days = 2025-05-13)
    const beforePt = clean('pt', '2025-04-01T03', '2025-04-15T03');
    const afterPt = clean('pt', '2025-05-14T03', '2025-05-28T03');
    // expected: (1 + 0.7) × trend exp(0.30 × 43/365.25) (growth 0.2 queue + 0.1 pt); no holidays in either window
    const expected = 1.7 * Math.exp((0.3 * 43) / 365.25);
    expect(afterPt / beforePt).toBeGreaterThan(expected * 0.9);
    expect(afterPt / beforePt).toBeLessThan(expected * 1.1);
    // English livestream (not launched) only grows with its trend, exp(0.2 × 43/365.25) ≈ 1.02
    const en = clean('en', '2025-05-14T03', '2025-05-28T03') / clean('en', '2025-04-01T03', '2025-04-15T03');
    expect(en).toBeLessThan(1.15);
  });

  it('eventShapeAt follows the documented shapes', () => {
    const day = 86_400_000;
    const s = Date.parse('2025-01-01T00:00:00Z');
    const base = { name: 'x', type: 'launch' as const, start: '2025-01-01T00:00:00Z' };
    const ramp = { ...base, shape: { kind: 'ramp' as const, days: 10 } };
    expect(eventShapeAt(ramp, s - 1)).toBe(0);
    expect(eventShapeAt(ramp, s + 5 * day)).toBeCloseTo(0.5, 12);
    expect(eventShapeAt(ramp, s + 30 * day)).toBe(1);
    expect(eventShapeAt({ ...base, shape: { kind: 'step' } }, s - 1)).toBe(0);
    expect(eventShapeAt({ ...base, shape: { kind: 'step' } }, s)).toBe(1);
    expect(eventShapeAt({ ...base, shape: { kind: 'spike', decayDays: 2 } }, s + 2 * day)).toBeCloseTo(
      Math.exp(-1),
      12,
    );
    const w = {
      ...base,
      end: '2025-01-05T00:00:00Z',
      shape: { kind: 'window' as const, preDays: 2, postDays: 4 },
    };
    expect(eventShapeAt(w, s - 2 * day - 1)).toBe(0);
    expect(eventShapeAt(w, s - 2 * day)).toBe(1);
    expect(eventShapeAt(w, s + day)).toBe(1);
    expect(eventShapeAt(w, s + 8 * day - 1)).toBe(1);
    expect(eventShapeAt(w, s + 8 * day)).toBe(0);
  });

  it('the Summer Sale window (3 pre-days, 4 sale days, 7 post-days) lifts US listings by about +35%', () => {
    const r = generateDemo({
      seed: 17,
      start: '2025-06-09T04:00:00Z',
      end: '2025-08-11T04:00:00Z',
      queues: ['listings'],
      languages: ['en', 'hi'],
    });
    const totals = (lang: string) => dailyTotals(seriesOf(r, 'listings', lang));
    // the window spans local days 2025-07-05 .. 2025-07-18 (start 07-08 04:00Z = New York midnight)
    const inWindow = (d: string) => d >= '2025-07-05' && d <= '2025-07-18';
    const ratio = (lang: string) => {
      const days = totals(lang);
      const sum = (pick: (d: string) => boolean) =>
        mean([...days].filter(([d, v]) => pick(d) && v.clean && v.total > 0).map(([, v]) => v.total));
      // reference: the two full weeks before and after, clear of 4 July (US) and the window
      const ref = (d: string) =>
        (d >= '2025-06-16' && d <= '2025-06-29') || (d >= '2025-07-21' && d <= '2025-08-03');
      return sum(inWindow) / sum(ref);
    };
    // yearly profile for listings is flat in June–August (bumps at day 79 and 326 are > 100 days away)
    expect(ratio('en')).toBeGreaterThan(1.35 * 0.93);
    expect(ratio('en')).toBeLessThan(1.35 * 1.07);
    // India is not in the promotion's markets
    expect(ratio('hi')).toBeLessThan(1.1);
  });
});

describe('events.json and truth.json', () => {
  const full = generateDemo({
    seed: 42,
    start: '2026-10-01T00:00:00Z',
    queues: ['comments'],
    languages: ['de'],
  });

  const EventSchema = z.object({
    name: z.string().min(1),
    type: z.enum(['launch', 'policy', 'promotion', 'outage', 'other']),
    start: z.iso.datetime(),
    end: z.iso.datetime().optional(),
    queues: z.array(z.string()).optional(),
    languages: z.array(z.string()).optional(),
    markets: z.array(z.string()).optional(),
    shape: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('step') }),
      z.object({ kind: z.literal('ramp'), days: z.number().positive() }),
      z.object({ kind: z.literal('spike'), decayDays: z.number().positive() }),
      z.object({
        kind: z.literal('window'),
        preDays: z.number().nonnegative().optional(),
        postDays: z.number().nonnegative().optional(),
      }),
    ]),
    uplift: z.number().optional(),
    description: z.string().optional(),
  });

  it('every event fits the schema; past ones carry no uplift; a future launch carries one', () => {
    const events = z.array(EventSchema.strict()).parse(full.events);
    const end = Date.parse(full.truth.generator.end);
    const past = events.filter((e) => Date.parse(e.start) < end);
    const future = events.filter((e) => Date.parse(e.start) >= end);
    expect(past.length).toBeGreaterThanOrEqual(5);
    expect(past.every((e) => e.uplift === undefined)).toBe(true);
    expect(future.some((e) => e.type === 'launch' && typeof e.uplift === 'number')).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['launch', 'policy', 'promotion']));
  });

  it('truth lists the known events with their true uplift and which series they touch', () => {
    const policy = full.truth.events.find((e) => e.type === 'policy' && e.queues?.includes('comments'))!;
    expect(policy.trueUplift).toBe(0.25);
    expect(policy.series).toEqual([{ queue: 'comments', language: 'de', market: 'DE' }]);
    expect(full.truth.holidays.dates.DE.some((d) => d.date === '2026-10-03')).toBe(true); // German Unity Day
  });
});

describe('generateDemo: degenerate input', () => {
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof ModcapError ? e.code : String(e);
    }
    return 'no error';
  };

  it('a one-hour range gives one row per series and no anomalies', () => {
    const r = generateDemo({ start: '2025-01-01T00:00:00Z', end: '2025-01-01T01:00:00Z' });
    expect(r.rows.length).toBe(30);
    expect(r.truth.spikes).toEqual([]);
    expect(r.truth.outages).toEqual([]);
    expect(r.truth.gaps).toEqual([]);
  });

  it('rejects bad ranges, seeds, queues and languages with BAD_ARGUMENT', () => {
    expect(codeOf(() => generateDemo({ start: '2025-01-02T00:00:00Z', end: '2025-01-01T00:00:00Z' }))).toBe(
      'BAD_ARGUMENT',
    );
    expect(codeOf(() => generateDemo({ start: '2025-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' }))).toBe(
      'BAD_ARGUMENT',
    );
    expect(codeOf(() => generateDemo({ start: '2025-01-01T00:30:00Z' }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ start: '2025-01-01' }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ start: 'not a date' }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ seed: 1.5 }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ seed: Number.NaN }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ queues: ['memes'] }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ queues: [] }))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => generateDemo({ languages: ['fr'] }))).toBe('BAD_ARGUMENT');
  });

  it('parseArgs reads the flags and rejects unknown or empty ones', () => {
    expect(parseArgs(['--seed', '7', '--out', '/tmp/x'])).toEqual({ seed: 7, out: '/tmp/x' });
    expect(parseArgs([])).toEqual({ out: 'data/demo' });
    expect(codeOf(() => parseArgs(['--seed']))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => parseArgs(['--seed', 'x']))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => parseArgs(['--size', '3']))).toBe('BAD_ARGUMENT');
  });
});
