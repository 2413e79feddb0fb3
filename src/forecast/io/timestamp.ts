import type { ZoneCalendar } from './calendar.ts';

/** A timestamp's wall-clock fields and, when the text carries one, its UTC offset. */
export interface ParsedTimestamp {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Offset from UTC in minutes (`Z` = 0), or `null` for a bare date or local date-time. */
  readonly offsetMinutes: number | null;
  /** The instant in epoch ms when the offset is known, else `NaN` (resolve with {@link resolveTimestamp}). */
  readonly instant: number;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 timestamp: `2025-03-01`, `2025-03-01T10:00`, `2025-03-01T10:00:00.000`,
 * `2025-03-01T10:00:00Z`, `2025-03-01T10:00:00+09:00` (a space may replace the `T`). Returns the reason
 * as a string when the text is not such a timestamp or names an impossible date or time.
 *
 * @example parseIsoTimestamp('2025-03-01T00:00:00+01:00').instant // => 1740783600000
 * @example parseIsoTimestamp('2025-02-30') // => '2025-02-30 is not a calendar date'
 */
export function parseIsoTimestamp(text: string): ParsedTimestamp | string {
  const m = ISO.exec(text);
  if (m === null) {
    return 'not an ISO 8601 timestamp (expected e.g. 2025-03-01, 2025-03-01T10:00 or 2025-03-01T10:00:00Z)';
  }
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return `${m[1]}-${m[2]}-${m[3]} is not a calendar date`;
  }
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const millisecond = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1000 + 1e-9);
  if (hour > 23 || minute > 59 || second > 59) return `${m[4]}:${m[5]}:${m[6] ?? '00'} is not a time of day`;
  let offsetMinutes: number | null = null;
  const off = m[8];
  if (off !== undefined) {
    if (off === 'Z' || off === 'z') offsetMinutes = 0;
    else {
      const sign = off[0] === '-' ? -1 : 1;
      const digits = off.slice(1).replace(':', '');
      const oh = +digits.slice(0, 2);
      const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
      if (oh > 18 || om > 59) return `${off} is not a UTC offset`;
      offsetMinutes = sign * (oh * 60 + om);
    }
  }
  const instant =
    offsetMinutes === null
      ? Number.NaN
      : Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
  return { year, month, day, hour, minute, second, millisecond, offsetMinutes, instant };
}

/**
 * The instant (epoch ms) of a parsed timestamp: its own offset when it has one, otherwise the wall-clock
 * time read in the calendar's time zone. Returns the reason as a string for a local time that does not
 * exist there (skipped by a DST change).
 *
 * @example resolveTimestamp(parseIsoTimestamp('2025-03-30T02:30') as ParsedTimestamp, calendarFor('Europe/Berlin'))
 * // => '2025-03-30T02:30 does not exist in Europe/Berlin (skipped by a DST change)'
 */
export function resolveTimestamp(p: ParsedTimestamp, calendar: ZoneCalendar): number | string {
  if (p.offsetMinutes !== null) return p.instant;
  const ms = calendar.localToInstant(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond);
  if (ms !== null) return ms;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)} does not exist in ${calendar.timeZone} (skipped by a DST change)`;
}
