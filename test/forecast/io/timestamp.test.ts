import { describe, expect, it } from 'vitest';
import { calendarFor } from '../../../src/forecast/io/calendar.ts';
import {
  type ParsedTimestamp,
  parseIsoTimestamp,
  resolveTimestamp,
} from '../../../src/forecast/io/timestamp.ts';

const utc = (iso: string) => Date.parse(iso);
const ok = (t: string) => parseIsoTimestamp(t) as ParsedTimestamp;

describe('parseIsoTimestamp', () => {
  it('reads Z and offsets into instants (Date.parse agrees)', () => {
    expect(ok('2025-03-01T00:00:00Z').instant).toBe(utc('2025-03-01T00:00:00Z'));
    expect(ok('2025-03-01T09:00:00+09:00').instant).toBe(utc('2025-03-01T00:00:00Z'));
    expect(ok('2025-03-01T00:00:00-0530').instant).toBe(utc('2025-03-01T05:30:00Z'));
    expect(ok('2025-03-01 10:15:30.250Z').instant).toBe(utc('2025-03-01T10:15:30.250Z'));
    expect(ok('2025-03-01T10:15Z').instant).toBe(utc('2025-03-01T10:15:00Z'));
  });

  it('leaves bare dates and local date-times without an instant', () => {
    const p = ok('2025-03-01T10:15');
    expect(p.offsetMinutes).toBeNull();
    expect(Number.isNaN(p.instant)).toBe(true);
    expect([p.year, p.month, p.day, p.hour, p.minute]).toEqual([2025, 3, 1, 10, 15]);
    expect(ok('2024-02-29').day).toBe(29);
  });

  it('rejects other formats and impossible dates and times with a reason', () => {
    for (const t of [
      '2025/03/01',
      '01.03.2025',
      '2025-3-1',
      '2025-03-01T',
      '20250301',
      '2025-02-29',
      '2025-04-31',
      '2025-03-01T24:00',
      '2025-03-01T10:60',
      '2025-03-01Z',
      'soon',
    ]) {
      expect(typeof parseIsoTimestamp(t)).toBe('string');
    }
  });
});

describe('resolveTimestamp', () => {
  it('reads local times in the zone, and keeps explicit offsets', () => {
    expect(resolveTimestamp(ok('2025-07-01T12:00'), calendarFor('Europe/Berlin'))).toBe(
      utc('2025-07-01T10:00:00Z'),
    );
    expect(resolveTimestamp(ok('2025-07-01T12:00Z'), calendarFor('Europe/Berlin'))).toBe(
      utc('2025-07-01T12:00:00Z'),
    );
    expect(resolveTimestamp(ok('2025-01-15'), calendarFor('America/New_York'))).toBe(
      utc('2025-01-15T05:00:00Z'),
    );
  });

  it('explains a local time skipped by DST', () => {
    expect(resolveTimestamp(ok('2025-03-09T02:30'), calendarFor('America/New_York'))).toContain(
      'does not exist',
    );
  });
});
