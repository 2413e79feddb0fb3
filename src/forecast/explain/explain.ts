import type { EventSpec } from '../events/schema.ts';
import type { Series } from '../types.ts';
import { type AttributeOptions, type Attribution, attributeMiss } from './attribute.ts';
import { type ClassifyOptions, classifyMiss, type MissClassification } from './classify.ts';
import { type CompareOptions, type Comparison, compareForecast } from './compare.ts';
import type { ForecastRow, LeafTotal } from './types.ts';

/** Everything `modcap explain` reports: accuracy, attribution of the miss and its classification. */
export interface ExplainResult {
  readonly comparison: Comparison;
  readonly attribution: Attribution;
  readonly classification: MissClassification;
}

/** Options of {@link explainMiss}. */
export interface ExplainOptions extends CompareOptions {
  readonly events?: readonly EventSpec[];
  readonly attribution?: AttributeOptions;
  readonly classify?: ClassifyOptions;
}

/**
 * Forecast and actual totals per series over the matched periods of a comparison: the leaves that
 * attribution works on.
 *
 * @example leafTotals(compareForecast(rows, actuals))[0] // => { key: { queue: 'reviews', … }, forecast: 1200, actual: 1350 }
 */
export function leafTotals(comparison: Comparison): LeafTotal[] {
  return comparison.series.map((s) => ({
    key: s.key,
    forecast: s.accuracy.forecast,
    actual: s.accuracy.actual,
  }));
}

/**
 * Compares a stored forecast with actuals ({@link compareForecast}), attributes the total miss across
 * the key dimensions ({@link attributeMiss}) and classifies it against the events calendar
 * ({@link classifyMiss}, using the top explanation).
 *
 * @throws ModcapError as `compareForecast` and `attributeMiss` do
 * @example
 * const r = explainMiss(readForecast('out/forecast.csv').rows, await readVolumes('actuals.csv'));
 * r.attribution.explanations[0].dimensions // => [{ language: 'ja' }]
 */
export function explainMiss(
  forecastRows: readonly ForecastRow[],
  actuals: readonly Series[],
  options: ExplainOptions = {},
): ExplainResult {
  const comparison = compareForecast(forecastRows, actuals, options);
  const attribution = attributeMiss(leafTotals(comparison), options.attribution);
  const classification = classifyMiss(
    attribution.explanations[0],
    comparison.series,
    options.events ?? [],
    options.classify,
  );
  return { comparison, attribution, classification };
}
