/** Forecasting: series in, forecasts with intervals, chosen models and event effects out. */
export {
  CANDIDATE_FAMILIES,
  defaultCandidates,
  PRESETS,
  type Preset,
  periodsFor,
  usablePeriods,
} from './candidates.ts';
export { mstlDecompose, stl } from './decompose/index.ts';
export {
  applyEventEffects,
  buildRegressors,
  type EventSpec,
  eventEffects,
  loadEvents,
  parseEvents,
} from './events/index.ts';
export { impute } from './impute.ts';
export {
  aggregate,
  durationToSteps,
  futureTimestamps,
  parseDuration,
  readVolumes,
  readVolumesFromStream,
  seriesToTable,
  tableToSeries,
} from './io/index.ts';
export { bias, coverage, mae, mase, msis, smape, wape } from './metrics.ts';
export * from './models/index.ts';
export { forecastCsv, forecastJson, MODCAP_VERSION, provenance } from './output.ts';
export { DEFAULT_ORIGINS, type ForecastRequest, forecastSeries, type SeriesForecast } from './pipeline.ts';
export { forecastMany, type Progress, type RunOptions, type SeriesFailure } from './runner.ts';
export type {
  FitOptions,
  Fitted,
  Forecast,
  Frequency,
  Interval,
  Model,
  PredictOptions,
  Series,
} from './types.ts';
