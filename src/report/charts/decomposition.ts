/** Decomposition of a forecast: trend, each seasonal profile, and the events' effects. */

import { DateTime } from 'luxon';
import type { TopLevelSpec } from 'vega-lite';
import { ModcapError } from '../../errors.ts';
import { mstlDecompose } from '../../forecast/decompose/index.ts';
import { COLORS, chartTitle, dailyMean, keyLabel, perPeriod, round3, timeX, topLevel } from './common.ts';
import type { ForecastView } from './forecast-view.ts';

/** Options of {@link decompositionChart}. */
export interface DecompositionChartOptions {
  /** Observed history; its tail (as long as the horizon) is decomposed with the forecast. NaN = gap. */
  readonly history?: { readonly timestamps: readonly number[]; readonly values: readonly number[] };
  /** Seasonal periods in steps (default: those the chosen models used, else 24 and 168 for hours, 7 for days). */
  readonly periods?: readonly number[];
  readonly width?: number;
}

/** Seasonal periods the forecast's models used, read from their parameters. */
function modelPeriods(params: Readonly<Record<string, unknown>>): number[] {
  const out = new Set<number>();
  const visit = (p: Record<string, unknown> | undefined) => {
    if (!p) return;
    if (Array.isArray(p.periods)) for (const x of p.periods) if (typeof x === 'number') out.add(x);
    if (Array.isArray(p.fourier))
      for (const f of p.fourier as { period?: unknown }[])
        if (typeof f.period === 'number') out.add(f.period);
  };
  visit(params as Record<string, unknown>);
  const members = params.members as { params?: Record<string, unknown> }[] | undefined;
  if (Array.isArray(members)) for (const m of members) visit(m.params);
  return [...out].sort((a, b) => a - b);
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The phase of each period within a seasonal cycle, and how to name it on an axis. */
function phases(
  timestamps: readonly number[],
  period: number,
  freq: string,
  zone: string,
): { phase: number[]; title: string; values?: number[]; labelExpr?: string } {
  const local = (t: number) => DateTime.fromMillis(t, { zone });
  if (freq === 'hour' && period === 24)
    return { phase: timestamps.map((t) => local(t).hour), title: `Hour of day (local time, ${zone})` };
  if (freq === 'hour' && period === 168)
    return {
      phase: timestamps.map((t) => {
        const d = local(t);
        return (d.weekday - 1) * 24 + d.hour;
      }),
      title: `Hour of week (local time, ${zone})`,
      values: [0, 24, 48, 72, 96, 120, 144],
      labelExpr: `[${DAYS.map((d) => `'${d}'`).join(',')}][floor(datum.value / 24)]`,
    };
  if (freq === 'day' && period === 7)
    return {
      phase: timestamps.map((t) => local(t).weekday - 1),
      title: 'Day of week (local)',
      values: [0, 1, 2, 3, 4, 5, 6],
      labelExpr: `[${DAYS.map((d) => `'${d}'`).join(',')}][datum.value]`,
    };
  return { phase: timestamps.map((_, i) => i % period), title: `Step within the ${period}-${freq} cycle` };
}

/** Linear interpolation over NaN (ends take the nearest known value). */
function fillGaps(v: readonly number[]): number[] {
  const out = v.slice();
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) continue;
    if (last === -1) for (let j = 0; j < i; j++) out[j] = out[i];
    else
      for (let j = last + 1; j < i; j++)
        out[j] = out[last] + ((out[i] - out[last]) * (j - last)) / (i - last);
    last = i;
  }
  if (last === -1) return out.map(() => 0);
  for (let j = last + 1; j < out.length; j++) out[j] = out[last];
  return out;
}

/**
 * Decomposition chart of one series. The stored forecast keeps model parameters but not fitted
 * components, so the components are recomputed: an MSTL decomposition (`mstlDecompose`) of the history
 * tail (when given) followed by the point forecast, with the seasonal periods the chosen models used.
 * Panels: the trend over time (with the series, daily means, behind it); each seasonality as its mean
 * profile over one cycle (hour of day, hour of week, … in the series' time zone); and the relative effect
 * of each calendar event touching the series, coloured by where the effect comes from. The subtitle says
 * all this.
 *
 * @throws ModcapError BAD_ARGUMENT when the forecast has fewer than 3 periods
 * @example decompositionChart(forecastView(doc.series[0]), { history: series }).title // => { text: 'Decomposition: …', … }
 */
