import { eventsFor } from '../events/match.ts';
import type { EventSpec } from '../events/schema.ts';
import { eventShape } from '../events/shape.ts';
import { calendarFor } from '../io/calendar.ts';
import type { Explanation } from './attribute.ts';
import type { SeriesComparison } from './compare.ts';

/** What kind of miss it was. */
export type MissKind = 'no-miss' | 'event-mis-sized' | 'possible-missing-event' | 'volume-surprise';

/** The verdict of {@link classifyMiss}, with the numbers behind it. */
export interface MissClassification {
  readonly kind: MissKind;
  /** One sentence for people. */
  readonly summary: string;
  /** The calendar event the miss lines up with (`event-mis-sized`). */
  readonly event?: {
    readonly name: string;
    readonly type: string;
    /** Share (0..1) of the explanation's forecast volume on series the event touches. */
    readonly touchedShare: number;
    /** Share of the explanation's deviation that falls in periods where the event is active. */
    readonly deviationInEvent: number;
    /** Relative deviation (actual/forecast − 1) inside and outside the event's active periods. */
    readonly changeInside: number;
    readonly changeOutside: number;
  };
  /** Start of the step or ramp (`possible-missing-event`), epoch ms. */
  readonly startsAt?: number;
  /** The step test: relative deviation before and after the break, and its t statistic. */
  readonly step?: { readonly before: number; readonly after: number; readonly t: number };
}

/** Options of {@link classifyMiss}; defaults in brackets. */
export interface ClassifyOptions {
  /** An event must touch series holding at least this share of the explanation's forecast [0.5]. */
  readonly minTouchedShare?: number;
  /** At least this share of the deviation must fall in the event's active periods [0.5]. */
  readonly minDeviationInEvent?: number;
  /** |t| of the step test needed to call a step [5]. */
  readonly minStepT?: number;
}

/**
 * Classifies a miss, given the top explanation, the per-series comparison and (optionally) the events
 * calendar. The rule, in order:
 *
 * 1. **no-miss** when there is no explanation.
 * 2. **event-mis-sized** when an event touches (by `eventsFor`) series holding ≥ `minTouchedShare` of the
 *    explanation's forecast, is active (its `eventShape` > 0) in some compared periods, ≥
 *    `minDeviationInEvent` of the explanation's deviation (same sign) falls in those periods, and the
 *    relative deviation inside them is at least twice the one outside (or there is no outside: the event
 *    is active throughout). Of several, the one holding the most deviation is named.
 * 3. **possible-missing-event** when the explanation's relative deviation per period (per local day for
 *    hourly series) shows a step: the best single break k ≥ 1 (max |t| of the difference of means,
 *    pooled sd) has |t| ≥ `minStepT`, the level after has the sign of the miss, and the level before is
 *    less than half of it. `startsAt` is the first period after the break. A ramp looks like a step here.
 * 4. **volume-surprise** otherwise: the series moved without a calendar reason or a visible start.
 *
 * @example classifyMiss(undefined, []).kind // => 'no-miss'
 */
