import { describe, expect, it } from 'vitest';
import { durationToSteps, parseDuration } from '../../../src/forecast/io/duration.ts';

const bad = expect.objectContaining({ code: 'BAD_ARGUMENT' });

describe('parseDuration', () => {
  it('reads hours, days and weeks', () => {
    expect(parseDuration('48h')).toEqual({ amount: 48, unit: 'hour' });
    expect(parseDuration('14d')).toEqual({ amount: 14, unit: 'day' });
    expect(parseDuration(' 8W ')).toEqual({ amount: 8, unit: 'week' });
  });

  it('rejects zero, fractions, other units and empty text', () => {
    for (const t of ['0h', '1.5d', '3m', 'w', '', '-2d', '2 weeks'])
      expect(() => parseDuration(t)).toThrow(bad);
  });
});

describe('durationToSteps', () => {
  it('converts with 24-hour days and 7-day weeks', () => {
    expect(durationToSteps('8w', 'hour')).toBe(1344); // 8 · 7 · 24
    expect(durationToSteps('48h', 'hour')).toBe(48);
    expect(durationToSteps('14d', 'hour')).toBe(336);
    expect(durationToSteps('48h', 'day')).toBe(2);
    expect(durationToSteps('2w', 'day')).toBe(14);
    expect(durationToSteps('14d', 'week')).toBe(2);
    expect(durationToSteps({ amount: 26, unit: 'week' }, 'week')).toBe(26);
  });

  it('refuses a duration that is not a whole number of steps', () => {
    expect(() => durationToSteps('10d', 'week')).toThrow(bad);
    expect(() => durationToSteps('36h', 'day')).toThrow(bad);
    expect(() => durationToSteps('100h', 'week')).toThrow(bad);
  });
});
