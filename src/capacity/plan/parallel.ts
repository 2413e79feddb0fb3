/**
 * When a plan uses worker threads: the Erlang staffing of each real-time queue × language (about a million
 * searches in a large plan) and the simulation check, which runs beside the allocation, go to the task pool
 * (src/parallel); small plans stay in this thread, where starting workers would cost more than it saves.
 */

import { availableParallelism } from 'node:os';

/** Staffing hours (queue × language × hour) from which a plan uses worker threads by default. */
export const PARALLEL_MIN_HOURS = 200_000;

/**
 * How many worker threads a plan should use: `requested` when given (0 or 1: none), otherwise the machine's
 * parallelism when the real-time hours reach {@link PARALLEL_MIN_HOURS}, else none.
 * @example planWorkers(undefined, 1000) // => 0
 */
export function planWorkers(requested: number | undefined, realTimeHours: number): number {
  if (requested !== undefined) return requested > 1 ? Math.floor(requested) : 0;
  const cores = availableParallelism();
  return cores > 1 && realTimeHours >= PARALLEL_MIN_HOURS ? cores : 0;
}
