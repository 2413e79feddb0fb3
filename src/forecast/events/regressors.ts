import { ModcapError } from '../../errors.ts';
import type { FitOptions, Frequency, Regressors } from '../types.ts';
import { type HolidayOptions, holidaysBetween, isKnownHolidayCountry } from './holidays.ts';
import { eventsFor } from './match.ts';
import type { EventSpec, EventType } from './schema.ts';
import { eventShape } from './shape.ts';
import { addDays, assertTimeZone, continueGrid, DAY_MS, localDates, periodEnds } from './time.ts';

/** Where the future grid comes from: the instants themselves, or a function of the horizon. */
export type FutureTimestamps = readonly number[] | ((h: number) => readonly number[]);

/** Inputs of `buildRegressors`. */
export interface BuildRegressorsOptions {
  /** The series' key; `queue`, `language`, `market` select the events that touch it. */
  readonly key: Readonly<Record<string, string>>;
  /** Period starts of the history grid (epoch ms). */
  readonly timestamps: readonly number[];
  readonly freq: Frequency;
  readonly timeZone: string;
  /** All events (filtered with `eventsFor`); default none. */
  readonly events?: readonly EventSpec[];
  /**
   * The holiday calendar, or `false` for none. When omitted, the series' `market` is used as the country if
   * date-holidays knows it (public holidays, no before/after days).
   */
  readonly holidays?: HolidayOptions | false;
  /** The grid continuation (e.g. the io helper `(h) => futureTimestamps(series, h)`); default: continue the grid. */
  readonly futureTimestamps?: (h: number) => readonly number[];
  /**
   * History an event needs before its effect is estimated, in days at full effect (Σ shape × period length).
   * Below it the event is left out of the model columns and its future effect comes from the file's uplift or
   * the type average (see `eventEffects`). Default 1.
   */
  readonly minSupportDays?: number;
}

/** What one model column is. */
export interface RegressorColumn {
  readonly name: string;
  /**
   * `event`: one event's shaped column; `holiday`: 1 on any holiday of the calendar (pooled effect);
   * `holiday-name`: 1 on one named holiday (its deviation from the pooled effect);
   * `holiday-window`: 1 on days `offset` days from a holiday (pooled over holidays; −1 = the day before).
   * On a weekly grid holiday columns count holiday days in the week.
   */
  readonly kind: 'event' | 'holiday' | 'holiday-name' | 'holiday-window';
  readonly event?: string;
  readonly eventType?: EventType;
  readonly holiday?: string;
  readonly offset?: number;
  /** Calendar id, e.g. `US`, `DE-BY`. */
  readonly calendar?: string;
  /** History at full effect, in days (Σ value × period length). */
  readonly support: number;
}

/** One event touching the series, whether or not it is a model column. */
export interface EventColumn {
  readonly name: string;
  readonly type: EventType;
  /** Column name, `event:<name>` (in `eventShapes`, and in the model columns when `estimable`). */
  readonly column: string;
  /** True when history holds enough of it (`minSupportDays`) for the model to estimate its effect. */
  readonly estimable: boolean;
  /** History at full effect, in days. */
  readonly support: number;
  /** The shape's value at the last history period (a step under way is 1). */
  readonly lastHistoryValue: number;
  /** The file's relative uplift, if any. */
  readonly uplift?: number;
}

/** The regressors of one series: model columns over history and the future, plus event bookkeeping. */
export interface RegressorSet {
  /** Model columns over history (estimable events, then holiday columns). */
  readonly history: Regressors;
  /** The same columns over the next `h` periods. */
  future(h: number, futureTimestamps?: FutureTimestamps): Regressors;
  /** Metadata of the model columns, in the order of `history.names`. */
  readonly columns: readonly RegressorColumn[];
  /** Every event that touches the series (estimable or not). */
  readonly events: readonly EventColumn[];
  /** One shaped column per entry of `events` over the next `h` periods (for `applyEventEffects`). */
  eventShapes(h: number, futureTimestamps?: FutureTimestamps): Regressors;
  /** The holiday calendar used, e.g. `US` or `DE-BY`, or null. */
  readonly calendar: string | null;
  /** `FitOptions.regressors` for a model: `{ history, future: (h) => future(h) }`. */
  readonly fitOptions: NonNullable<FitOptions['regressors']>;
}

