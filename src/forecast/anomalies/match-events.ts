/**
 * Labels anomalies that the events calendar explains: they stay in the output (a planner still wants to
 * see them) but carry `event`, so they are not surprises.
 */
import { DateTime } from 'luxon';
import { holidaysBetween, isKnownHolidayCountry } from '../events/holidays.ts';
import { eventsFor } from '../events/match.ts';
import type { EventSpec } from '../events/schema.ts';
import { eventSpan } from '../events/shape.ts';
import { DAY_MS } from '../io/calendar.ts';
import type { Anomaly } from './types.ts';

/** Options of {@link matchEvents}. */
export interface MatchEventsOptions {
  /** A level shift matches a launch / policy event when it starts or ends this close to the event's start or ramp end. Default 2 days. */
  readonly toleranceDays?: number;
  /**
   * Label spikes and dips on a public holiday of the series' market (`key.market`, an ISO country code),
   * or the day before or after, with `{ name, type: 'holiday' }`. Default false.
   */
  readonly holidays?: boolean;
}

/**
 * Returns the anomalies with `event` set where an event explains them:
 * - a `level-shift` whose start or end lies within ±`toleranceDays` of the start (or, for a ramp, the
 *   ramp end) of a `step` or `ramp` event touching the series (any type but `promotion`);
 * - a `spike` or `dip` overlapping the window of a `window` event (a promotion with its pre and post days)
 *   or the first 3 e-folding times of a `spike` event touching the series;
 * - optionally, a spike or dip on or next to a public holiday of the series' market.
 * Anomalies already labelled, and data problems (gap, flatline, zeros), are returned unchanged.
 *
 * @param timeZone the series' time zone (date-only event instants are local midnights there)
 * @example matchEvents(anomalies, events, 'UTC').filter((a) => a.event).length // => how many are explained
 */
export function matchEvents(
  anomalies: readonly Anomaly[],
  events: readonly EventSpec[],
  timeZone: string,
  options: MatchEventsOptions = {},
): Anomaly[] {
  const tol = (options.toleranceDays ?? 2) * DAY_MS;
  const holidayCache = new Map<string, Map<string, readonly string[]>>();
  return anomalies.map((a) => {
    if (a.event !== undefined) return a;
    const touching = eventsFor(a.key, events);
    if (a.kind === 'level-shift') {
      for (const e of touching) {
        if (e.type === 'promotion' || (e.shape.kind !== 'step' && e.shape.kind !== 'ramp')) continue;
        const { start } = eventSpan(e, timeZone);
        const marks = [start];
        if (e.shape.kind === 'ramp') marks.push(start + e.shape.days * DAY_MS);
        if (marks.some((m) => Math.abs(a.start - m) <= tol || Math.abs(a.end - m) <= tol))
          return { ...a, event: { name: e.name, type: e.type } };
      }
      return a;
    }
    if (a.kind !== 'spike' && a.kind !== 'dip') return a;
    for (const e of touching) {
      const span = eventSpan(e, timeZone);
      let end = span.end;
      if (e.shape.kind === 'spike') end = Math.min(end, span.start + 3 * e.shape.decayDays * DAY_MS);
      else if (e.shape.kind !== 'window') continue;
      if (a.start < end && a.end >= span.start) return { ...a, event: { name: e.name, type: e.type } };
    }
    if (options.holidays) {
      const country = a.key.market;
      if (country && isKnownHolidayCountry(country)) {
        const from = DateTime.fromMillis(a.start, { zone: timeZone }).minus({ days: 1 }).toISODate() ?? '';
        const to = DateTime.fromMillis(a.end, { zone: timeZone }).plus({ days: 1 }).toISODate() ?? '';
        const cacheKey = `${country}|${from}|${to}`;
        let days = holidayCache.get(cacheKey);
        if (!days) {
          days = holidaysBetween({ country }, from, to);
          holidayCache.set(cacheKey, days);
        }
        const first = days.values().next();
        if (!first.done) return { ...a, event: { name: first.value[0], type: 'holiday' } };
      }
    }
    return a;
  });
}
