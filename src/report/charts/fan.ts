/** The forecast fan chart: history tail, point forecast, one band per interval level, events and anomalies. */

import { DateTime } from 'luxon';
import type { TopLevelSpec } from 'vega-lite';
import { ModcapError } from '../../errors.ts';
import type { Anomaly } from '../../forecast/anomalies/types.ts';
import type { EventSpec } from '../../forecast/events/index.ts';
import { COLORS, chartTitle, dailyMean, keyLabel, perPeriod, round3, timeX, topLevel } from './common.ts';
import type { ForecastView } from './forecast-view.ts';

/** Options of {@link fanChart}. */
export interface FanChartOptions {
  /** Observed history of the series (e.g. the `Series` read from the volumes file); NaN = gap. */
  readonly history?: { readonly timestamps: readonly number[]; readonly values: readonly number[] };
  /** Periods of history shown before the forecast (default: as many as the horizon, at least 4 weeks of hours). */
  readonly tailSteps?: number;
  /** Further anomalies to highlight (e.g. from `detectAnomalies`); those of other series are ignored. */
  readonly anomalies?: readonly Anomaly[];
  /** The events calendar; events touching the series are marked at their start. */
  readonly events?: readonly EventSpec[];
  /**
   * `native` plots every period; `day` plots the mean per UTC day of an hourly series (bounds too).
   * Default `auto`: `day` when an hourly chart would show more than 1500 periods.
   */
  readonly grain?: 'auto' | 'native' | 'day';
  readonly width?: number;
  readonly height?: number;
}

const touches = (e: EventSpec, key: Readonly<Record<string, string>>) =>
  (!e.queues || e.queues.includes(key.queue ?? '')) &&
  (!e.languages || e.languages.includes(key.language ?? '')) &&
  (!e.markets || e.markets.includes(key.market ?? ''));

/**
 * Fan chart of one series: the tail of its history (when given), the point forecast, a shaded band per
 * interval level (widest lightest), events as labelled vertical rules (the calendar's events touching the
 * series at their start, and the forecast's event impacts at the first period they touch), and anomalies
 * (cleaned from history, plus any passed) as red points at their observed value.
 *
 * @throws ModcapError BAD_ARGUMENT when the forecast has no periods
 * @example toSvg(fanChart(forecastView(doc.series[0]), { history: series })) // an SVG with the title "Forecast: …"
 */
