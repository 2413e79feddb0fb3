import { DateTime } from 'luxon';
import type { Frequency } from '../types.ts';
import { DAY_MS, HOUR_MS, isoWeekday, type ZoneCalendar } from './calendar.ts';

/** Longest grid one series may span (periods, about 114 years hourly); guards against a typo'd year creating millions of gaps. */
export const MAX_GRID_LENGTH = 1_000_000;

const WEEKDAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A row that is not on its series' grid: its index among the sorted timestamps and why. */
export interface OffGrid {
  readonly index: number;
  readonly reason: string;
}

/** Where sorted timestamps sit on a regular grid, or which of them do not. */
export type GridPlacement =
  | {
      readonly ok: true;
      readonly freq: Frequency;
      /** Every period start from the first to the last timestamp, holes included. */
      readonly timestamps: number[];
      /** `positions[i]` is the grid index of input timestamp `i`. */
      readonly positions: Int32Array;
    }
  | { readonly ok: false; readonly freq: Frequency; readonly offGrid: OffGrid[] };

/**
 * Infers the step of a series from its sorted, distinct timestamps: the median spacing, read as an hour
 * (< 22 h), a day (22 h to 6.5 days; DST days are 23 or 25 hours) or a week (≥ 6.5 days). A single
 * timestamp is a day when it is a local midnight, else an hour.
 *
 * @example inferFrequency([0, 86_400_000, 172_800_000], calendarFor('UTC')) // => 'day'
 */
export function inferFrequency(ts: ArrayLike<number>, calendar: ZoneCalendar): Frequency {
  const n = ts.length;
  if (n === 0) return 'day';
  if (n === 1) return calendar.dayStart(calendar.dayOf(ts[0])) === ts[0] ? 'day' : 'hour';
  let hours = 0;
  let days = 0;
  for (let i = 1; i < n; i++) {
    const d = ts[i] - ts[i - 1];
    if (d < 22 * HOUR_MS) hours++;
    else if (d < 6.5 * DAY_MS) days++;
  }
  const mid = Math.floor((n - 2) / 2); // lower median of the n − 1 spacings
  if (hours > mid) return 'hour';
  if (hours + days > mid) return 'day';
  return 'week';
}

function describe(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO() ?? String(ms);
}

/**
 * Places sorted, distinct timestamps on the regular grid of `freq` (inferred when not given) in the
 * calendar's time zone:
 * - hour: every 3,600,000 ms in absolute time from the start of the first row's hour, local or UTC (in a
 *   zone with a half-hour offset such as Asia/Kolkata, logs on UTC hours sit at :30 local time);
 * - day: local midnights, one calendar day apart (so 23 or 25 hours at DST changes);
 * - week: local midnights seven calendar days apart, on the weekday most rows share.
 * A timestamp between grid points is reported, never rounded.
 *
 * @example placeOnGrid([0, 7_200_000], calendarFor('UTC')).timestamps // => [0, 3600000, 7200000]
 */
export function placeOnGrid(ts: ArrayLike<number>, calendar: ZoneCalendar, freq?: Frequency): GridPlacement {
  const f = freq ?? inferFrequency(ts, calendar);
  const n = ts.length;
  const positions = new Int32Array(n);
  const offGrid: OffGrid[] = [];
  const zone = calendar.timeZone;
  let length = 0;
  let timestamps: () => number[];

  if (n === 0) return { ok: true, freq: f, timestamps: [], positions };

  // Rows a month or more apart (the median spacing over two weeks) are not a sparse weekly series: say so
  // once instead of listing every row that is not on the weekday of the first.
  if (freq === undefined && f === 'week' && n >= 3) {
    const gaps = Array.from({ length: n - 1 }, (_, i) => ts[i + 1] - ts[i]).sort((a, b) => a - b);
    const median = gaps[Math.floor((n - 2) / 2)];
    if (median > 14 * DAY_MS) {
      const days = Math.round(median / DAY_MS);
      return {
        ok: false,
        freq: f,
        offGrid: [
          {
            index: 1,
            reason: `rows are typically ${days} days apart${days >= 28 && days <= 31 ? ' (a monthly series)' : ''}; series must be hourly, daily or weekly (aggregate or spread the rows to one of those grids)`,
          },
        ],
      };
    }
  }

  if (f === 'hour') {
    const anchor = ts[0] % HOUR_MS === 0 ? ts[0] : calendar.hourStart(ts[0]);
    for (let i = 0; i < n; i++) {
      const r = (ts[i] - anchor) / HOUR_MS;
      if (!Number.isInteger(r)) {
        offGrid.push({
          index: i,
          reason: `${describe(ts[i], zone)} is not the start of an hour (hourly series)`,
        });
      } else positions[i] = r;
    }
    length = Math.round((ts[n - 1] - anchor) / HOUR_MS) + 1;
    timestamps = () => {
      const out = new Array<number>(length);
      for (let k = 0; k < length; k++) out[k] = anchor + k * HOUR_MS;
      return out;
    };
  } else {
    const step = f === 'week' ? 7 : 1;
    const dns = new Float64Array(n);
    const weekdayCount = new Int32Array(8);
    let firstWeekday = 0;
    for (let i = 0; i < n; i++) {
      const dn = calendar.dayOf(ts[i]);
      dns[i] = dn;
      if (calendar.dayStart(dn) !== ts[i]) {
        dns[i] = Number.NaN;
        offGrid.push({
          index: i,
          reason: `${describe(ts[i], zone)} is not a local midnight in ${zone} (${f === 'day' ? 'daily' : 'weekly'} series)`,
        });
      } else {
        const wd = isoWeekday(dn);
        if (firstWeekday === 0) firstWeekday = wd;
        weekdayCount[wd]++;
      }
    }
    let weekday = firstWeekday;
    for (let w = 1; w <= 7; w++) if (weekdayCount[w] > weekdayCount[weekday]) weekday = w;
    let dn0 = Number.NaN;
    for (let i = 0; i < n; i++) {
      const dn = dns[i];
      if (Number.isNaN(dn)) continue;
      if (step === 7 && isoWeekday(dn) !== weekday) {
        offGrid.push({
          index: i,
          reason: `${describe(ts[i], zone)} is a ${WEEKDAYS[isoWeekday(dn)]}, but this weekly series is on ${WEEKDAYS[weekday]}s`,
        });
        continue;
      }
      if (Number.isNaN(dn0)) dn0 = dn;
      positions[i] = (dn - dn0) / step;
      length = positions[i] + 1;
    }
    const start = dn0;
    timestamps = () => {
      const out = new Array<number>(length);
      for (let k = 0; k < length; k++) out[k] = calendar.dayStart(start + k * step);
      return out;
    };
  }

  if (offGrid.length > 0) {
    offGrid.sort((a, b) => a.index - b.index);
    return { ok: false, freq: f, offGrid };
  }
  if (length > MAX_GRID_LENGTH) {
    return {
      ok: false,
      freq: f,
      offGrid: [
        {
          index: n - 1,
          reason: `the series spans ${length} ${f}s (more than ${MAX_GRID_LENGTH}); is a year mistyped?`,
        },
      ],
    };
  }
  return { ok: true, freq: f, timestamps: timestamps(), positions };
}
