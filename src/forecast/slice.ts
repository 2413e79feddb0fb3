import type { FitOptions, Regressors } from './types.ts';

/**
 * Fit options for the prefix `y[0 .. end)`, as a backtest origin at `end` sees them: timestamps, weights
 * and regressor history are cut at `end`; the regressors' future for the next h periods is read from
 * the full history (known-in-advance regressors such as events and holidays), and from the original
 * future beyond it.
 *
 * @example sliceOptions({ periods: [24], timestamps: [0, 1, 2] }, 2).timestamps // => [0, 1]
 */
export function sliceOptions(options: FitOptions | undefined, end: number): FitOptions {
  if (!options) return {};
  const out: { -readonly [K in keyof FitOptions]: FitOptions[K] } = { ...options };
  if (options.timestamps) out.timestamps = options.timestamps.slice(0, end);
  if (options.weights) out.weights = options.weights.slice(0, end);
  const reg = options.regressors;
  if (reg) {
    const n = reg.history.columns[0]?.length ?? 0;
    const history: Regressors = {
      names: reg.history.names,
      columns: reg.history.columns.map((c) => c.slice(0, end)),
    };
    out.regressors = {
      history,
      future(h: number): Regressors {
        const fromHistory = Math.max(0, Math.min(h, n - end));
        const rest = h - fromHistory;
        const beyond = rest > 0 ? reg.future(rest) : undefined;
        return {
          names: reg.history.names,
          columns: reg.history.columns.map((c, j) => {
            const head = c.slice(end, end + fromHistory);
            return beyond ? head.concat(beyond.columns[j] as number[]) : head;
          }),
        };
      },
    };
  }
  return out;
}