export function fanChart(view: ForecastView, options: FanChartOptions = {}): TopLevelSpec {
  const n = view.timestamps.length;
  if (n === 0)
    throw new ModcapError('BAD_ARGUMENT', `forecast of ${view.id} has no periods`, { series: view.id });
  const freq = perPeriod(view.freq);
  const weekSteps = freq === 'hour' ? 672 : freq === 'day' ? 28 : 4;
  const tail = options.tailSteps ?? Math.max(n, weekSteps);
  const h = options.history;
  const histStart = h ? Math.max(0, h.timestamps.length - tail) : 0;
  const histTs = h ? h.timestamps.slice(histStart) : [];
  const histVals = h ? h.values.slice(histStart) : [];
  const shown = n + histTs.length;
  const grain =
    options.grain === 'native' || options.grain === 'day'
      ? options.grain
      : freq === 'hour' && shown > 1500
        ? 'day'
        : 'native';
  const daily = grain === 'day';
  const agg = (ts: readonly number[], v: readonly number[]) =>
    daily ? dailyMean(ts, v) : { timestamps: [...ts], values: [...v] };

  const rows: Record<string, number | string | null>[] = [];
  const hist = agg(histTs, histVals);
  for (let i = 0; i < hist.timestamps.length; i++)
    if (Number.isFinite(hist.values[i]))
      rows.push({ t: hist.timestamps[i], history: round3(hist.values[i]) });
  const point = agg(view.timestamps, view.point);
  const bounds = view.intervals.map((iv) => ({
    level: iv.level,
    lower: agg(view.timestamps, iv.lower).values,
    upper: agg(view.timestamps, iv.upper).values,
  }));
  for (let i = 0; i < point.timestamps.length; i++) {
    const r: Record<string, number | null> = { t: point.timestamps[i], point: round3(point.values[i]) };
    for (const b of bounds) {
      r[`lo${b.level}`] = round3(b.lower[i]);
      r[`hi${b.level}`] = round3(b.upper[i]);
    }
    rows.push(r);
  }
  const firstShown = rows.length ? (rows[0].t as number) : view.timestamps[0];
  const lastShown = view.timestamps[n - 1];

  // Events: the calendar's (at their start) and the forecast's impacts (first period touched).
  const marks = new Map<string, { t: number; name: string }>();
  for (const e of options.events ?? []) {
    if (!touches(e, view.key)) continue;
    const t = DateTime.fromISO(e.start, { zone: view.timeZone }).toMillis();
    if (t >= firstShown && t <= lastShown) marks.set(e.name, { t, name: e.name });
  }
  // an impact's `from` is the first horizon period it touches; for an event already under way at the end
  // of history that is just the forecast start, so only events starting in the horizon are marked
  const underWay = new Set(view.eventEffects.filter((e) => e.lastHistoryValue > 0).map((e) => e.name));
  for (const imp of view.eventImpacts)
    if (
      imp.from !== undefined &&
      !marks.has(imp.name) &&
      !underWay.has(imp.name) &&
      imp.from >= firstShown &&
      imp.from <= lastShown
    )
      marks.set(imp.name, { t: imp.from, name: imp.name });
  const eventRows = [...marks.values()]
    .sort((a, b) => a.t - b.t)
    .map((m, i) => ({ t: m.t, name: m.name, labelY: 6 + 14 * (i % 4) }));

  // Anomalies: cleaned ones and any passed for this series, inside the window.
  const anomalyRows: Record<string, number | string>[] = [];
  const seen = new Set<number>();
  const addAnomaly = (a: {
    kind: string;
    start: number;
    end: number;
    observed: number;
    expected: number;
  }) => {
    if (a.start < firstShown || a.start > lastShown || seen.has(a.start)) return;
    const y = Number.isFinite(a.observed) ? a.observed : a.expected;
    if (!Number.isFinite(y)) return;
    seen.add(a.start);
    anomalyRows.push({
      t: a.start,
      value: round3(y),
      kind: a.kind,
      expected: round3(a.expected),
      end: new Date(a.end).toISOString(),
    });
  };
  for (const a of view.cleaned) addAnomaly(a);
  for (const a of options.anomalies ?? []) if (a.seriesId === view.id) addAnomaly(a);

  const levels = [...view.intervals.map((i) => i.level)].sort((a, b) => b - a); // widest first (drawn behind)
  const bandLabel = (l: number) => `${l} % prediction interval`;
  const domain = [
    ...levels.map(bandLabel),
    ...(hist.timestamps.length ? ['History (observed)'] : []),
    'Point forecast',
    ...(anomalyRows.length ? ['Anomaly'] : []),
  ];
  const range = [
    ...levels.map((_, i) => COLORS.band[Math.min(COLORS.band.length - 1, levels.length - 1 - i)]),
    ...(hist.timestamps.length ? [COLORS.history] : []),
    COLORS.point,
    ...(anomalyRows.length ? [COLORS.anomaly] : []),
  ];
  const color = (datum: string, withScale = false) => ({
    datum,
    type: 'nominal',
    ...(withScale && {
      scale: { domain, range },
      legend: { title: null, orient: 'top', direction: 'horizontal' },
    }),
  });
  const unit = daily ? `items per ${freq}, daily mean` : `items per ${freq}`;
  const x = timeX('t');
  const y = { type: 'quantitative', title: `Volume (${unit})` };

  const layers: Record<string, unknown>[] = [];
  levels.forEach((l, i) => {
    layers.push({
      mark: { type: 'area', opacity: 0.9 },
      transform: [{ filter: `isValid(datum.lo${l})` }],
      encoding: {
        x,
        y: { field: `lo${l}`, ...y },
        y2: { field: `hi${l}` },
        color: color(bandLabel(l), i === 0),
      },
    });
  });
  if (hist.timestamps.length)
    layers.push({
      mark: { type: 'line', strokeWidth: 1.2 },
      transform: [{ filter: 'isValid(datum.history)' }],
      encoding: { x, y: { field: 'history', ...y }, color: color('History (observed)') },
    });
  layers.push({
    mark: { type: 'line', strokeWidth: 1.6 },
    transform: [{ filter: 'isValid(datum.point)' }],
    encoding: {
      x,
      y: { field: 'point', ...y },
      color: color('Point forecast', levels.length === 0),
      tooltip: [
        { field: 't', type: 'temporal', title: 'Period (UTC)', format: '%Y-%m-%d %H:%M' },
        { field: 'point', type: 'quantitative', title: 'Point', format: ',.1f' },
        ...levels.flatMap((l) => [
          { field: `lo${l}`, type: 'quantitative', title: `Lower ${l} %`, format: ',.1f' },
          { field: `hi${l}`, type: 'quantitative', title: `Upper ${l} %`, format: ',.1f' },
        ]),
      ],
    },
  });
  if (eventRows.length) {
    layers.push({
      data: { values: eventRows },
      mark: { type: 'rule', color: COLORS.event, strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x, tooltip: [{ field: 'name', title: 'Event' }] },
    });
    layers.push({
      data: { values: eventRows },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, color: COLORS.event, fontSize: 11 },
      encoding: { x, y: { field: 'labelY', type: 'quantitative', scale: null }, text: { field: 'name' } },
    });
  }
  if (anomalyRows.length)
    layers.push({
      data: { values: anomalyRows },
      mark: { type: 'point', filled: true, size: 60, stroke: 'white', strokeWidth: 0.8, opacity: 1 },
      encoding: {
        x,
        y: { field: 'value', ...y },
        color: color('Anomaly'),
        tooltip: [
          { field: 'kind', title: 'Anomaly' },
          { field: 't', type: 'temporal', title: 'From (UTC)', format: '%Y-%m-%d %H:%M' },
          { field: 'end', title: 'To (UTC)' },
          { field: 'value', type: 'quantitative', title: 'Observed', format: ',.1f' },
          { field: 'expected', type: 'quantitative', title: 'Expected', format: ',.1f' },
        ],
      },
    });

  const notes = [
    `Model: ${view.model}${view.fallback ? ` (fallback: ${view.fallback.reason})` : ''}`,
    `Bands: ${levels
      .slice()
      .reverse()
      .map((l) => `${l} %`)
      .join(' and ')} prediction intervals${daily ? '; hourly values averaged per UTC day' : ''}.`,
  ];
  if (!h) notes.push('History not supplied: forecast only.');
  if (eventRows.length || anomalyRows.length)
    notes.push(
      `${eventRows.length} event${eventRows.length === 1 ? '' : 's'} (dashed), ${anomalyRows.length} anomal${anomalyRows.length === 1 ? 'y' : 'ies'} (red${daily && anomalyRows.length ? ', at their observed value per hour' : ''}).`,
    );
  return topLevel({
    title: chartTitle(`Forecast: ${keyLabel(view.key)}`, notes),
    width: options.width ?? 860,
    height: options.height ?? 320,
    data: { values: rows },
    layer: layers,
  });
}