/**
 * Builds the regressor columns of one series: one column per event that touches it, shaped by its kind
 * (`eventShape`), and holiday columns from date-holidays by local date in the series' time zone.
 *
 * Holidays are encoded to estimate well from little data, as a hierarchy: one pooled `holiday:<CC>` column
 * (1 on every holiday), one `holiday:<CC>:<name>` column per holiday seen in history (its deviation from the
 * pooled effect, shrunk harder by the regression model), and pooled `holiday:<CC>:-k` / `:+k` columns for the
 * `before` / `after` days. A holiday never seen in history still gets the pooled effect. On an hourly grid a
 * holiday column is 1 for every hour of the local calendar day (23 or 25 hours on DST days).
 *
 * @throws ModcapError INPUT_UNKNOWN_TIMEZONE, BAD_ARGUMENT (unknown holiday country or region)
 * @example buildRegressors({ key: { queue: 'reviews', language: 'en', market: 'US' }, timestamps, freq: 'day', timeZone: 'America/New_York', events }).history.names // => ['event:launch', 'holiday:US', ...]
 */
export function buildRegressors(options: BuildRegressorsOptions): RegressorSet {
  const { key, timestamps, freq, timeZone } = options;
  assertTimeZone(timeZone);
  const minSupport = options.minSupportDays ?? 1;
  const touching = eventsFor(key, options.events ?? []);
  const holidayOpts = resolveHolidayOptions(options.holidays, key);
  const calendar = holidayOpts
    ? `${holidayOpts.country.toUpperCase()}${holidayOpts.region ? `-${holidayOpts.region.toUpperCase()}` : ''}`
    : null;
  const n = timestamps.length;
  const lengths = periodDays(timestamps, freq, timeZone);
  const support = (col: readonly number[]) => col.reduce((s, v, i) => s + Math.abs(v) * lengths[i], 0);

  const histEvents = touching.map((e) => eventShape(e, timestamps, freq, timeZone));
  const events: EventColumn[] = touching.map((e, j) => {
    const s = support(histEvents[j]);
    return {
      name: e.name,
      type: e.type,
      column: `event:${e.name}`,
      estimable: s >= minSupport,
      support: s,
      lastHistoryValue: n > 0 ? histEvents[j][n - 1] : 0,
      ...(e.uplift !== undefined ? { uplift: e.uplift } : {}),
    };
  });

  const names: string[] = [];
  const cols: number[][] = [];
  const meta: RegressorColumn[] = [];
  events.forEach((ev, j) => {
    if (!ev.estimable) return;
    names.push(ev.column);
    cols.push(histEvents[j]);
    meta.push({ name: ev.column, kind: 'event', event: ev.name, eventType: ev.type, support: ev.support });
  });

  let holidayLayout: HolidayLayout | null = null;
  if (holidayOpts && calendar && n > 0) {
    const hist = holidayColumns(timestamps, freq, timeZone, holidayOpts, null);
    holidayLayout = { pooled: false, names: [], offsets: [] };
    const push = (name: string, col: number[], m: Omit<RegressorColumn, 'name' | 'support'>) => {
      const s = support(col);
      if (s === 0) return false;
      names.push(name);
      cols.push(col);
      meta.push({ name, ...m, calendar, support: s });
      return true;
    };
    holidayLayout.pooled = push(`holiday:${calendar}`, hist.pooled, { kind: 'holiday' });
    for (const [hName, col] of [...hist.byName].sort((a, b) => a[0].localeCompare(b[0])))
      if (push(`holiday:${calendar}:${hName}`, col, { kind: 'holiday-name', holiday: hName }))
        holidayLayout.names.push(hName);
    for (const [offset, col] of [...hist.byOffset].sort((a, b) => a[0] - b[0]))
      if (
        push(`holiday:${calendar}:${offset > 0 ? '+' : ''}${offset}`, col, { kind: 'holiday-window', offset })
      )
        holidayLayout.offsets.push(offset);
  }

  const grid = (h: number, ft?: FutureTimestamps): readonly number[] => {
    const src = ft ?? options.futureTimestamps;
    const ts =
      src === undefined
        ? continueGrid(timestamps, freq, timeZone, h)
        : typeof src === 'function'
          ? src(h)
          : src;
    if (ts.length < h)
      throw new ModcapError(
        'BAD_ARGUMENT',
        `futureTimestamps gave ${ts.length} instants for a horizon of ${h}`,
      );
    return ts.slice(0, h);
  };

  const history: Regressors = { names, columns: cols };
  const future = (h: number, ft?: FutureTimestamps): Regressors => {
    if (h <= 0) return { names, columns: names.map(() => []) };
    const ts = grid(h, ft);
    const out: number[][] = [];
    for (const ev of events)
      if (ev.estimable) out.push(eventShape(byName(touching, ev.name), ts, freq, timeZone));
    if (holidayLayout && holidayOpts) {
      const fut = holidayColumns(ts, freq, timeZone, holidayOpts, holidayLayout);
      const zeros = () => new Array<number>(h).fill(0);
      if (holidayLayout.pooled) out.push(fut.pooled);
      for (const hn of holidayLayout.names) out.push(fut.byName.get(hn) ?? zeros());
      for (const o of holidayLayout.offsets) out.push(fut.byOffset.get(o) ?? zeros());
    }
    return { names, columns: out };
  };
  const eventNames = events.map((e) => e.column);
  const eventShapes = (h: number, ft?: FutureTimestamps): Regressors => {
    if (h <= 0) return { names: eventNames, columns: eventNames.map(() => []) };
    const ts = grid(h, ft);
    return { names: eventNames, columns: touching.map((e) => eventShape(e, ts, freq, timeZone)) };
  };
  return {
    history,
    future,
    columns: meta,
    events,
    eventShapes,
    calendar: holidayLayout ? calendar : null,
    fitOptions: { history, future: (h: number) => future(h) },
  };
}

