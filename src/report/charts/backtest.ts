/** Backtest accuracy of every candidate model of one series, with the chosen ones highlighted. */

import type { TopLevelSpec } from 'vega-lite';
import { ModcapError } from '../../errors.ts';
import { COLORS, chartTitle, keyLabel, perPeriod, topLevel } from './common.ts';
import type { ForecastView } from './forecast-view.ts';

/** Options of {@link backtestChart}. */
export interface BacktestChartOptions {
  readonly width?: number;
}

/**
 * Horizontal bars of each candidate model's backtest MAE (mean absolute error over the rolling origins
 * and horizon steps, in items per period), best at the top; the members of the final forecast are
 * highlighted, candidates dropped after the screening origins are grey, and a dashed rule marks the MAE
 * of the final combination when the selection scored combinations. Failed candidates are listed in the
 * subtitle.
 *
 * @throws ModcapError BAD_ARGUMENT when the forecast carries no candidate scores (e.g. a fallback model)
 * @example backtestChart(forecastView(doc.series[0])) // bars for snaive(24), ar, theta(24), …
 */
export function backtestChart(view: ForecastView, options: BacktestChartOptions = {}): TopLevelSpec {
  const { scores, chosen, combinations, backtest } = view.selection;
  const scored = scores.filter((s) => Number.isFinite(s.mae));
  if (scored.length === 0)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `forecast of ${view.id} has no backtest scores (model ${view.model}${view.fallback ? ', a fallback' : ''})`,
      { series: view.id },
    );
  const failed = scores.filter((s) => !Number.isFinite(s.mae));
  const statusOf = (s: (typeof scores)[number]) =>
    chosen.includes(s.model) ? 'chosen' : s.screenedOut ? 'screened out early' : 'candidate';
  const rows = scored
    .slice()
    .sort((a, b) => a.mae - b.mae)
    .map((s) => ({
      model: s.model,
      mae: s.mae,
      rank: s.rank ?? null,
      origins: s.origins,
      status: statusOf(s),
    }));
  const order = rows.map((r) => r.model);
  const combo = combinations.find((c) => c.k === chosen.length);
  const unit = `items per ${perPeriod(view.freq)}`;
  const bt = backtest;
  const how = bt?.origins
    ? `${bt.origins} rolling origins${bt.horizon ? `, ${bt.horizon} steps ahead each` : ''}`
    : 'rolling origins';
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: {
          field: 'model',
          type: 'nominal',
          title: 'Candidate model',
          sort: order,
          axis: { labelLimit: 420 },
        },
        x: { field: 'mae', type: 'quantitative', title: `Backtest MAE (${unit}; lower is better)` },
        color: {
          field: 'status',
          type: 'nominal',
          title: 'Candidate',
          scale: {
            domain: ['chosen', 'candidate', 'screened out early'],
            range: [COLORS.chosen, COLORS.candidate, COLORS.screened],
          },
          legend: { orient: 'top', direction: 'horizontal' },
        },
        tooltip: [
          { field: 'model', title: 'Model' },
          { field: 'mae', type: 'quantitative', title: `MAE (${unit})`, format: ',.4~f' },
          { field: 'rank', type: 'quantitative', title: 'Rank' },
          { field: 'origins', type: 'quantitative', title: 'Origins scored' },
          { field: 'status', title: 'Status' },
        ],
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
      encoding: {
        y: { field: 'model', type: 'nominal', sort: order },
        x: { field: 'mae', type: 'quantitative' },
        text: { field: 'mae', type: 'quantitative', format: ',.3~f' },
      },
    },
  ];
  if (combo && Number.isFinite(combo.mae) && chosen.length > 1)
    layers.push(
      {
        data: {
          values: [{ mae: combo.mae, label: `mean of the ${chosen.length} chosen: ${combo.mae.toFixed(3)}` }],
        },
        mark: { type: 'rule', color: COLORS.chosen, strokeDash: [5, 3], strokeWidth: 2 },
        encoding: { x: { field: 'mae', type: 'quantitative' } },
      },
      {
        data: {
          values: [{ mae: combo.mae, label: `mean of the ${chosen.length} chosen: ${combo.mae.toFixed(3)}` }],
        },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, color: COLORS.chosen },
        encoding: { x: { field: 'mae', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    );
  const notes = [
    `Final model: ${view.model} · MAE over ${how}.`,
    ...(failed.length ? [`Failed: ${failed.map((f) => f.model).join(', ')}.`] : []),
  ];
  return topLevel({
    title: chartTitle(`Backtest accuracy per model: ${keyLabel(view.key)}`, notes),
    width: options.width ?? 640,
    height: { step: 26 },
    data: { values: rows },
    layer: layers,
  });
}
