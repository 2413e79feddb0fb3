import { DateTime } from 'luxon';
import type { Frequency } from '../types.ts';
import type { EventSpec } from './schema.ts';
import { isDateOnly } from './schema.ts';
import { addDays, DAY_MS, localMidnight, periodEnds, resolveEndInstant, resolveInstant } from './time.ts';

/** The instants an event covers in one time zone: `[start, end)` and, for windows, `[windowStart, windowEnd)`. */
export interface EventSpan {
  readonly start: number;
  /** Exclusive end; `Infinity` when the event has no `end` (steps and ramps last). */
  readonly end: number;
}

/**
 * Resolves an event to instants in `timeZone`. For a `window` the span is `[start − preDays, end + postDays)`
 * in local calendar days, where a missing `end` means the start's whole day (a date) or 24 hours (a date-time).
 * @example eventSpan({ name: 'x', type: 'other', start: '2025-01-01', shape: { kind: 'step' } }, 'UTC').start // => 1735689600000
 */
export function eventSpan(event: EventSpec, timeZone: string): EventSpan {
  const start = resolveInstant(event.start, timeZone);
  if (event.shape.kind !== 'window') {
    return {
      start,
      end: event.end === undefined ? Number.POSITIVE_INFINITY : resolveEndInstant(event.end, timeZone),
    };
  }
  const pre = event.shape.preDays ?? 0;
  const post = event.shape.postDays ?? 0;
  const wStart = isDateOnly(event.start)
    ? localMidnight(addDays(event.start.trim(), -pre), timeZone)
    : DateTime.fromMillis(start, { zone: timeZone }).minus({ days: pre }).toMillis();
  let end: number;
  if (event.end !== undefined) end = resolveEndInstant(event.end, timeZone);
  else if (isDateOnly(event.start)) end = localMidnight(addDays(event.start.trim(), 1), timeZone);
  else end = DateTime.fromMillis(start, { zone: timeZone }).plus({ days: 1 }).toMillis();
  const wEnd = DateTime.fromMillis(end, { zone: timeZone }).plus({ days: post }).toMillis();
  return { start: wStart, end: wEnd };
}

/**
 * The event's shaped column on a grid: for each period `[t_i, t_{i+1})`
 * - `step` / `window`: the fraction of the period inside the event's span (0 or 1 on a daily grid);
 * - `ramp`: `min(1, (periodEnd − start) / days)` once the period ends after the start;
 * - `spike`: 1 for the period holding the start, then `exp(−(periodStart − start) / decayDays)` (e-folding);
 * and 0 from `end` on (steps, ramps and spikes with an `end`).
 * @param timestamps period starts (epoch ms) of the grid, increasing
 * @example eventShape({ name: 'x', type: 'launch', start: '2025-01-02', shape: { kind: 'ramp', days: 2 } }, [Date.UTC(2025,0,1), Date.UTC(2025,0,2), Date.UTC(2025,0,3), Date.UTC(2025,0,4)], 'day', 'UTC') // => [0, 0.5, 1, 1]
 */
export function eventShape(
  event: EventSpec,
  timestamps: readonly number[],
  freq: Frequency,
  timeZone: string,
): number[] {
  const { start, end } = eventSpan(event, timeZone);
  const ends = periodEnds(timestamps, freq, timeZone);
  const out = new Array<number>(timestamps.length).fill(0);
  const shape = event.shape;
  for (let i = 0; i < timestamps.length; i++) {
    const a = timestamps[i];
    const b = ends[i];
    if (b <= start || a >= end) continue;
    switch (shape.kind) {
      case 'step':
      case 'window':
        out[i] = (Math.min(b, end) - Math.max(a, start)) / (b - a);
        break;
      case 'ramp':
        out[i] = Math.min(1, (b - start) / (shape.days * DAY_MS));
        break;
      case 'spike':
        out[i] = Math.exp(-Math.max(0, a - start) / (shape.decayDays * DAY_MS));
        break;
    }
  }
  return out;
}
