/** Vega-Lite chart builders: each takes plain results and returns a `TopLevelSpec`. */
export { type ActualsChartOptions, actualsChart } from './actuals.ts';
export { type BacktestChartOptions, backtestChart } from './backtest.ts';
export { CHART_CONFIG, COLORS, FONT_FAMILY, keyLabel, slug, VEGA_LITE_SCHEMA } from './common.ts';
export { type CostChartOptions, costChart } from './cost.ts';
export { type DecompositionChartOptions, decompositionChart } from './decomposition.ts';
export { type FanChartOptions, fanChart } from './fan.ts';
export {
  type ForecastDocument,
  type ForecastDocumentSeries,
  type ForecastView,
  forecastView,
  largestSeries,
} from './forecast-view.ts';
export { type HeadcountChartOptions, headcountChart } from './headcount.ts';
export {
  type BacklogChartOptions,
  backlogChart,
  type ServiceLevelChartOptions,
  serviceLevelChart,
} from './queues.ts';
