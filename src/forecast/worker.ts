import { parentPort } from 'node:worker_threads';
import { ModcapError } from '../errors.ts';
import { type ForecastRequest, forecastSeries } from './pipeline.ts';
import type { Series } from './types.ts';

/** Messages a forecast worker accepts. */
export interface WorkerJob {
  readonly index: number;
  readonly series: Series;
  readonly request: ForecastRequest;
}

parentPort?.on('message', (job: WorkerJob) => {
  try {
    const result = forecastSeries(job.series, job.request);
    parentPort!.postMessage({ index: job.index, result });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({
      index: job.index,
      error: { code: e instanceof ModcapError ? e.code : 'MODEL_FIT', message: err.message },
    });
  }
});
