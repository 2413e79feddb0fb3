import { DateTime } from 'luxon';
import { ModcapError } from '../../errors.ts';
import type { Frequency } from '../types.ts';
import { isDateOnly } from './schema.ts';

/** Milliseconds in one (24-hour) day. */
export const DAY_MS = 86_400_000;

/**
 * Throws `INPUT_UNKNOWN_TIMEZONE` unless `timeZone` is an IANA name luxon and Intl know.
 * @example assertTimeZone('Europe/Berlin') // => undefined (no throw)
 */
export function assertTimeZone(timeZone: string): void {
  if (!DateTime.now().setZone(timeZone).isValid)
    throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', `unknown time zone ${JSON.stringify(timeZone)}`, {
      value: timeZone,
    });
}

/**
 * The instant an ISO date or date-time denotes in `timeZone`: a date is local midnight, a date-time without
 * offset is local wall time, a date-time with `Z` or an offset is that instant.
 * @example resolveInstant('2025-03-10', 'UTC') // => 1741564800000
 */
export function resolveInstant(iso: string, timeZone: string): number {
  const dt = DateTime.fromISO(iso.trim(), { zone: timeZone });
  if (!dt.isValid)
    throw new ModcapError('INPUT_INVALID', `not an ISO date or date-time: ${iso}`, { value: iso });
  return dt.toMillis();
}

/**
 * The exclusive end instant of an event's `end`: a date-only end covers that whole local day (next local
 * midnight); a date-time end is that instant.
 * @example resolveEndInstant('2025-03-10', 'UTC') // => 1741651200000
 */
export function resolveEndInstant(iso: string, timeZone: string): number {
  if (isDateOnly(iso)) return localMidnight(addDays(iso.trim(), 1), timeZone);
  return resolveInstant(iso, timeZone);
}

/** Local midnight of calendar date `YYYY-MM-DD` in `timeZone`, epoch ms. @example localMidnight('2025-01-01', 'UTC') // => 1735689600000 */
export function localMidnight(date: string, timeZone: string): number {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toMillis();
}

/** Calendar arithmetic on `YYYY-MM-DD` (no time zone involved). @example addDays('2024-02-28', 2) // => '2024-03-01' */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + days * DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The local calendar date (`YYYY-MM-DD`) of each instant in `timeZone`. The zone's UTC offset is sampled every
 * 7 days and each change is located by bisection to the minute, so 17,520 hourly points cost ~150 zone
 * look-ups (assumes offsets change at most once a week, true of every IANA zone in practice).
 * @example localDates([Date.UTC(2025, 0, 1, 23)], 'Europe/Berlin') // => ['2025-01-02']
 */
export function localDates(timestamps: readonly number[], timeZone: string): string[] {
  assertTimeZone(timeZone);
  const n = timestamps.length;
  const out = new Array<string>(n);
  if (n === 0) return out;
  const zone = DateTime.now().setZone(timeZone).zone;
  const offsetMs = (t: number) => zone.offset(t) * 60_000;
  // piecewise-constant offsets: [from, offset] with from increasing
  const lo = Math.min(timestamps[0], timestamps[n - 1]);
  const hi = Math.max(timestamps[0], timestamps[n - 1]);
  const pieces: [number, number][] = [[Number.NEGATIVE_INFINITY, offsetMs(lo)]];
  const WEEK = 7 * DAY_MS;
  for (let a = lo; a < hi; a += WEEK) {
    const b = Math.min(a + WEEK, hi);
    const oa = offsetMs(a);
    const ob = offsetMs(b);
    if (oa === ob) continue;
    let l = a;
    let r = b; // offset(l) = oa, offset(r) = ob
    while (r - l > 60_000) {
      const m = l + Math.floor((r - l) / 2);
      if (offsetMs(m) === oa) l = m;
      else r = m;
    }
    pieces.push([r, ob]);
  }
  let piece = 0;
  let lastDay = Number.NaN;
  let current = '';
  for (let i = 0; i < n; i++) {
    const t = timestamps[i];
    if (t < pieces[piece][0]) piece = 0; // out-of-order input: rescan
    while (piece + 1 < pieces.length && t >= pieces[piece + 1][0]) piece++;
    const day = Math.floor((t + pieces[piece][1]) / DAY_MS);
    if (day !== lastDay) {
      lastDay = day;
      current = new Date(day * DAY_MS).toISOString().slice(0, 10);
    }
    out[i] = current;
  }
  return out;
}

/** Nominal length of one grid step in ms (a local day can be 23 or 25 hours; see `periodEnds`). */
export function nominalStepMs(freq: Frequency): number {
  return freq === 'hour' ? 3_600_000 : freq === 'day' ? DAY_MS : 7 * DAY_MS;
}

/**
 * The instant after `t` on the grid: +1 hour, or the next local midnight one day / one week later.
 * @example nextGridInstant(0, 'hour', 'UTC') // => 3600000
 */
export function nextGridInstant(t: number, freq: Frequency, timeZone: string): number {
  if (freq === 'hour') return t + 3_600_000;
  return DateTime.fromMillis(t, { zone: timeZone })
    .plus(freq === 'day' ? { days: 1 } : { weeks: 1 })
    .toMillis();
}

/**
 * The exclusive end of each period: the next timestamp, and for the last one the next grid instant.
 * @example periodEnds([0, 3600000], 'hour', 'UTC') // => [3600000, 7200000]
 */
export function periodEnds(timestamps: readonly number[], freq: Frequency, timeZone: string): number[] {
  const n = timestamps.length;
  const out = new Array<number>(n);
  for (let i = 0; i + 1 < n; i++) out[i] = timestamps[i + 1];
  if (n > 0) out[n - 1] = nextGridInstant(timestamps[n - 1], freq, timeZone);
  return out;
}

/**
 * Continues a grid `h` steps past its last timestamp (the default when no `futureTimestamps` is given).
 * @example continueGrid([0], 'hour', 'UTC', 2) // => [3600000, 7200000]
 */
export function continueGrid(
  timestamps: readonly number[],
  freq: Frequency,
  timeZone: string,
  h: number,
): number[] {
  if (timestamps.length === 0) throw new ModcapError('BAD_ARGUMENT', 'cannot continue an empty grid');
  const out: number[] = [];
  let t = timestamps[timestamps.length - 1];
  for (let k = 0; k < h; k++) {
    t = nextGridInstant(t, freq, timeZone);
    out.push(t);
  }
  return out;
}
