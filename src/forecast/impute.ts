/**
 * Fills the gaps (NaN) of a series so that models see a complete grid, and returns weights that tell
 * the models to ignore the filled points. A gap takes the value one season back (shortest period) when
 * that is known, else the linear interpolation between its neighbours, else the nearest known value.
 *
 * @returns `values` without NaN, `weights` (0 at filled points, 1 elsewhere) and the number filled
 * @example impute([1, NaN, 3], []) // => { values: [1, 2, 3], weights: [1, 0, 1], filled: 1 }
 */
export function impute(y: readonly number[], periods: readonly number[]) {
  const values = y.slice();
  const weights: number[] = y.map((v) => (Number.isNaN(v) ? 0 : 1));
  const filled = weights.reduce((a: number, w) => a + (w === 0 ? 1 : 0), 0);
  if (filled === 0) return { values, weights, filled };
  const m = periods.length ? Math.round(periods[0]) : 0;
  for (let t = 0; t < values.length; t++) {
    if (!Number.isNaN(values[t])) continue;
    if (m > 1 && t >= m && !Number.isNaN(values[t - m])) {
      values[t] = values[t - m];
      continue;
    }
    let prev = t - 1;
    while (prev >= 0 && Number.isNaN(values[prev])) prev--;
    let next = t + 1;
    while (next < values.length && Number.isNaN(y[next])) next++;
    if (prev >= 0 && next < values.length) {
      values[t] = values[prev] + ((values[next] ?? y[next]) - values[prev]) * ((t - prev) / (next - prev));
    } else if (prev >= 0) values[t] = values[prev];
    else if (next < values.length) values[t] = y[next];
    else values[t] = 0;
  }
  return { values, weights, filled };
}
