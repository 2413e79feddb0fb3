import { describe, expect, it } from 'vitest';
import { calendarFor } from '../../../src/forecast/io/calendar.ts';
import { inferFrequency, placeOnGrid } from '../../../src/forecast/io/grid.ts';

const H = 3_600_000;
const D = 86_400_000;
const utc = (iso: string) => Date.parse(iso);
const UTC = calendarFor('UTC');

describe('inferFrequency', () => {
  it('reads the median spacing as hour, day or week', () => {
    expect(inferFrequency([0, H, 2 * H, 5 * H], UTC)).toBe('hour');
    expect(inferFrequency([0, D, 3 * D, 4 * D], UTC)).toBe('day');
    expect(inferFrequency([0, 7 * D, 21 * D], UTC)).toBe('week');
  });

  it('23- and 25-hour local days are days', () => {
    const berlin = calendarFor('Europe/Berlin');
    expect(inferFrequency([utc('2025-03-29T23:00:00Z'), utc('2025-03-30T22:00:00Z')], berlin)).toBe('day');
  });

  it('one point: a day at local midnight, else an hour; none: day', () => {
    expect(inferFrequency([0], UTC)).toBe('day');
    expect(inferFrequency([H], UTC)).toBe('hour');
    expect(inferFrequency([], UTC)).toBe('day');
  });
});

describe('placeOnGrid', () => {
  it('fills holes of an hourly grid and maps rows to positions', () => {
    const p = placeOnGrid([0, 3 * H], UTC);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.timestamps).toEqual([0, H, 2 * H, 3 * H]);
    expect(Array.from(p.positions)).toEqual([0, 3]);
  });

  it('reports off-grid rows by index, never rounding them', () => {
    const p = placeOnGrid([0, H, 1.5 * H, 2 * H], UTC);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.offGrid.map((o) => o.index)).toEqual([2]);
  });

  it('an hourly grid on UTC hours holds in a half-hour zone (Asia/Kolkata: :30 local)', () => {
    const kolkata = calendarFor('Asia/Kolkata');
    const t0 = utc('2024-11-01T00:00:00Z'); // 05:30 local
    const p = placeOnGrid([t0, t0 + H, t0 + 3 * H], kolkata, 'hour');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.timestamps).toEqual([t0, t0 + H, t0 + 2 * H, t0 + 3 * H]);
  });

  it('a row 30 minutes off a UTC-hour grid is still off the grid', () => {
    const p = placeOnGrid([0, H, 1.5 * H], calendarFor('Asia/Kolkata'), 'hour');
    expect(p.ok).toBe(false);
  });

  it('a weekly grid takes the weekday most rows share and flags the others', () => {
    // Mondays 3, 10, 24 March 2025 and a Wednesday 12 March as the first row would not anchor it.
    const p = placeOnGrid(
      [utc('2025-03-03'), utc('2025-03-05'), utc('2025-03-10'), utc('2025-03-24')],
      UTC,
      'week',
    );
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.offGrid.map((o) => o.index)).toEqual([1]);
    expect(p.offGrid[0].reason).toContain('Wednesday');
  });

  it('rows a month apart are refused once, as a monthly series, not row by row', () => {
    const months = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01'].map(utc);
    const p = placeOnGrid(months, UTC);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.offGrid).toHaveLength(1);
    expect(p.offGrid[0].reason).toMatch(/monthly series.*hourly, daily or weekly/);
    // a weekly series with a missing month of rows is still weekly, its holes left as gaps
    const sparse = [0, 7, 14, 49, 56, 63].map((w) => utc('2024-01-01') + w * D);
    expect(placeOnGrid(sparse, UTC).ok).toBe(true);
  });

  it('a daily grid in New York steps over the 23-hour day', () => {
    const ts = [utc('2025-03-08T05:00:00Z'), utc('2025-03-10T04:00:00Z')];
    const p = placeOnGrid(ts, calendarFor('America/New_York'));
    expect(p.ok && p.timestamps).toEqual([
      utc('2025-03-08T05:00:00Z'),
      utc('2025-03-09T05:00:00Z'),
      utc('2025-03-10T04:00:00Z'),
    ]);
  });

  it('refuses a span beyond the limit (a mistyped year)', () => {
    const p = placeOnGrid([utc('2025-01-01'), utc('2225-01-01')], UTC, 'hour'); // 1.75M hours > 1M
    expect(p.ok).toBe(false);
  });

  it('an empty input is an empty grid', () => {
    expect(placeOnGrid([], UTC)).toMatchObject({ ok: true, timestamps: [] });
  });
});
