import { describe, expect, it } from 'vitest';
import { type EventSpec, eventShape, localDates } from '../../../src/forecast/events/index.ts';

const DAY = 86_400_000;
const days = (start: string, n: number) =>
  Array.from({ length: n }, (_, i) => Date.parse(`${start}T00:00:00Z`) + i * DAY);
const ev = (shape: EventSpec['shape'], start = '2025-01-03', end?: string): EventSpec => ({
  name: 'e',
  type: 'other',
  start,
  ...(end ? { end } : {}),
  shape,
});

describe('eventShape on a daily UTC grid (2025-01-01 … 01-08)', () => {
  const grid = days('2025-01-01', 8);
  it('step: 0 before the start, 1 from it, 0 after a date-only end (inclusive)', () => {
    expect(eventShape(ev({ kind: 'step' }), grid, 'day', 'UTC')).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    expect(eventShape(ev({ kind: 'step' }, '2025-01-03', '2025-01-05'), grid, 'day', 'UTC')).toEqual([
      0, 0, 1, 1, 1, 0, 0, 0,
    ]);
  });
  it('step starting at noon covers half of that day', () => {
    expect(eventShape(ev({ kind: 'step' }, '2025-01-03T12:00:00Z'), grid, 'day', 'UTC').slice(1, 4)).toEqual([
      0, 0.5, 1,
    ]);
  });
  it('ramp: k/days on the k-th day, then 1', () => {
    expect(eventShape(ev({ kind: 'ramp', days: 4 }), grid, 'day', 'UTC')).toEqual([
      0, 0, 0.25, 0.5, 0.75, 1, 1, 1,
    ]);
  });
  it('spike: 1 on the start day, then exp(−d/decayDays)', () => {
    const s = eventShape(ev({ kind: 'spike', decayDays: 2 }), grid, 'day', 'UTC');
    expect(s.slice(0, 3)).toEqual([0, 0, 1]);
    expect(s[3]).toBeCloseTo(Math.exp(-0.5), 12);
    expect(s[7]).toBeCloseTo(Math.exp(-2.5), 12);
  });
  it('window: [start − preDays, end + postDays] in whole days; without end, the start day', () => {
    expect(eventShape(ev({ kind: 'window', preDays: 1, postDays: 2 }), grid, 'day', 'UTC')).toEqual([
      0, 1, 1, 1, 1, 0, 0, 0,
    ]);
    expect(eventShape(ev({ kind: 'window' }, '2025-01-03', '2025-01-04'), grid, 'day', 'UTC')).toEqual([
      0, 0, 1, 1, 0, 0, 0, 0,
    ]);
  });
  it('weekly grid: a 2-day window covers 2/7 of its week', () => {
    const weeks = Array.from({ length: 3 }, (_, i) => Date.parse('2025-01-06T00:00:00Z') + i * 7 * DAY);
    const s = eventShape(ev({ kind: 'window' }, '2025-01-14', '2025-01-15'), weeks, 'week', 'UTC');
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(2 / 7, 12);
    expect(s[2]).toBe(0);
  });
});

describe('eventShape is DST-safe', () => {
  // Europe/Berlin falls back on 2024-10-27: that local day has 25 hours (22:00Z on the 26th to 23:00Z on the 27th)
  const hours = Array.from({ length: 72 }, (_, i) => Date.UTC(2024, 9, 26, 0) + i * 3_600_000);
  it('a one-day window on the fall-back day covers 25 hourly points', () => {
    const s = eventShape(ev({ kind: 'window' }, '2024-10-27'), hours, 'hour', 'Europe/Berlin');
    expect(s.reduce((a, b) => a + b, 0)).toBe(25);
    expect(s[hours.indexOf(Date.UTC(2024, 9, 26, 22))]).toBe(1);
    expect(s[hours.indexOf(Date.UTC(2024, 9, 26, 21))]).toBe(0);
    expect(s[hours.indexOf(Date.UTC(2024, 9, 27, 22))]).toBe(1);
    expect(s[hours.indexOf(Date.UTC(2024, 9, 27, 23))]).toBe(0);
  });
  it('a daily grid in Berlin keeps whole days across the change (step is 0 or 1)', () => {
    const local = [
      Date.UTC(2024, 9, 25, 22),
      Date.UTC(2024, 9, 26, 22),
      Date.UTC(2024, 9, 27, 23),
      Date.UTC(2024, 9, 28, 23),
    ];
    expect(localDates(local, 'Europe/Berlin')).toEqual([
      '2024-10-26',
      '2024-10-27',
      '2024-10-28',
      '2024-10-29',
    ]);
    expect(eventShape(ev({ kind: 'step' }, '2024-10-27'), local, 'day', 'Europe/Berlin')).toEqual([
      0, 1, 1, 1,
    ]);
  });
});

describe('eventShape on degenerate input', () => {
  it('an empty grid gives an empty column', () => {
    expect(eventShape(ev({ kind: 'step' }), [], 'day', 'UTC')).toEqual([]);
  });
  it('an event entirely after the grid is all zeros', () => {
    expect(eventShape(ev({ kind: 'step' }, '2030-01-01'), days('2025-01-01', 3), 'day', 'UTC')).toEqual([
      0, 0, 0,
    ]);
  });
});
