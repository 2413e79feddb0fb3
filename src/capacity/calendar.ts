/**
 * When a site works, on the plan's hourly UTC grid: its opening hours in local time (DST-aware), less its
 * public holidays (date-holidays).
 */

import { holidaysBetween } from '../forecast/events/holidays.ts';
import { calendarFor, DAY_MS, HOUR_MS } from '../forecast/io/calendar.ts';
import { WEEKDAYS } from './config/schema.ts';
import type { OpeningHours, Site } from './config.ts';

/** A site's open time on an hourly grid. */
export interface OpenProfile {
  /** Fraction of each hour (in [0, 1]) the site is open; half-hour zones and ranges give fractions. */
  readonly open: Float64Array;
  /** Local dates (`YYYY-MM-DD`) closed for a public holiday within the grid, with the holiday names. */
  readonly holidays: ReadonlyMap<string, readonly string[]>;
}

const minutesOf = (hhmm: string) =>
  hhmm === '24:00' ? 1440 : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Local opening ranges of one weekday (0 = Monday) as [fromMinute, toMinute) pairs. */
function rangesOf(hours: OpeningHours, weekday: number): [number, number][] {
  if (hours === '24/7') return [[0, 1440]];
  const day = hours[WEEKDAYS[weekday]];
  if (!day) return [];
  return day.map((r) => {
    const [a, b] = r.split('-').map((p) => p.trim());
    return [minutesOf(a), minutesOf(b)];
  });
}

/**
 * The open fraction of each hour of the grid `startMs + i·1h` (i < `hours`) for `site`: opening hours are read
 * in the site's time zone (so a DST change moves them in UTC), and whole local days listed by the site's
 * `holidayCalendar` are closed when `closedOnHolidays` (default: true except for `'24/7'` sites).
 * @example openProfile(dublin, Date.UTC(2025, 0, 6), 168).open.reduce((a, b) => a + b) // => 68 (5 × 12 + 8)
 */
export function openProfile(
  site: Pick<Site, 'timeZone' | 'hours' | 'holidayCalendar' | 'closedOnHolidays'>,
  startMs: number,
  hours: number,
): OpenProfile {
  const open = new Float64Array(hours);
  const endMs = startMs + hours * HOUR_MS;
  const cal = calendarFor(site.timeZone);
  const firstDay = cal.dayOf(startMs);
  const lastDay = cal.dayOf(endMs - 1);
  const iso = (dn: number) => new Date(dn * DAY_MS).toISOString().slice(0, 10);
  let holidays = new Map<string, readonly string[]>();
  if (site.holidayCalendar && (site.closedOnHolidays ?? site.hours !== '24/7')) {
    const [country, region] = site.holidayCalendar.split('-');
    holidays = holidaysBetween({ country, region }, iso(firstDay), iso(lastDay));
  }
  for (let dn = firstDay; dn <= lastDay; dn++) {
    if (holidays.has(iso(dn))) continue;
    const weekday = (((dn + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (Monday = 0)
    const dayStart = cal.dayStart(dn);
    const dayEnd = cal.dayStart(dn + 1);
    for (const [from, to] of rangesOf(site.hours, weekday)) {
      // Wall-clock minutes to instants; on DST days clamp to the day's real length.
      const a = Math.min(dayEnd, wallToInstant(cal.timeZone, dn, from, dayStart));
      const b = Math.min(dayEnd, wallToInstant(cal.timeZone, dn, to, dayStart));
      addSpan(open, startMs, Math.max(a, startMs), Math.min(b, endMs));
    }
  }
  return { open, holidays };
}

function wallToInstant(timeZone: string, dayNumber: number, minute: number, dayStart: number): number {
  if (minute === 0) return dayStart;
  if (minute >= 1440) return calendarFor(timeZone).dayStart(dayNumber + 1);
  const d = new Date(dayNumber * DAY_MS);
  const cal = calendarFor(timeZone);
  const t = cal.localToInstant(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    Math.floor(minute / 60),
    minute % 60,
    0,
    0,
  );
  // A wall time skipped by a spring-forward change: the first instant after it.
  return t ?? dayStart + minute * 60_000 - HOUR_MS;
}

function addSpan(open: Float64Array, startMs: number, from: number, to: number): void {
  if (to <= from) return;
  let i = Math.floor((from - startMs) / HOUR_MS);
  while (i < open.length) {
    const hs = startMs + i * HOUR_MS;
    if (hs >= to) break;
    const overlap = Math.min(to, hs + HOUR_MS) - Math.max(from, hs);
    if (overlap > 0) open[i] = Math.min(1, open[i] + overlap / HOUR_MS);
    i++;
  }
}
