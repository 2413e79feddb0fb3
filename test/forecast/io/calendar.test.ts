import { describe, expect, it } from 'vitest';
import { calendarFor, canonicalTimeZone, isoWeekday } from '../../../src/forecast/io/calendar.ts';

const utc = (iso: string) => Date.parse(iso);
const day = (iso: string) => utc(iso) / 86_400_000; // day number of a date

describe('canonicalTimeZone', () => {
  it('canonicalises IANA names and rejects unknown ones and fixed offsets', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('+02:00')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });
});

describe('isoWeekday', () => {
  it('1970-01-01 was a Thursday; 2025-03-03 a Monday; 2025-03-09 a Sunday', () => {
    expect(isoWeekday(0)).toBe(4);
    expect(isoWeekday(day('2025-03-03'))).toBe(1);
    expect(isoWeekday(day('2025-03-09'))).toBe(7);
    expect(isoWeekday(-1)).toBe(3);
  });
});

describe('ZoneCalendar', () => {
  it('day lengths at the 2025 DST changes: Berlin 30 Mar 23 h, 26 Oct 25 h; New York 9 Mar 23 h, 2 Nov 25 h', () => {
    expect(calendarFor('Europe/Berlin').dayLengthHours(day('2025-03-30'))).toBe(23);
    expect(calendarFor('Europe/Berlin').dayLengthHours(day('2025-10-26'))).toBe(25);
    expect(calendarFor('Europe/Berlin').dayLengthHours(day('2025-03-29'))).toBe(24);
    expect(calendarFor('America/New_York').dayLengthHours(day('2025-03-09'))).toBe(23);
    expect(calendarFor('America/New_York').dayLengthHours(day('2025-11-02'))).toBe(25);
  });

  it('dayStart is local midnight; dayOf finds the local day of any instant', () => {
    const ny = calendarFor('America/New_York');
    expect(ny.dayStart(day('2025-03-09'))).toBe(utc('2025-03-09T05:00:00Z'));
    expect(ny.dayOf(utc('2025-03-09T04:59:59Z'))).toBe(day('2025-03-08'));
    expect(ny.dayOf(utc('2025-03-09T05:00:00Z'))).toBe(day('2025-03-09'));
    const tokyo = calendarFor('Asia/Tokyo');
    expect(tokyo.dayOf(utc('2025-03-01T15:00:00Z'))).toBe(day('2025-03-02'));
    expect(tokyo.dayOf(utc('2025-03-01T14:59:59Z'))).toBe(day('2025-03-01'));
  });

  it('where local midnight does not exist, the day starts at the first instant of the date', () => {
    // America/Santiago moved clocks 00:00 → 01:00 on 7 September 2025 (−04:00 → −03:00).
    expect(calendarFor('America/Santiago').dayStart(day('2025-09-07'))).toBe(utc('2025-09-07T04:00:00Z'));
  });

  it('localToInstant returns null for a skipped local time', () => {
    const berlin = calendarFor('Europe/Berlin');
    expect(berlin.localToInstant(2025, 3, 30, 2, 30, 0, 0)).toBeNull();
    expect(berlin.localToInstant(2025, 3, 30, 3, 0, 0, 0)).toBe(utc('2025-03-30T01:00:00Z'));
  });
});