export function decompositionChart(
  view: ForecastView,
  options: DecompositionChartOptions = {},
): TopLevelSpec {
  const n = view.timestamps.length;
  if (n < 3)
    throw new ModcapError('BAD_ARGUMENT', `decomposition of ${view.id} needs at least 3 forecast periods`, {
      series: view.id,
      periods: n,
    });
  const freq = perPeriod(view.freq);
  const h = options.history;
  const histStart = h ? Math.max(0, h.timestamps.length - n) : 0;
  const ts = [...(h ? h.timestamps.slice(histStart) : []), ...view.timestamps];
  const y = fillGaps([...(h ? h.values.slice(histStart) : []), ...view.point]);
  const histN = ts.length - n;
  const asked = options.periods ?? modelPeriods(view.params);
  const fallback = freq === 'hour' ? [24, 168] : freq === 'day' ? [7] : [52];
  let periods = (asked.length ? asked : fallback).filter((p) => p >= 2 && Math.round(p) < ts.length / 2);
  if (!periods.length) periods = fallback.filter((p) => p < ts.length / 2);
  const d = mstlDecompose(y, periods);
  const width = options.width ?? 860;

  const daily = freq === 'hour' && ts.length > 1500;
  const agg = (v: readonly number[]) => (daily ? dailyMean(ts, v) : { timestamps: ts, values: [...v] });
  const series = agg(y);
  const trend = agg(d.trend);
  const trendRows = trend.timestamps.map((t, i) => ({
    t,
    trend: round3(trend.values[i]),
    series: round3(series.values[i]),
    part: histN > 0 && t < view.timestamps[0] ? 'history' : 'forecast',
  }));
  const unit = `items per ${freq}`;
  const trendPanel = {
    title: { text: 'Trend', fontSize: 13 },
    width,
    height: 220,
    data: { values: trendRows },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1, opacity: 0.5 },
        encoding: {
          x: timeX('t'),
          y: {
            field: 'series',
            type: 'quantitative',
            title: `Items per ${freq}${daily ? ' (daily mean)' : ''}`,
          },
          color: {
            datum: daily ? 'Series (daily mean)' : 'Series',
            type: 'nominal',
            scale: {
              domain: [daily ? 'Series (daily mean)' : 'Series', 'Trend'],
              range: [COLORS.history, COLORS.point],
            },
            legend: { title: null, orient: 'top', direction: 'horizontal' },
          },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2.2 },
        encoding: {
          x: timeX('t'),
          y: { field: 'trend', type: 'quantitative' },
          color: { datum: 'Trend', type: 'nominal' },
          tooltip: [
            { field: 't', type: 'temporal', title: 'Day (UTC)', format: '%Y-%m-%d' },
            { field: 'trend', type: 'quantitative', title: `Trend (${unit})`, format: ',.1f' },
          ],
        },
      },
      ...(histN > 0
        ? [
            {
              data: { values: [{ t: view.timestamps[0], label: 'forecast starts' }] },
              mark: { type: 'rule', strokeDash: [2, 2], color: '#888' },
              encoding: { x: timeX('t') },
            },
          ]
        : []),
    ],
  };

  const seasonalPanels = d.seasonals.map((s) => {
    const ph = phases(ts, s.period, freq, view.timeZone);
    const sum = new Map<number, { s: number; n: number }>();
    for (let i = 0; i < s.values.length; i++) {
      const a = sum.get(ph.phase[i]) ?? { s: 0, n: 0 };
      a.s += s.values[i];
      a.n++;
      sum.set(ph.phase[i], a);
    }
    const rows = [...sum.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([phase, a]) => ({ phase, effect: round3(a.s / a.n) }));
    return {
      title: { text: `Seasonality, period ${s.period} ${freq}s`, fontSize: 13 },
      width:
        d.seasonals.length > 1
          ? Math.floor((width - 90 * (d.seasonals.length - 1)) / d.seasonals.length)
          : width,
      height: 200,
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', color: '#999' }, encoding: { y: { datum: 0 } } },
        {
          mark: { type: 'line', strokeWidth: 2, color: COLORS.point, point: s.period <= 31 },
          encoding: {
            x: {
              field: 'phase',
              type: 'quantitative',
              title: ph.title,
              scale: { zero: false, nice: false },
              axis: ph.values ? { values: ph.values, labelExpr: ph.labelExpr } : { tickMinStep: 1 },
            },
            y: { field: 'effect', type: 'quantitative', title: `Effect (${unit})` },
            tooltip: [
              { field: 'phase', type: 'quantitative', title: 'Phase' },
              { field: 'effect', type: 'quantitative', title: `Effect (${unit})`, format: ',.1f' },
            ],
          },
        },
      ],
    };
  });

  const effects = view.eventEffects
    .map((e) => ({
      name: e.name,
      effect: Math.round(e.relativeEffect * 1000) / 10,
      source: e.source,
      when: e.inHorizon ? 'in the horizon' : 'history only',
    }))
    .sort((a, b) => b.effect - a.effect);
  const eventOrder = [...new Set(effects.map((e) => e.name))];
  const eventPanel = effects.length
    ? {
        title: { text: 'Event effects', fontSize: 13 },
        width,
        height: Math.max(40, 24 * effects.length),
        data: { values: effects },
        layer: [
          {
            mark: { type: 'bar', height: 16 },
            encoding: {
              y: { field: 'name', type: 'nominal', title: 'Event', sort: eventOrder },
              x: { field: 'effect', type: 'quantitative', title: 'Relative effect at full shape (%)' },
              color: { field: 'source', type: 'nominal', title: 'Effect from', legend: { orient: 'right' } },
              tooltip: [
                { field: 'name', title: 'Event' },
                { field: 'effect', type: 'quantitative', title: 'Effect (%)', format: '+.1f' },
                { field: 'source', title: 'From' },
                { field: 'when', title: 'Touches' },
              ],
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4 },
            encoding: {
              y: { field: 'name', type: 'nominal', sort: eventOrder },
              x: { field: 'effect', type: 'quantitative' },
              text: { field: 'effect', type: 'quantitative', format: '+.1f' },
            },
          },
        ],
      }
    : undefined;

  const notes = [
    `Model: ${view.model}.`,
    `The forecast stores no fitted components: shown is an MSTL decomposition (periods ${d.seasonals
      .map((s) => s.period)
      .join(', ')}) of ${histN > 0 ? 'the last ' + histN + ' observed periods and ' : ''}the point forecast.`,
    effects.length
      ? 'Event effects are those the forecast applied or estimated (eventEffects).'
      : 'No calendar event touches this series.',
  ];
  return topLevel({
    title: chartTitle(`Decomposition: ${keyLabel(view.key)}`, notes),
    vconcat: [
      trendPanel,
      seasonalPanels.length > 1 ? { hconcat: seasonalPanels } : seasonalPanels[0],
      ...(eventPanel ? [eventPanel] : []),
    ].filter(Boolean),
    resolve: { scale: { color: 'independent' } },
  });
}
