import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/forecast/io/aggregate.ts';
import type { Frequency, Series } from '../../../src/forecast/types.ts';

const H = 3_600_000;
const D = 86_400_000;
const utc = (iso: string) => Date.parse(iso);

function hourly(
  timeZone: string,
  startIso: string,
  hours: number,
  value: (k: number) => number = () => 1,
): Series {
  const start = utc(startIso);
  const timestamps = Array.from({ length: hours }, (_, k) => start + k * H);
  return {
    key: { queue: 'q', language: 'de' },
    id: 'q|de',
    freq: 'hour',
    timeZone,
    timestamps,
    values: timestamps.map((_, k) => value(k)),
  };
}

function series(freq: Frequency, timeZone: string, timestamps: number[], values: number[]): Series {
  return { key: { queue: 'q', language: 'en' }, id: 'q|en', freq, timeZone, timestamps, values };
}

describe('aggregate hour → day', () => {
  it('a Berlin spring-forward day (30 March 2025) sums 23 hours', () => {
    // 29 March 00:00 CET = 28 March 23:00Z; 24 + 23 + 24 hours through 31 March.
    const s = hourly('Europe/Berlin', '2025-03-28T23:00:00Z', 71);
    const d = aggregate(s, 'day');
    expect(d.freq).toBe('day');
    expect(d.values).toEqual([24, 23, 24]);
    expect(d.timestamps).toEqual([
      utc('2025-03-28T23:00:00Z'),
      utc('2025-03-29T23:00:00Z'),
      utc('2025-03-30T22:00:00Z'),
    ]);
    expect(d.gaps).toBe(0);
  });

  it('a Berlin fall-back day (26 October 2025) sums 25 hours', () => {
    const s = hourly('Europe/Berlin', '2025-10-24T22:00:00Z', 24 + 25 + 24);
    expect(aggregate(s, 'day').values).toEqual([24, 25, 24]);
  });

  it('New York 9 March 2025 has 23 hours and 2 November 2025 has 25', () => {
    // 8 March 00:00 EST = 05:00Z
    expect(aggregate(hourly('America/New_York', '2025-03-08T05:00:00Z', 71), 'day').values).toEqual([
      24, 23, 24,
    ]);
    // 1 November 00:00 EDT = 04:00Z
    expect(aggregate(hourly('America/New_York', '2025-11-01T04:00:00Z', 73), 'day').values).toEqual([
      24, 25, 24,
    ]);
  });

  it('sums the values of each local day (hand sums of 0..23 = 276 and 24..46 = 805)', () => {
    const d = aggregate(
      hourly('Europe/Berlin', '2025-03-28T23:00:00Z', 47, (k) => k),
      'day',
    );
    expect(d.values).toEqual([276, 805]); // Σ0..23 = 23·24/2; Σ24..46 = (24+46)·23/2
  });

  it('in UTC a day is 24 hours from 00:00Z', () => {
    const d = aggregate(
      hourly('UTC', '2025-01-01T00:00:00Z', 48, (k) => k),
      'day',
    );
    expect(d.values).toEqual([276, 852]); // Σ24..47 = (24+47)·24/2
    expect(d.timestamps).toEqual([utc('2025-01-01'), utc('2025-01-02')]);
  });

  it('a day with a gap is NaN by default, or the sum of its observed hours with partial: "sum"', () => {
    const s = hourly('UTC', '2025-01-01T00:00:00Z', 48, (k) => (k === 30 ? Number.NaN : 1));
    const d = aggregate(s, 'day');
    expect(d.values).toEqual([24, Number.NaN]);
    expect(d.gaps).toBe(1);
    expect(aggregate(s, 'day', { partial: 'sum' }).values).toEqual([24, 23]);
  });

  it('a day with no observed hour stays NaN even with partial: "sum"', () => {
    const s = hourly('UTC', '2025-01-01T00:00:00Z', 48, (k) => (k >= 24 ? Number.NaN : 2));
    expect(aggregate(s, 'day', { partial: 'sum' }).values).toEqual([48, Number.NaN]);
  });

  it('drops partly covered end days by default; edges: "keep" treats the missing hours as gaps', () => {
    // 2025-01-01 10:00Z .. 2025-01-03 05:00Z: day 1 has 14 hours, day 2 all 24, day 3 six.
    const s = hourly('UTC', '2025-01-01T10:00:00Z', 14 + 24 + 6);
    expect(aggregate(s, 'day').values).toEqual([24]);
    expect(aggregate(s, 'day').timestamps).toEqual([utc('2025-01-02')]);
    expect(aggregate(s, 'day', { edges: 'keep' }).values).toEqual([Number.NaN, 24, Number.NaN]);
    expect(aggregate(s, 'day', { edges: 'keep', partial: 'sum' }).values).toEqual([14, 24, 6]);
  });
});

