import type { EventSpec } from './schema.ts';

const DIMENSIONS = [
  ['queues', 'queue'],
  ['languages', 'language'],
  ['markets', 'market'],
] as const;

/**
 * The events that touch a series. An event lists the queues / languages / markets it applies to (omitted =
 * all); it touches a series when, for each list it gives, the series' key value is in it (case-insensitive).
 * A series whose key lacks a dimension (no `market`: all markets summed) is touched by an event restricted
 * on that dimension, since part of its volume is affected.
 * @param seriesKey the series' key columns, e.g. `{ queue: 'reviews', language: 'ja', market: 'JP' }`
 * @example eventsFor({ queue: 'reviews', language: 'ja' }, [{ name: 'a', type: 'launch', start: '2025-01-01', languages: ['de'], shape: { kind: 'step' } }]) // => []
 */
export function eventsFor(
  seriesKey: Readonly<Record<string, string | undefined>>,
  events: readonly EventSpec[],
): EventSpec[] {
  return events.filter((e) =>
    DIMENSIONS.every(([list, key]) => {
      const allowed = e[list];
      const value = seriesKey[key];
      if (allowed === undefined || value === undefined || value === '') return true;
      const v = value.toLowerCase();
      return allowed.some((a) => a.toLowerCase() === v);
    }),
  );
}
