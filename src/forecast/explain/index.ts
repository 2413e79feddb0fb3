/**
 * Forecast vs actuals and what explains a miss: read a stored forecast, join it with actuals and
 * measure accuracy, attribute the miss across key dimensions (Adtributor with a two-dimension step),
 * and classify it against the events calendar.
 */
export {
  type AttributeOptions,
  type Attribution,
  attributeMiss,
  type DimensionSet,
  type Explanation,
  type ExplanationElement,
} from './attribute.ts';
export {
  bestStep,
  type ClassifyOptions,
  classifyMiss,
  type MissClassification,
  type MissKind,
} from './classify.ts';
export {
  type Accuracy,
  accuracyOf,
  type CompareOptions,
  type Comparison,
  compareForecast,
  type Excursion,
  type GrainSeries,
  joinId,
  type LevelCoverage,
  type SeriesComparison,
} from './compare.ts';
export { type ExplainOptions, type ExplainResult, explainMiss, leafTotals } from './explain.ts';
export { ForecastJsonDocument, parseForecast, readForecast } from './read-forecast.ts';
export { accuracyCsv, explainJson, formatExplainReport } from './report.ts';
export { jsDivergence, surprise } from './surprise.ts';
export type { ForecastRow, LeafTotal, StoredForecast, StoredInterval } from './types.ts';
