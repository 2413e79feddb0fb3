import { DateTime } from 'luxon';

/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in 24 hours (a UTC day; a local day may be 23 or 25 hours long). */
export const DAY_MS = 86_400_000;

const canonical = new Map<string, string | null>();

/**
 * The canonical IANA name of a time zone (`utc` → `UTC`, `europe/berlin` → `Europe/Berlin`), or `null`
 * when the runtime's time zone database does not know it. Fixed offsets such as `+02:00` are not IANA
 * names and are rejected.
 *
 * @example canonicalTimeZone('europe/berlin') // => 'Europe/Berlin'
 * @example canonicalTimeZone('Mars/Olympus') // => null
 */
export function canonicalTimeZone(name: string): string | null {
  const hit = canonical.get(name);
  if (hit !== undefined) return hit;
  let out: string | null = null;
  if (name.length > 0 && !/^[+-]\d/.test(name)) {
    try {
      out = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      out = null;
    }
  }
  canonical.set(name, out);
  return out;
}

/**
 * ISO weekday (1 = Monday … 7 = Sunday) of a day number (days since 1970-01-01, which was a Thursday).
 *
 * @example isoWeekday(0) // => 4
 */
export function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/**
 * Calendar arithmetic in one IANA time zone, memoised so that millions of points cost a few map look-ups
 * instead of a luxon call each. A *day number* counts local calendar days since 1970-01-01; day `d`
 * starts at local midnight (or, where midnight does not exist because of a DST change, at the first
 * instant of that date, as luxon resolves it).
 *
 * Obtain instances with {@link calendarFor}; they are pure caches, safe to share.
 *
 * @example calendarFor('Europe/Berlin').dayLengthHours(20177) // 2025-03-30, spring forward => 23
 */
export class ZoneCalendar {
  readonly timeZone: string;
  private readonly starts = new Map<number, number>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  /** Epoch ms at which local day `dayNumber` starts. */
  dayStart(dayNumber: number): number {
    let s = this.starts.get(dayNumber);
    if (s === undefined) {
      const d = new Date(dayNumber * DAY_MS);
      s = DateTime.fromObject(
        { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
        { zone: this.timeZone },
      ).toMillis();
      this.starts.set(dayNumber, s);
    }
    return s;
  }

  /** Local day number that contains the instant `ms`. */
  dayOf(ms: number): number {
    // Offsets are within ±14 h, so the local day is the UTC day or one of its neighbours.
    let dn = Math.floor(ms / DAY_MS);
    if (this.dayStart(dn) > ms) dn--;
    else if (this.dayStart(dn + 1) <= ms) dn++;
    return dn;
  }

  /** Length of local day `dayNumber` in hours (23 or 25 on DST change days). */
  dayLengthHours(dayNumber: number): number {
    return (this.dayStart(dayNumber + 1) - this.dayStart(dayNumber)) / HOUR_MS;
  }

  /** Start of the local hour containing `ms`. */
  hourStart(ms: number): number {
    return DateTime.fromMillis(ms, { zone: this.timeZone }).startOf('hour').toMillis();
  }

  /**
   * Epoch ms of a local wall-clock time, or `null` when that time does not exist (skipped by a DST
   * change). Ambiguous times (repeated at the autumn change) resolve as luxon does.
   */
  localToInstant(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    millisecond: number,
  ): number | null {
    const dt = DateTime.fromObject(
      { year, month, day, hour, minute, second, millisecond },
      { zone: this.timeZone },
    );
    if (!dt.isValid || dt.hour !== hour || dt.minute !== minute || dt.day !== day) return null;
    return dt.toMillis();
  }
}

const calendars = new Map<string, ZoneCalendar>();

/**
 * The shared {@link ZoneCalendar} of a time zone (the caller has checked the name with
 * {@link canonicalTimeZone}).
 *
 * @example calendarFor('UTC').dayStart(1) // => 86400000
 */
export function calendarFor(timeZone: string): ZoneCalendar {
  let c = calendars.get(timeZone);
  if (!c) {
    c = new ZoneCalendar(timeZone);
    calendars.set(timeZone, c);
  }
  return c;
}
