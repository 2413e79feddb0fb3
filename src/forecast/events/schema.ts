import { DateTime } from 'luxon';
import { z } from 'zod';

/** The kinds of calendar event an events file may hold. */
export const EVENT_TYPES = ['launch', 'policy', 'promotion', 'outage', 'other'] as const;

/** An event type, e.g. `'launch'`. */
export type EventType = (typeof EVENT_TYPES)[number];

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO 8601 date (`2025-03-10`, local midnight in the series' time zone) or date-time
 * (`2025-03-10T14:00`, local; `2025-03-10T14:00Z` or `+01:00`, an instant).
 * @example IsoDateTime.parse('2025-03-10') // => '2025-03-10'
 */
export const IsoDateTime = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid, {
    message: 'expected an ISO 8601 date (2025-03-10) or date-time (2025-03-10T14:00Z)',
  });

/** True when an ISO string is a date without a time of day. @example isDateOnly('2025-03-10') // => true */
export function isDateOnly(iso: string): boolean {
  return ISO_DATE_ONLY.test(iso.trim());
}

/**
 * How an event's effect unfolds over time (all durations in days, fractional allowed):
 * - `step`: 0 before `start`, 1 from `start` (until `end`, if given);
 * - `ramp`: linear 0 → 1 over `days` from `start`, then 1 (until `end`, if given);
 * - `spike`: 1 at `start`, then `exp(−elapsedDays / decayDays)` (e-folding time, not half-life);
 * - `window`: 1 inside `[start − preDays, end + postDays]` (local calendar days; a date-only `end` is inclusive).
 * @example EventShape.parse({ kind: 'ramp', days: 14 }) // => { kind: 'ramp', days: 14 }
 */
export const EventShape = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('step') }),
  z.strictObject({ kind: z.literal('ramp'), days: z.number().positive() }),
  z.strictObject({ kind: z.literal('spike'), decayDays: z.number().positive() }),
  z.strictObject({
    kind: z.literal('window'),
    preDays: z.number().int().nonnegative().optional(),
    postDays: z.number().int().nonnegative().optional(),
  }),
]);
export type EventShape = z.infer<typeof EventShape>;

const names = z.array(z.string().trim().min(1)).min(1);

/**
 * One calendar event (a launch, a policy or classifier change, a promotion, an outage). Omitted
 * `queues` / `languages` / `markets` mean "all". `uplift` is relative (0.3 = +30 %, −0.2 = −20 %) and is
 * used only when the effect cannot be estimated from history (a future event).
 * @example EventSpec.parse({ name: 'ja-launch', type: 'launch', start: '2025-04-01', shape: { kind: 'step' } })
 */
export const EventSpec = z
  .strictObject({
    name: z.string().trim().min(1),
    type: z.enum(EVENT_TYPES),
    start: IsoDateTime,
    end: IsoDateTime.optional(),
    queues: names.optional(),
    languages: names.optional(),
    markets: names.optional(),
    shape: EventShape,
    uplift: z.number().gt(-1, 'an uplift must be above -1 (-100 %)').optional(),
    description: z.string().optional(),
  })
  .refine(
    (e) =>
      e.end === undefined ||
      DateTime.fromISO(e.end, { zone: 'UTC' }).toMillis() >=
        DateTime.fromISO(e.start, { zone: 'UTC' }).toMillis(),
    { message: 'end is before start', path: ['end'] },
  );
export type EventSpec = z.infer<typeof EventSpec>;

/**
 * An events file: an array of events with unique names.
 * @example EventsFile.parse([]) // => []
 */
export const EventsFile = z.array(EventSpec).superRefine((events, ctx) => {
  const seen = new Map<string, number>();
  events.forEach((e, i) => {
    const first = seen.get(e.name);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `duplicate event name (first at index ${first})`,
        path: [i, 'name'],
        input: e.name,
      });
    else seen.set(e.name, i);
  });
});
export type EventsFile = z.infer<typeof EventsFile>;
