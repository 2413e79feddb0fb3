import { describe, expect, it } from 'vitest';
import { buildRegressors, type EventSpec, holidaysInYear } from '../../../src/forecast/events/index.ts';

const DAY = 86_400_000;
const days = (start: string, n: number) =>
  Array.from({ length: n }, (_, i) => Date.parse(`${start}T00:00:00Z`) + i * DAY);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const col = (
  set: { history: { names: readonly string[]; columns: readonly (readonly number[])[] } },
  name: string,
) => set.history.columns[set.history.names.indexOf(name)];

describe('holidaysInYear', () => {
  it('gives public holidays by local date, English names, substitutes named after their holiday', () => {
    const us2022 = holidaysInYear('US', undefined, 2022);
    expect(us2022.get('2022-07-04')).toEqual(['Independence Day']);
    // Christmas 2022 is a Sunday; the Monday off is its substitute (date-holidays rule "if sunday then next monday")
    expect(us2022.get('2022-12-26')).toEqual(['Christmas Day']);
    expect(holidaysInYear('DE', 'BY', 2024).get('2024-01-06')).toBeDefined(); // Epiphany: Bavaria only
    expect(holidaysInYear('DE', undefined, 2024).get('2024-01-06')).toBeUndefined();
    expect(holidaysInYear('US', undefined, 2024).get('2024-02-14')).toBeUndefined(); // observance, not public
  });
  it('throws BAD_ARGUMENT for an unknown country', () => {
    expect(() => holidaysInYear('XX', undefined, 2024)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});

describe('buildRegressors: holidays', () => {
  const timestamps = days('2024-06-01', 60); // 2024-06-01 … 07-30: Juneteenth (06-19) and Independence Day (07-04)
  const set = buildRegressors({
    key: { queue: 'reviews', language: 'en', market: 'US' },
    timestamps,
    freq: 'day',
    timeZone: 'UTC',
    holidays: { country: 'US', before: 1, after: 1 },
  });
  it('has a pooled column, one per holiday name seen, and pooled day-before / day-after columns', () => {
    expect(set.history.names).toEqual([
      'holiday:US',
      'holiday:US:Independence Day',
      'holiday:US:Juneteenth',
      'holiday:US:-1',
      'holiday:US:+1',
    ]);
    const ones = (name: string) => col(set, name).flatMap((v, i) => (v === 1 ? [iso(timestamps[i])] : []));
    expect(ones('holiday:US')).toEqual(['2024-06-19', '2024-07-04']);
    expect(ones('holiday:US:Juneteenth')).toEqual(['2024-06-19']);
    expect(ones('holiday:US:-1')).toEqual(['2024-06-18', '2024-07-03']);
    expect(ones('holiday:US:+1')).toEqual(['2024-06-20', '2024-07-05']);
    expect(set.columns.map((c) => c.kind)).toEqual([
      'holiday',
      'holiday-name',
      'holiday-name',
      'holiday-window',
      'holiday-window',
    ]);
  });
  it('future columns have the same names and mark future holidays (Labor Day 2024-09-02 is 34 days on)', () => {
    const f = set.future(40);
    expect(f.names).toEqual(set.history.names);
    const pooled = f.columns[0];
    expect(pooled.flatMap((v, k) => (v ? [k + 1] : []))).toEqual([34]);
    // Labor Day was not in history: no per-name column, only the pooled one (and the window days)
    expect(f.columns[1].every((v) => v === 0)).toBe(true);
    expect(f.columns[3][32]).toBe(1);
    expect(f.columns[4][34]).toBe(1);
  });
  it("accepts the caller's future grid (function or array)", () => {
    const ts = days('2024-09-02', 3);
    expect(set.future(3, ts).columns[0]).toEqual([1, 0, 0]);
    expect(set.future(3, () => ts).columns[0]).toEqual([1, 0, 0]);
    expect(() => set.future(3, ts.slice(0, 2))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
  it('uses the market as the country by default, and none with holidays: false', () => {
    const byMarket = buildRegressors({
      key: { queue: 'q', language: 'en', market: 'US' },
      timestamps,
      freq: 'day',
      timeZone: 'UTC',
    });
    expect(byMarket.calendar).toBe('US');
    expect(byMarket.history.names).toContain('holiday:US');
    const none = buildRegressors({
      key: { queue: 'q', language: 'en', market: 'US' },
      timestamps,
      freq: 'day',
      timeZone: 'UTC',
      holidays: false,
    });
    expect(none.history.names).toEqual([]);
    expect(none.calendar).toBeNull();
  });
  it('counts holiday days per week on a weekly grid', () => {
    // weeks starting Monday 2024-12-23 and 2024-12-30 in Germany: 25 + 26 Dec, then 1 Jan
    const weeks = [Date.UTC(2024, 11, 23), Date.UTC(2024, 11, 30)];
    const w = buildRegressors({
      key: { queue: 'q', language: 'de' },
      timestamps: weeks,
      freq: 'week',
      timeZone: 'UTC',
      holidays: { country: 'DE' },
    });
    expect(col(w, 'holiday:DE')).toEqual([2, 1]);
  });
});

describe('buildRegressors: holidays on an hourly grid are DST-safe', () => {
  // Easter Sunday 2024-03-31 is a public holiday in Brandenburg and the day Europe/Berlin springs forward:
  // that local day runs from 2024-03-30T23:00Z to 2024-03-31T22:00Z, 23 hours.
  const hours = Array.from({ length: 24 * 4 }, (_, i) => Date.UTC(2024, 2, 30, 0) + i * 3_600_000);
  const set = buildRegressors({
    key: { queue: 'live', language: 'de' },
    timestamps: hours,
    freq: 'hour',
    timeZone: 'Europe/Berlin',
    holidays: { country: 'DE', region: 'BB' },
  });
  it('marks the 23 hours of the local holiday', () => {
    const easter = col(set, 'holiday:DE-BB:Easter Sunday');
    expect(easter.reduce((a, b) => a + b, 0)).toBe(23);
    expect(easter[hours.indexOf(Date.UTC(2024, 2, 30, 23))]).toBe(1);
    expect(easter[hours.indexOf(Date.UTC(2024, 2, 30, 22))]).toBe(0);
    expect(easter[hours.indexOf(Date.UTC(2024, 2, 31, 21))]).toBe(1);
    expect(easter[hours.indexOf(Date.UTC(2024, 2, 31, 22))]).toBe(0); // local midnight of Easter Monday
    expect(col(set, 'holiday:DE-BB:Easter Monday')[hours.indexOf(Date.UTC(2024, 2, 31, 22))]).toBe(1);
  });
});

describe('buildRegressors: events', () => {
  const timestamps = days('2025-01-01', 30);
  const events: EventSpec[] = [
    { name: 'old', type: 'policy', start: '2025-01-10', shape: { kind: 'step' } },
    {
      name: 'late',
      type: 'launch',
      start: '2025-01-30T12:00:00Z',
      shape: { kind: 'ramp', days: 7 },
      uplift: 0.2,
    },
    { name: 'next', type: 'promotion', start: '2025-02-05', shape: { kind: 'window' } },
    { name: 'elsewhere', type: 'launch', start: '2025-01-05', languages: ['fr'], shape: { kind: 'step' } },
  ];
  const set = buildRegressors({
    key: { queue: 'q', language: 'en' },
    timestamps,
    freq: 'day',
    timeZone: 'UTC',
    events,
    holidays: false,
  });
  it('keeps events touching the series; only those with ≥ 1 day of history at full effect are model columns', () => {
    expect(set.events.map((e) => [e.name, e.estimable])).toEqual([
      ['old', true],
      ['late', false],
      ['next', false],
    ]);
    expect(set.history.names).toEqual(['event:old']);
    // 'late' ramp starts at noon of the last day (01-30): that day's value is (end − start) / 7 days = 0.5 / 7,
    // over one day → support 1/14 day
    expect(set.events[1].support).toBeCloseTo(1 / 14, 12);
    expect(set.events[1].lastHistoryValue).toBeCloseTo(1 / 14, 12);
    expect(set.events[0].lastHistoryValue).toBe(1);
  });
  it('eventShapes gives every event over the future grid', () => {
    const s = set.eventShapes(10);
    expect(s.names).toEqual(['event:old', 'event:late', 'event:next']);
    expect(s.columns[2].flatMap((v, k) => (v ? [k + 1] : []))).toEqual([6]); // history ends 01-30, so 2025-02-05 is step 6
    expect(s.columns[1][0]).toBeCloseTo(1.5 / 7, 12);
  });
});

describe('buildRegressors on degenerate input', () => {
  it('an empty grid gives no columns', () => {
    const set = buildRegressors({
      key: { queue: 'q', language: 'en', market: 'US' },
      timestamps: [],
      freq: 'day',
      timeZone: 'UTC',
    });
    expect(set.history.names).toEqual([]);
  });
  it('throws on an unknown time zone or holiday country', () => {
    expect(() =>
      buildRegressors({ key: {}, timestamps: days('2025-01-01', 3), freq: 'day', timeZone: 'Mars/Olympus' }),
    ).toThrow(expect.objectContaining({ code: 'INPUT_UNKNOWN_TIMEZONE' }));
    expect(() =>
      buildRegressors({
        key: {},
        timestamps: days('2025-01-01', 3),
        freq: 'day',
        timeZone: 'UTC',
        holidays: { country: 'XX' },
      }),
    ).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