describe('aggregate → week', () => {
  it('daily to ISO weeks starting Monday (3 March 2025 is a Monday)', () => {
    const ts = Array.from({ length: 14 }, (_, k) => utc('2025-03-03') + k * D);
    const w = aggregate(
      series(
        'day',
        'UTC',
        ts,
        ts.map((_, k) => k + 1),
      ),
      'week',
    );
    expect(w.freq).toBe('week');
    expect(w.values).toEqual([28, 77]); // Σ1..7, Σ8..14
    expect(w.timestamps).toEqual([utc('2025-03-03'), utc('2025-03-10')]);
  });

  it('weekStart 7 (Sunday) regroups the same days and trims the partial ends', () => {
    const ts = Array.from({ length: 14 }, (_, k) => utc('2025-03-03') + k * D);
    const w = aggregate(
      series(
        'day',
        'UTC',
        ts,
        ts.map((_, k) => k + 1),
      ),
      'week',
      { weekStart: 7 },
    );
    // Sunday 9 March .. Saturday 15 March = days 7..13
    expect(w.values).toEqual([70]);
    expect(w.timestamps).toEqual([utc('2025-03-09')]);
  });

  it('an hourly Berlin week containing the spring change has 167 hours', () => {
    // Monday 24 March 2025 00:00 CET = 23 March 23:00Z; the week ends Monday 31 March 00:00 CEST = 30 March 22:00Z.
    const s = hourly('Europe/Berlin', '2025-03-23T23:00:00Z', 167);
    const w = aggregate(s, 'week');
    expect(w.values).toEqual([167]);
    expect(w.timestamps).toEqual([utc('2025-03-23T23:00:00Z')]);
  });

  it('a daily week containing a gap is NaN unless partial: "sum"', () => {
    const ts = Array.from({ length: 7 }, (_, k) => utc('2025-03-03') + k * D);
    const s = series('day', 'UTC', ts, [1, 1, Number.NaN, 1, 1, 1, 1]);
    expect(aggregate(s, 'week').values).toEqual([Number.NaN]);
    expect(aggregate(s, 'week', { partial: 'sum' }).values).toEqual([6]);
  });
});

describe('aggregate: degenerate input and errors', () => {
  it('returns a copy when the series already has the target frequency', () => {
    const s = series('day', 'UTC', [0, D], [1, Number.NaN]);
    const d = aggregate(s, 'day');
    expect(d.values).toEqual([1, Number.NaN]);
    expect(d.gaps).toBe(1);
    expect(d.values).not.toBe(s.values);
  });

  it('an empty series aggregates to an empty series', () => {
    expect(aggregate(series('hour', 'UTC', [], []), 'day').values).toEqual([]);
  });

  it('a single hour is a partial day: dropped, or NaN with edges: "keep"', () => {
    const s = series('hour', 'UTC', [0], [5]);
    expect(aggregate(s, 'day').values).toEqual([]);
    expect(aggregate(s, 'day', { edges: 'keep', partial: 'sum' }).values).toEqual([5]);
  });

  it('refuses to aggregate to a finer frequency or with a bad weekStart', () => {
    expect(() => aggregate(series('week', 'UTC', [0], [1]), 'day')).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => aggregate(series('day', 'UTC', [0], [1]), 'week', { weekStart: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
