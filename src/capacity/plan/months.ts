/** Weeks of a plan, and how weekly amounts fall into calendar months. */

import { DAY_MS, HOUR_MS } from '../../forecast/io/calendar.ts';

/** Labels of the plan's weeks: the UTC date each 168-hour block starts on. */
export function weekLabels(startMs: number, weeks: number): string[] {
  return Array.from({ length: weeks }, (_, w) =>
    new Date(startMs + w * 168 * HOUR_MS).toISOString().slice(0, 10),
  );
}

/**
 * Spreads weekly amounts over calendar months (UTC), one seventh of a week to each of its days, so a week
 * that straddles a month end is split by days.
 * @example weeksToMonths(Date.UTC(2025, 0, 29), [7]) // => Map { '2025-01' => 3, '2025-02' => 4 }
 */
export function weeksToMonths(startMs: number, weekly: ArrayLike<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (let w = 0; w < weekly.length; w++) {
    const v = weekly[w];
    if (v === 0) continue;
    for (let d = 0; d < 7; d++) {
      const month = new Date(startMs + w * 168 * HOUR_MS + d * DAY_MS + DAY_MS / 2).toISOString().slice(0, 7);
      out.set(month, (out.get(month) ?? 0) + v / 7);
    }
  }
  return out;
}
