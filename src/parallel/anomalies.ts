/** Batch anomaly detection of many series on all cores. */

import { availableParallelism } from 'node:os';
import {
  combineDetections,
  type DetectAnomaliesOptions,
  detectAnomaliesMany,
} from '../forecast/anomalies/batch.ts';
import type { Anomaly } from '../forecast/anomalies/types.ts';
import type { Series } from '../forecast/types.ts';
import { TaskPool } from './pool.ts';

/**
 * {@link detectAnomaliesMany} with the series spread over `workers` worker threads (default: every core), the
 * pooled zero-run test and the sorting done here; the same anomalies, about `workers` times sooner on many
 * series. One series, or one worker, runs in this thread.
 * @example await detectAnomaliesParallel(series, { events }) // => the anomalies of detectAnomaliesMany(series, { events })
 */
export async function detectAnomaliesParallel(
  series: readonly Series[],
  options: DetectAnomaliesOptions = {},
  workers = availableParallelism(),
): Promise<Anomaly[]> {
  const n = Math.min(Math.floor(workers), series.length);
  if (n <= 1) return detectAnomaliesMany(series, options);
  const pool = new TaskPool(n);
  try {
    const parts = await Promise.all(series.map((s) => pool.run('detectSeries', s, options)));
    return combineDetections(parts, options);
  } finally {
    await pool.close();
  }
}
