import { ModcapError } from '../../errors.ts';
import type { Frequency } from '../types.ts';

/** A span of time given on the command line, e.g. `8w`. */
export interface Duration {
  readonly amount: number;
  readonly unit: Frequency;
}

const UNIT: Record<string, Frequency> = { h: 'hour', d: 'day', w: 'week' };
/** Nominal hours per unit (a day counts as 24 hours here, whatever DST does). */
const HOURS: Record<Frequency, number> = { hour: 1, day: 24, week: 168 };

/**
 * Parses a duration such as `48h`, `14d` or `8w` (a positive whole number and one of h, d, w; case and
 * surrounding spaces ignored).
 *
 * @throws ModcapError BAD_ARGUMENT for anything else (`0h`, `1.5d`, `2m`, `w`)
 * @example parseDuration('8w') // => { amount: 8, unit: 'week' }
 */
export function parseDuration(text: string): Duration {
  const m = /^\s*(\d+)\s*([hdw])\s*$/i.exec(text);
  const amount = m ? Number(m[1]) : 0;
  if (!m || amount < 1 || !Number.isSafeInteger(amount)) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `"${text}" is not a duration; write a positive whole number and h, d or w, e.g. 48h, 14d, 8w`,
      { value: text },
    );
  }
  return { amount, unit: UNIT[m[2].toLowerCase()] };
}

/**
 * How many steps of a series with frequency `freq` a duration spans, counting a day as 24 hours and a
 * week as 7 days: `8w` at hourly = 1344, `14d` at weekly = 2. The duration must be a whole number of
 * steps.
 *
 * @throws ModcapError BAD_ARGUMENT when it is not (`36h` at daily, `10d` at weekly)
 * @example durationToSteps('8w', 'hour') // => 1344
 */
export function durationToSteps(duration: Duration | string, freq: Frequency): number {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  const hours = d.amount * HOURS[d.unit];
  const steps = hours / HOURS[freq];
  if (!Number.isInteger(steps)) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `${d.amount} ${d.unit}${d.amount === 1 ? '' : 's'} is not a whole number of ${freq}s`,
      { value: `${d.amount}${d.unit[0]}`, freq },
    );
  }
  return steps;
}
