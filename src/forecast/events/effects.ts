import { ModcapError } from '../../errors.ts';
import type { Forecast, Regressors } from '../types.ts';
import type { EventColumn } from './regressors.ts';
import type { EventType } from './schema.ts';

/** Where an event's relative effect comes from. */
export type EffectSource = 'estimated' | 'file-uplift' | 'type-average' | 'none';

/** The effect of one event on one series. */
export interface EventEffect {
  readonly name: string;
  readonly type: EventType;
  /** Column name, `event:<name>`. */
  readonly column: string;
  /**
   * `estimated`: the regression coefficient on the event's column (history held enough of it);
   * `file-uplift`: the events file's `uplift`; `type-average`: the mean estimated effect of past events of
   * the same type (this series first, else the pool); `none`: nothing known, effect 0.
   */
  readonly source: EffectSource;
  /** Relative effect at full shape (0.3 = +30 %). */
  readonly relativeEffect: number;
  /** True when the event's effect was estimated from history (it is a model column). */
  readonly inHistory: boolean;
  /** True when the event's shape is non-zero somewhere in the horizon (only known when `future` is given). */
  readonly inHorizon: boolean;
  /** The shape at the last history period (a step under way: 1). */
  readonly lastHistoryValue: number;
  /** For `type-average`: how many estimates were averaged. */
  readonly averagedOver?: number;
}

/** Inputs of `eventEffects`. */
export interface EventEffectsInput {
  /** The series' events, `RegressorSet.events`. */
  readonly events: readonly EventColumn[];
  /**
   * Estimated relative effects per column name, e.g. the regression model's `Fitted.params.effects`.
   * Omit when no regression was fitted: events then take file uplifts or the pool's type averages.
   */
  readonly estimates?: Readonly<Record<string, number>>;
  /** Shaped event columns over the horizon, `RegressorSet.eventShapes(h)`, to set `inHorizon`. */
  readonly future?: Regressors;
  /** Estimated effects of events in other series (e.g. their `eventEffects` output), for type averages. */
  readonly pool?: readonly {
    readonly type: EventType;
    readonly relativeEffect: number;
    readonly source?: EffectSource;
  }[];
}

/**
 * The relative effect of each event touching a series, and where it comes from. An event that history
 * holds enough of (`EventColumn.estimable`) takes the model's estimate; otherwise the file's `uplift`;
 * otherwise the average of estimated effects of events of the same type in this series, else in `pool`
 * (averaged on the log scale: the geometric mean of `1 + effect`); otherwise `none` (0).
 * @example eventEffects({ events: set.events, estimates: fitted.params.effects, future: set.eventShapes(28) })
 */
export function eventEffects(input: EventEffectsInput): EventEffect[] {
  const est = input.estimates ?? {};
  const estimated = new Map<string, number>();
  for (const ev of input.events) {
    const v = est[ev.column];
    if (ev.estimable && typeof v === 'number' && Number.isFinite(v) && v > -1) estimated.set(ev.name, v);
  }
  const horizon = new Map<string, boolean>();
  if (input.future)
    input.future.names.forEach((nm, j) => {
      horizon.set(
        nm,
        input.future!.columns[j].some((x) => x !== 0),
      );
    });
  const average = (values: number[]) =>
    Math.expm1(values.reduce((s, v) => s + Math.log1p(v), 0) / values.length);
  return input.events.map((ev) => {
    const base = {
      name: ev.name,
      type: ev.type,
      column: ev.column,
      inHorizon: horizon.get(ev.column) ?? false,
      lastHistoryValue: ev.lastHistoryValue,
    };
    const e = estimated.get(ev.name);
    if (e !== undefined) return { ...base, source: 'estimated', relativeEffect: e, inHistory: true };
    if (ev.uplift !== undefined)
      return { ...base, source: 'file-uplift', relativeEffect: ev.uplift, inHistory: false };
    const local = input.events
      .filter((o) => o.type === ev.type && estimated.has(o.name))
      .map((o) => estimated.get(o.name)!);
    const pooled = (input.pool ?? [])
      .filter((p) => p.type === ev.type && (p.source === undefined || p.source === 'estimated'))
      .map((p) => p.relativeEffect)
      .filter((v) => Number.isFinite(v) && v > -1);
    const values = local.length > 0 ? local : pooled;
    if (values.length > 0)
      return {
        ...base,
        source: 'type-average',
        relativeEffect: average(values),
        inHistory: false,
        averagedOver: values.length,
      };
    return { ...base, source: 'none', relativeEffect: 0, inHistory: false };
  });
}

