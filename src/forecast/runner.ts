import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModcapError } from '../errors.ts';
import { type ForecastRequest, forecastSeries, type SeriesForecast } from './pipeline.ts';
import type { Series } from './types.ts';

/** Progress of a many-series run. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

/** Options of {@link forecastMany}. */
export interface RunOptions {
  /** Worker threads (default: the machine's available parallelism; 0 or 1 = in this thread). */
  readonly workers?: number;
  /** Called after each series. */
  readonly onProgress?: (p: Progress) => void;
}

/** A series that could not be forecast at all (even the fallback failed). */
export interface SeriesFailure {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The one loop over many series (STYLE.md §3): forecasts each series with {@link forecastSeries} on all
 * cores (worker threads, one series at a time per worker, so fast workers take more), catches a failure
 * per series, and reports progress. Results keep the input order.
 *
 * @example const { results } = await forecastMany(series, { horizon: 168 }, { onProgress: console.log })
 */
export async function forecastMany(
  series: readonly Series[],
  request: ForecastRequest,
  options: RunOptions = {},
): Promise<{ results: SeriesForecast[]; failures: SeriesFailure[] }> {
  const total = series.length;
  const started = performance.now();
  const results: (SeriesForecast | undefined)[] = new Array(total);
  const failures: SeriesFailure[] = [];
  let done = 0;
  const report = () =>
    options.onProgress?.({ done, total, failed: failures.length, elapsedMs: performance.now() - started });
  const workers = Math.min(options.workers ?? availableParallelism(), total);

  if (workers <= 1) {
    for (let i = 0; i < total; i++) {
      try {
        results[i] = forecastSeries(series[i], request);
      } catch (e) {
        failures.push({
          id: series[i].id,
          code: e instanceof ModcapError ? e.code : 'MODEL_FIT',
          message: (e as Error).message,
        });
      }
      done++;
      report();
      if (i % 16 === 15) await new Promise((r) => setImmediate(r));
    }
  } else {
    let next = 0;
    const pool = Array.from(
      { length: workers },
      () => new Worker(new URL('./worker-entry.mjs', import.meta.url)),
    );
    try {
      await Promise.all(
        pool.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const feed = () => {
                if (next >= total) return resolve();
                const index = next++;
                w.postMessage({ index, series: series[index], request });
              };
              w.on(
                'message',
                (msg: {
                  index: number;
                  result?: SeriesForecast;
                  error?: { code: string; message: string };
                }) => {
                  if (msg.result) results[msg.index] = msg.result;
                  else if (msg.error) failures.push({ id: series[msg.index].id, ...msg.error });
                  done++;
                  report();
                  feed();
                },
              );
              w.on('error', reject);
              feed();
            }),
        ),
      );
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
  }
  return { results: results.filter((r): r is SeriesForecast => r !== undefined), failures };
}
