/**
 * The library functions a worker thread can run for the main thread (pool.ts): heavy, pure, and fed with data
 * that crosses threads by structured clone. Each is loaded by the worker on first use only, so a worker that
 * staffs a plan never compiles the anomaly detector, and the reverse.
 */

import type { simulationChecks } from '../capacity/plan/checks.ts';
import type { planCapacity } from '../capacity/plan/plan.ts';
import type { staffTask } from '../capacity/plan/realtime.ts';
import type { detectSeriesSafely } from '../forecast/anomalies/batch.ts';

/** Task name → function. */
export interface Tasks {
  /** Erlang staffing of one real-time queue × language, hour by hour. */
  readonly staff: typeof staffTask;
  /** The simulation check of a plan. */
  readonly simulate: typeof simulationChecks;
  /** Batch anomaly detection of one series, with its zero runs for the pooled test. */
  readonly detectSeries: typeof detectSeriesSafely;
  /** A whole capacity plan (its own staffing may use further workers). */
  readonly plan: typeof planCapacity;
}
export type TaskName = keyof Tasks;

/** How a worker loads each task. */
export const TASK_LOADERS: { readonly [K in TaskName]: () => Promise<Tasks[K]> } = {
  staff: async () => (await import('../capacity/plan/realtime.ts')).staffTask,
  simulate: async () => (await import('../capacity/plan/checks.ts')).simulationChecks,
  detectSeries: async () => (await import('../forecast/anomalies/batch.ts')).detectSeriesSafely,
  plan: async () => (await import('../capacity/plan/plan.ts')).planCapacity,
};
