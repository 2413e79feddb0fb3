import { describe, expect, it } from 'vitest';
import { openProfile } from '../../src/capacity/calendar.ts';

const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);

describe('openProfile', () => {
  it('places local weekday hours on the UTC grid (Dublin in winter is UTC+0)', () => {
    // Monday 2025-01-06 00:00 UTC, one week.
    const p = openProfile(
      { timeZone: 'Europe/Dublin', hours: { mon: ['08:00-20:00'], sat: ['09:00-17:00'] } },
      Date.UTC(2025, 0, 6),
      168,
    );
    expect(sum(p.open)).toBe(20);
    expect(p.open[7]).toBe(0);
    expect(p.open[8]).toBe(1);
    expect(p.open[19]).toBe(1);
    expect(p.open[20]).toBe(0);
    expect(p.open[5 * 24 + 9]).toBe(1); // Saturday 09:00
  });

  it('moves with daylight saving time (Dublin in summer opens at 07:00 UTC)', () => {
    const p = openProfile(
      { timeZone: 'Europe/Dublin', hours: { mon: ['08:00-20:00'] } },
      Date.UTC(2025, 6, 7),
      24,
    );
    expect(p.open[6]).toBe(0);
    expect(p.open[7]).toBe(1);
    expect(p.open[18]).toBe(1);
    expect(p.open[19]).toBe(0);
  });

  it('gives half hours for a half-hour time zone (Kolkata, UTC+5:30)', () => {
    const p = openProfile({ timeZone: 'Asia/Kolkata', hours: '24/7' }, Date.UTC(2025, 0, 6), 48);
    expect(sum(p.open)).toBeCloseTo(48, 9);
    const q = openProfile(
      { timeZone: 'Asia/Kolkata', hours: { mon: ['09:00-10:00'] } },
      Date.UTC(2025, 0, 6),
      24,
    );
    // 09:00 IST = 03:30 UTC: half of hour 3 and half of hour 4.
    expect(q.open[3]).toBeCloseTo(0.5, 9);
    expect(q.open[4]).toBeCloseTo(0.5, 9);
    expect(sum(q.open)).toBeCloseTo(1, 9);
  });

  it('closes public holidays of the site calendar', () => {
    // 2025-12-25 is a Thursday; Christmas in Ireland.
    const start = Date.UTC(2025, 11, 22);
    const open = openProfile(
      { timeZone: 'Europe/Dublin', hours: '24/7', holidayCalendar: 'IE', closedOnHolidays: true },
      start,
      168,
    );
    expect(open.holidays.has('2025-12-25')).toBe(true);
    expect(open.open[3 * 24 + 12]).toBe(0);
    expect(open.open[2 * 24 + 12]).toBe(1);
    const closedDays = [...open.holidays.keys()].filter((d) => d >= '2025-12-22' && d <= '2025-12-28').length;
    expect(sum(open.open)).toBe(168 - 24 * closedDays);
    // A 24/7 operation stays open on holidays unless told otherwise.
    const always = openProfile(
      { timeZone: 'Europe/Dublin', hours: '24/7', holidayCalendar: 'IE' },
      start,
      168,
    );
    expect(sum(always.open)).toBe(168);
  });
});
