import { describe, expect, it } from 'vitest';
import { futureTimestamps } from '../../../src/forecast/io/future.ts';
import type { Frequency } from '../../../src/forecast/types.ts';

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const s = (freq: Frequency, timeZone: string, timestamps: number[]) => ({
  id: 'q|en',
  freq,
  timeZone,
  timestamps,
});

describe('futureTimestamps', () => {
  it('hourly: every 3,600,000 ms after the last period, also across DST', () => {
    const last = utc('2025-03-30T00:00:00Z'); // 02:00 Berlin summer time, just after the change
    expect(futureTimestamps(s('hour', 'Europe/Berlin', [last - H, last]), 3)).toEqual([
      last + H,
      last + 2 * H,
      last + 3 * H,
    ]);
  });

  it('daily Berlin: the next local midnights, 24 then 23 hours apart around 30 March 2025', () => {
    const last = utc('2025-03-28T23:00:00Z'); // 29 March 00:00 CET
    const f = futureTimestamps(s('day', 'Europe/Berlin', [last]), 3);
    expect(f).toEqual([
      utc('2025-03-29T23:00:00Z'),
      utc('2025-03-30T22:00:00Z'),
      utc('2025-03-31T22:00:00Z'),
    ]);
  });

  it('daily New York across 2 November 2025: a 25-hour step', () => {
    const last = utc('2025-11-01T04:00:00Z');
    const f = futureTimestamps(s('day', 'America/New_York', [last]), 2);
    expect(f.map((t, i) => (t - (i === 0 ? last : f[i - 1])) / H)).toEqual([24, 25]);
  });

  it('weekly New York: one calendar week (167 hours across the 9 March 2025 change)', () => {
    const last = utc('2025-03-03T05:00:00Z'); // Monday 3 March 00:00 EST
    expect(futureTimestamps(s('week', 'America/New_York', [last]), 2)).toEqual([
      utc('2025-03-10T04:00:00Z'),
      utc('2025-03-17T04:00:00Z'),
    ]);
  });

  it('h = 0 gives nothing; a bad h or an empty series is an error', () => {
    expect(futureTimestamps(s('day', 'UTC', [0]), 0)).toEqual([]);
    expect(() => futureTimestamps(s('day', 'UTC', [0]), -1)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => futureTimestamps(s('day', 'UTC', [0]), 1.5)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => futureTimestamps(s('day', 'UTC', []), 1)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