export function classifyMiss(
  explanation: Explanation | undefined,
  series: readonly SeriesComparison[],
  events: readonly EventSpec[] = [],
  options: ClassifyOptions = {},
): MissClassification {
  if (!explanation) return { kind: 'no-miss', summary: 'No miss to explain: forecast and actuals agree.' };
  const minTouched = options.minTouchedShare ?? 0.5;
  const minInEvent = options.minDeviationInEvent ?? 0.5;
  const minT = options.minStepT ?? 5;
  const inSet = series.filter((s) =>
    explanation.dimensions.some((e) => Object.entries(e).every(([d, v]) => (s.key[d] ?? '') === v)),
  );
  const what = describe(explanation);
  let F = 0;
  let D = 0;
  for (const s of inSet) {
    for (let i = 0; i < s.actuals.length; i++) {
      F += s.points[i];
      D += s.actuals[i] - s.points[i];
    }
  }
  if (inSet.length === 0 || D === 0) {
    return { kind: 'volume-surprise', summary: `${what}: volume differed from the forecast.` };
  }

  // 2. an event in the calendar that lines up with the deviation
  let best: MissClassification['event'] | undefined;
  let bestIn = 0;
  for (const ev of events) {
    let touchedF = 0;
    let inF = 0;
    let inD = 0;
    for (const s of inSet) {
      if (eventsFor(s.key, [ev]).length === 0) continue;
      const shape = eventShape(ev, s.timestamps, s.freq, s.timeZone);
      for (let i = 0; i < s.actuals.length; i++) {
        touchedF += s.points[i];
        if (shape[i] > 0) {
          inF += s.points[i];
          inD += s.actuals[i] - s.points[i];
        }
      }
    }
    if (inF === 0 || touchedF < minTouched * F) continue;
    const share = inD / D;
    if (share < minInEvent) continue;
    const outF = F - inF;
    const changeInside = inD / inF;
    const changeOutside = outF > 0 ? (D - inD) / outF : 0;
    if (outF > 0 && Math.abs(changeInside) < 2 * Math.abs(changeOutside)) continue;
    if (Math.abs(inD) > bestIn) {
      bestIn = Math.abs(inD);
      best = {
        name: ev.name,
        type: ev.type,
        touchedShare: touchedF / F,
        deviationInEvent: share,
        changeInside,
        changeOutside,
      };
    }
  }
  if (best) {
    const dir = best.changeInside > 0 ? 'above' : 'below';
    return {
      kind: 'event-mis-sized',
      summary: `${what}: actuals ran ${pct(Math.abs(best.changeInside))} ${dir} the forecast while "${best.name}" (${best.type}) was active; the event looks mis-sized in the calendar or the forecast.`,
      event: best,
    };
  }

  // 3. a step or ramp that starts inside the window
  const { ts, f, d } = periodTotals(inSet);
  const rel = ts.map((_, i) => (f[i] > 0 ? d[i] / f[i] : Number.NaN)).filter((x) => !Number.isNaN(x));
  const times = ts.filter((_, i) => f[i] > 0);
  const step = bestStep(rel);
  if (
    step &&
    Math.abs(step.t) >= minT &&
    Math.sign(step.after) === Math.sign(D) &&
    Math.abs(step.before) < 0.5 * Math.abs(step.after)
  ) {
    const startsAt = times[step.k];
    return {
      kind: 'possible-missing-event',
      summary: `${what}: a step of ${pct(step.after - step.before)} starts ${new Date(startsAt).toISOString()} with no event in the calendar; possibly a missing launch, policy or classifier change.`,
      startsAt,
      step: { before: step.before, after: step.after, t: step.t },
    };
  }
  const change = F > 0 ? D / F : Number.NaN;
  return {
    kind: 'volume-surprise',
    summary: `${what}: volume ran ${pct(Math.abs(change))} ${change > 0 ? 'above' : 'below'} the forecast throughout, with no event or visible start to explain it.`,
    ...(step ? { step: { before: step.before, after: step.after, t: step.t } } : {}),
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function describe(e: Explanation): string {
  return e.dimensions
    .map((d) =>
      Object.entries(d)
        .map(([k, v]) => `${k}=${v}`)
        .join(' × '),
    )
    .join(', ');
}

/** Forecast and deviation summed over series per period; hourly series are summed to local days. */
function periodTotals(inSet: readonly SeriesComparison[]) {
  const sums = new Map<number, { f: number; d: number }>();
  for (const s of inSet) {
    const daily = s.freq === 'hour' && s.timestamps.length >= 4 * 24;
    const cal = calendarFor(s.timeZone);
    for (let i = 0; i < s.timestamps.length; i++) {
      const t = daily ? cal.dayStart(cal.dayOf(s.timestamps[i])) : s.timestamps[i];
      const c = sums.get(t) ?? { f: 0, d: 0 };
      c.f += s.points[i];
      c.d += s.actuals[i] - s.points[i];
      sums.set(t, c);
    }
  }
  const ts = [...sums.keys()].sort((a, b) => a - b);
  return { ts, f: ts.map((t) => sums.get(t)?.f ?? 0), d: ts.map((t) => sums.get(t)?.d ?? 0) };
}

/**
 * The single mean shift that best splits `x` (k ≥ 1 points before, ≥ 1 after): the k maximising the
 * two-sample t statistic of the difference of means with pooled sd. `undefined` below 4 points.
 */
export function bestStep(
  x: readonly number[],
): { k: number; before: number; after: number; t: number } | undefined {
  const n = x.length;
  if (n < 4) return undefined;
  let best: { k: number; before: number; after: number; t: number } | undefined;
  const prefix = [0];
  const prefix2 = [0];
  for (const v of x) {
    prefix.push(prefix[prefix.length - 1] + v);
    prefix2.push(prefix2[prefix2.length - 1] + v * v);
  }
  for (let k = 1; k < n; k++) {
    const m1 = prefix[k] / k;
    const m2 = (prefix[n] - prefix[k]) / (n - k);
    const ss = prefix2[k] - k * m1 * m1 + (prefix2[n] - prefix2[k]) - (n - k) * m2 * m2;
    const sd = Math.sqrt(Math.max(ss, 0) / Math.max(n - 2, 1));
    const se = sd * Math.sqrt(1 / k + 1 / (n - k));
    const t = se > 0 ? (m2 - m1) / se : (m2 - m1) * Number.POSITIVE_INFINITY || 0;
    if (!best || Math.abs(t) > Math.abs(best.t)) best = { k, before: m1, after: m2, t };
  }
  return best;
}