function byName(events: readonly EventSpec[], name: string): EventSpec {
  return events.find((e) => e.name === name) as EventSpec;
}

function resolveHolidayOptions(
  given: HolidayOptions | false | undefined,
  key: Readonly<Record<string, string>>,
): HolidayOptions | null {
  if (given === false) return null;
  if (given !== undefined) {
    if (!isKnownHolidayCountry(given.country, given.region))
      throw new ModcapError(
        'BAD_ARGUMENT',
        `date-holidays has no calendar for ${given.country}${given.region ? `-${given.region}` : ''}`,
        { column: 'holidays.country', value: given.country },
      );
    for (const k of ['before', 'after'] as const) {
      const v = given[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 30))
        throw new ModcapError('BAD_ARGUMENT', `holidays.${k} must be an integer in [0, 30]`, { value: v });
    }
    return given;
  }
  const market = key.market;
  return market && isKnownHolidayCountry(market) ? { country: market } : null;
}

/** Length of each period in days (23/24/25 hours on a local day, 1/24 for an hour). */
function periodDays(timestamps: readonly number[], freq: Frequency, timeZone: string): number[] {
  const ends = periodEnds(timestamps, freq, timeZone);
  return timestamps.map((t, i) => (ends[i] - t) / DAY_MS);
}

interface HolidayLayout {
  pooled: boolean;
  names: string[];
  offsets: number[];
}

/**
 * Holiday columns over a grid: pooled, per name and per window offset. Days of each period are its local
 * calendar days (one for hour and day, seven for week); a window day that is itself a holiday is not counted.
 */
function holidayColumns(
  timestamps: readonly number[],
  freq: Frequency,
  timeZone: string,
  opts: HolidayOptions,
  layout: HolidayLayout | null,
): { pooled: number[]; byName: Map<string, number[]>; byOffset: Map<number, number[]> } {
  const n = timestamps.length;
  const before = opts.before ?? 0;
  const after = opts.after ?? 0;
  const starts = localDates(timestamps, timeZone);
  const daysPer = freq === 'week' ? 7 : 1;
  const from = addDays(starts[0], -after - 1);
  const to = addDays(starts[n - 1], daysPer + before + 1);
  const cal = holidaysBetween(opts, from, to);
  const pooled = new Array<number>(n).fill(0);
  const byName = new Map<string, number[]>();
  const byOffset = new Map<number, number[]>();
  const bump = <K>(map: Map<K, number[]>, k: K, i: number) => {
    let col = map.get(k);
    if (!col) {
      if (layout && !(layout.names as unknown[]).includes(k) && !(layout.offsets as unknown[]).includes(k))
        return;
      col = new Array<number>(n).fill(0);
      map.set(k, col);
    }
    col[i] += 1;
  };
  let prevDate = '';
  let prev: { names: readonly string[] | undefined; offsets: number[] } = { names: undefined, offsets: [] };
  const inspect = (date: string) => {
    const names = cal.get(date);
    const offsets: number[] = [];
    if (!names) {
      for (let k = 1; k <= before; k++) if (cal.has(addDays(date, k))) offsets.push(-k);
      for (let k = 1; k <= after; k++) if (cal.has(addDays(date, -k))) offsets.push(k);
    }
    return { names, offsets };
  };
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < daysPer; d++) {
      const date = d === 0 ? starts[i] : addDays(starts[i], d);
      if (date !== prevDate) {
        prev = inspect(date);
        prevDate = date;
      }
      if (prev.names) {
        pooled[i] += 1;
        for (const nm of prev.names) bump(byName, nm, i);
      }
      for (const o of prev.offsets) bump(byOffset, o, i);
    }
  }
  return { pooled, byName, byOffset };
}
