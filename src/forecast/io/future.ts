import { ModcapError } from '../../errors.ts';
import type { Series } from '../types.ts';
import { calendarFor, HOUR_MS } from './calendar.ts';

/**
 * The next `h` period starts after the end of a series, on its grid: hours every 3,600,000 ms; days and
 * weeks at local midnight in the series' time zone, one (or seven) calendar days apart, so a step across
 * a DST change is 23 or 25 hours (or 167 / 169 for a week).
 *
 * @throws ModcapError BAD_ARGUMENT when `h` is not a non-negative integer or the series is empty
 * @example futureTimestamps({ freq: 'hour', timestamps: [0], ... }, 2) // => [3600000, 7200000]
 */
export function futureTimestamps(
  series: Pick<Series, 'freq' | 'timeZone' | 'timestamps' | 'id'>,
  h: number,
): number[] {
  if (!Number.isInteger(h) || h < 0) {
    throw new ModcapError('BAD_ARGUMENT', `horizon must be a non-negative integer, got ${h}`, { value: h });
  }
  const n = series.timestamps.length;
  if (n === 0) {
    throw new ModcapError('BAD_ARGUMENT', 'an empty series has no grid to extend', { series: series.id });
  }
  const last = series.timestamps[n - 1];
  const out = new Array<number>(h);
  if (series.freq === 'hour') {
    for (let k = 1; k <= h; k++) out[k - 1] = last + k * HOUR_MS;
    return out;
  }
  const cal = calendarFor(series.timeZone);
  const step = series.freq === 'week' ? 7 : 1;
  const dn = cal.dayOf(last);
  for (let k = 1; k <= h; k++) out[k - 1] = cal.dayStart(dn + k * step);
  return out;
}
