/**
 * Forecast accuracy measures. Conventions follow the M4 competition (Makridakis et al. 2020) and
 * Hyndman & Koehler (2006). All ignore steps where the actual is NaN.
 */

/** Mean absolute error. @example mae([1, 2], [2, 4]) // => 1.5 */
export function mae(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    s += Math.abs(actual[i] - forecast[i]);
    n++;
  }
  return n ? s / n : Number.NaN;
}

/** Mean error (forecast − actual): positive means over-forecast. @example bias([1, 2], [2, 4]) // => 1.5 */
export function bias(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    s += forecast[i] - actual[i];
    n++;
  }
  return n ? s / n : Number.NaN;
}

/**
 * Symmetric MAPE in percent as in M4: mean of 200·|y − ŷ| / (|y| + |ŷ|); a step with y = ŷ = 0 counts 0.
 * @example smape([100], [110]) // => 9.5238
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    const d = Math.abs(actual[i]) + Math.abs(forecast[i]);
    s += d === 0 ? 0 : (200 * Math.abs(actual[i] - forecast[i])) / d;
    n++;
  }
  return n ? s / n : Number.NaN;
}

/**
 * In-sample seasonal-naive MAE, the MASE denominator: mean |y[t] − y[t−m]| over t ≥ m.
 * @example naiveScale([1, 2, 3, 5], 1) // => 1.3333
 */
export function naiveScale(insample: readonly number[], m: number): number {
  let s = 0;
  let n = 0;
  for (let t = m; t < insample.length; t++) {
    const d = insample[t] - insample[t - m];
    if (Number.isNaN(d)) continue;
    s += Math.abs(d);
    n++;
  }
  return n ? s / n : Number.NaN;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006) with seasonal period m, as in M4.
 * @example mase([3, 4], [3, 5], [1, 2, 3], 1) // => 0.5
 */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  insample: readonly number[],
  m: number,
): number {
  return mae(actual, forecast) / naiveScale(insample, m);
}

/** Weighted absolute percentage error in percent: Σ|y − ŷ| / Σ|y|. @example wape([10, 10], [12, 8]) // => 20 */
export function wape(actual: readonly number[], forecast: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    num += Math.abs(actual[i] - forecast[i]);
    den += Math.abs(actual[i]);
  }
  return den ? (100 * num) / den : Number.NaN;
}

/** Share (0..1) of actuals inside [lower, upper]. @example coverage([1, 5], [0, 0], [2, 2]) // => 0.5 */
export function coverage(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
): number {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
    n++;
  }
  return n ? inside / n : Number.NaN;
}

/**
 * Mean scaled interval score (Gneiting & Raftery 2007; M4's MSIS) at level `levelPercent`.
 * @example msis([5], [4], [6], [1, 2, 3], 1, 95) // => 2
 */
export function msis(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  insample: readonly number[],
  m: number,
  levelPercent: number,
): number {
  const a = 1 - levelPercent / 100;
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y)) continue;
    s += upper[i] - lower[i];
    if (y < lower[i]) s += (2 / a) * (lower[i] - y);
    if (y > upper[i]) s += (2 / a) * (y - upper[i]);
    n++;
  }
  return n ? s / n / naiveScale(insample, m) : Number.NaN;
}