/** What one event contributes to a forecast over the horizon. */
export interface EventImpact {
  readonly name: string;
  readonly type: EventType;
  readonly source: EffectSource;
  /** Relative effect at full shape. */
  readonly relativeEffect: number;
  /** True when `applyEventEffects` multiplied the forecast by this event (false: already in the model, or zero). */
  readonly applied: boolean;
  /** Volume in the final forecast due to the event: Σ point × (1 − (1 + effect)^−shape), over the horizon. */
  readonly extraVolume: number;
  /** Largest relative effect over the horizon, (1 + effect)^shape − 1 at the step where |shape| is largest. */
  readonly peakRelativeEffect: number;
  /** Steps of the horizon where the event's shape is non-zero, and the first / last such period start. */
  readonly steps: number;
  readonly from?: number;
  readonly to?: number;
}

/** Options of `applyEventEffects`. */
export interface ApplyEventEffectsOptions {
  /**
   * True when the forecast comes from a model that already contains the estimated events (the regression
   * model): `estimated` effects are then reported but not applied again. Default false (a baseline such as
   * ETS or snaive that knows no events).
   */
  readonly includesEstimated?: boolean;
}

/**
 * Multiplies a forecast (point and every interval bound) by the shaped relative effects of the events in the
 * horizon, so any model gets the future launch. Step k is multiplied by `(1 + effect)^(shape_k − shape_last)`,
 * where `shape_last` is the shape at the end of history: a baseline fitted to history already holds the level
 * an event under way had reached (a step that began last month is not counted again; a window still open at
 * the end of history is taken out when it closes). With `includesEstimated`, estimated events are left as
 * they are (the regression model has them). Also reports each event's impact on the final forecast.
 * @param futureTimestamps period starts of the horizon (length h)
 * @param shapes the events' shaped columns over the horizon, `RegressorSet.eventShapes(h)`
 * @throws ModcapError BAD_ARGUMENT when lengths disagree
 * @example applyEventEffects(ets.predict(28), ts, effects, set.eventShapes(28)).forecast.point
 */
export function applyEventEffects(
  forecast: Forecast,
  futureTimestamps: readonly number[],
  effects: readonly EventEffect[],
  shapes: Regressors,
  options: ApplyEventEffectsOptions = {},
): { forecast: Forecast; impacts: EventImpact[] } {
  const h = forecast.point.length;
  if (futureTimestamps.length !== h)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `futureTimestamps has ${futureTimestamps.length} entries, forecast ${h}`,
    );
  const factor = new Array<number>(h).fill(1);
  const used: { effect: EventEffect; shape: readonly number[]; applied: boolean }[] = [];
  for (const eff of effects) {
    const j = shapes.names.indexOf(eff.column);
    if (j < 0) continue;
    const shape = shapes.columns[j];
    if (shape.length < h)
      throw new ModcapError(
        'BAD_ARGUMENT',
        `shape of ${eff.column} has ${shape.length} steps, forecast ${h}`,
      );
    const skip =
      eff.relativeEffect === 0 || (options.includesEstimated === true && eff.source === 'estimated');
    if (!skip) {
      const logEffect = Math.log1p(eff.relativeEffect);
      for (let k = 0; k < h; k++) factor[k] *= Math.exp(logEffect * (shape[k] - eff.lastHistoryValue));
    }
    used.push({ effect: eff, shape, applied: !skip });
  }
  const point = forecast.point.map((p, k) => p * factor[k]);
  const intervals = forecast.intervals.map((iv) => ({
    level: iv.level,
    lower: iv.lower.map((v, k) => v * factor[k]),
    upper: iv.upper.map((v, k) => v * factor[k]),
  }));
  const impacts: EventImpact[] = used.map(({ effect, shape, applied }) => {
    const logEffect = Math.log1p(effect.relativeEffect);
    let extra = 0;
    let steps = 0;
    let peak = 0;
    let from: number | undefined;
    let to: number | undefined;
    for (let k = 0; k < h; k++) {
      if (shape[k] === 0) continue;
      steps++;
      from ??= futureTimestamps[k];
      to = futureTimestamps[k];
      extra += point[k] * (1 - Math.exp(-logEffect * shape[k]));
      const rel = Math.expm1(logEffect * shape[k]);
      if (Math.abs(rel) > Math.abs(peak)) peak = rel;
    }
    return {
      name: effect.name,
      type: effect.type,
      source: effect.source,
      relativeEffect: effect.relativeEffect,
      applied,
      extraVolume: extra,
      peakRelativeEffect: peak,
      steps,
      ...(from !== undefined ? { from, to } : {}),
    };
  });
  return { forecast: { point, intervals }, impacts };
}
