/** Forecast against actuals, and the attribution of the miss to dimension values. */

import type { TopLevelSpec } from 'vega-lite';
import { ModcapError } from '../../errors.ts';
import type { ExplainResult } from '../../forecast/explain/index.ts';
import { COLORS, chartTitle, dailyMean, round3, timeX, topLevel } from './common.ts';

/** Options of {@link actualsChart}. */
export interface ActualsChartOptions {
  /** How many ranked explanations to draw elements from (default 3). */
  readonly explanations?: number;
  readonly width?: number;
}

const elementLabel = (d: Readonly<Record<string, string>>) =>
  Object.entries(d)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');

/**
 * Two panels. Top: total actual and total point forecast over time, summed over the compared series
 * (daily means of an hourly comparison longer than 1500 periods). Bottom: the attribution of the miss —
 * one bar per dimension value (or queue × market cell) of the top-ranked explanations, its explanatory
 * power as a share of the total miss in percent (Adtributor's (A_ij − F_ij)/(A − F)), coloured by whether
 * that value came in above or below its forecast, labelled with the deviation in items.
 *
 * @throws ModcapError BAD_ARGUMENT when the comparison matched no periods
 * @example actualsChart(explainMiss(rows, actuals)) // lines for actual and forecast, bars for language = ja, …
 */
export function actualsChart(result: ExplainResult, options: ActualsChartOptions = {}): TopLevelSpec {
  const { comparison, attribution, classification } = result;
  const totals = new Map<number, { a: number; f: number }>();
  for (const s of comparison.series)
    for (let i = 0; i < s.timestamps.length; i++) {
      const acc = totals.get(s.timestamps[i]) ?? { a: 0, f: 0 };
      acc.a += s.actuals[i];
      acc.f += s.points[i];
      totals.set(s.timestamps[i], acc);
    }
  if (totals.size === 0)
    throw new ModcapError('BAD_ARGUMENT', 'the comparison matched no periods: nothing to chart', {
      series: comparison.series.length,
    });
  const ts = [...totals.keys()].sort((a, b) => a - b);
  const freq = comparison.series[0]?.freq ?? 'period';
  const daily = freq === 'hour' && ts.length > 1500;
  const pick = (f: (v: { a: number; f: number }) => number) => {
    const v = ts.map((t) => f(totals.get(t) as { a: number; f: number }));
    return daily ? dailyMean(ts, v) : { timestamps: ts, values: v };
  };
  const actual = pick((v) => v.a);
  const forecast = pick((v) => v.f);
  const lineRows = actual.timestamps.flatMap((t, i) => [
    { t, what: 'Actual', volume: round3(actual.values[i]) },
    { t, what: 'Point forecast', volume: round3(forecast.values[i]) },
  ]);
  const unit = `items per ${freq}${daily ? ', daily mean' : ''}`;
  const width = options.width ?? 860;

  const seen = new Set<string>();
  const bars: Record<string, unknown>[] = [];
  attribution.explanations.slice(0, options.explanations ?? 3).forEach((e, rank) => {
    for (const el of e.elements) {
      const label = elementLabel(el.dimensions);
      if (seen.has(label)) continue;
      seen.add(label);
      bars.push({
        label,
        explanation: `#${rank + 1} ${e.dimensionNames.join(' × ')}`,
        share: Math.round(el.explanatoryPower * 1000) / 10,
        deviation: Math.round(el.deviation),
        changePercent: Number.isFinite(el.changePercent) ? Math.round(el.changePercent * 10) / 10 : null,
        side: el.deviation >= 0 ? 'actual above forecast' : 'actual below forecast',
      });
    }
  });

  bars.sort((a, b) => (b.share as number) - (a.share as number));
  const order = bars.map((b) => b.label as string);
  const linePanel = {
    title: { text: 'Actual vs forecast (all compared series)', fontSize: 13 },
    width,
    height: 220,
    data: { values: lineRows },
    mark: { type: 'line', strokeWidth: 1.6 },
    encoding: {
      x: timeX('t'),
      y: { field: 'volume', type: 'quantitative', title: `Volume (${unit})` },
      color: {
        field: 'what',
        type: 'nominal',
        title: null,
        scale: { domain: ['Actual', 'Point forecast'], range: [COLORS.actual, COLORS.forecast] },
        legend: { orient: 'top', direction: 'horizontal' },
      },
      strokeDash: {
        field: 'what',
        type: 'nominal',
        scale: {
          domain: ['Actual', 'Point forecast'],
          range: [
            [1, 0],
            [6, 3],
          ],
        },
        legend: null,
      },
      tooltip: [
        { field: 't', type: 'temporal', title: 'Period (UTC)', format: '%Y-%m-%d %H:%M' },
        { field: 'what', title: 'Series' },
        { field: 'volume', type: 'quantitative', title: `Volume (${unit})`, format: ',.1f' },
      ],
    },
  };
  const barPanel = {
    title: { text: 'Which dimension values explain the miss', fontSize: 13 },
    width,
    height: { step: 24 },
    data: {
      values: bars.length ? bars : [{ label: '(no miss to attribute)', share: 0, deviation: 0, side: '' }],
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y: { field: 'label', type: 'nominal', title: 'Dimension value', sort: order },
          x: { field: 'share', type: 'quantitative', title: 'Share of the total miss explained (%)' },
          color: {
            field: 'side',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['actual above forecast', 'actual below forecast'],
              range: [COLORS.above, COLORS.below],
            },
            legend: { orient: 'top', direction: 'horizontal' },
          },
          tooltip: [
            { field: 'label', title: 'Value' },
            { field: 'explanation', title: 'Explanation' },
            { field: 'share', type: 'quantitative', title: 'Share of miss (%)', format: '.1f' },
            { field: 'deviation', type: 'quantitative', title: 'Actual − forecast (items)', format: ',d' },
            { field: 'changePercent', type: 'quantitative', title: 'Change vs forecast (%)', format: '+.1f' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: order },
          x: { field: 'share', type: 'quantitative' },
          text: { field: 'deviation', type: 'quantitative', format: '+,d' },
        },
      },
    ],
  };
  const pct = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(1)} %` : 'n/a');
  const notes = [
    `${new Date(comparison.from).toISOString().slice(0, 10)} to ${new Date(comparison.to).toISOString().slice(0, 10)} · actual − forecast = ${Math.round(attribution.deviation).toLocaleString('en-US')} items (${pct(-comparison.total.biasPercent)}) · WAPE ${comparison.total.wape.toFixed(1)} %.`,
    `Miss classified as: ${classification.kind}. Bar labels: actual − forecast in items.`,
  ];
  return topLevel({
    title: chartTitle('Forecast vs actuals, and what explains the miss', notes),
    vconcat: [linePanel, barPanel],
    resolve: { scale: { color: 'independent' } },
  });
}
