/**
 * Strength of a seasonal (or trend) component (Wang, Smith & Hyndman 2006; Hyndman & Athanasopoulos,
 * FPP3 §4.3): `max(0, 1 − var(R) / var(S + R))`, 0 = none, 1 = all of the detrended variation.
 * Returns 0 when `var(S + R)` is 0.
 *
 * @param component the seasonal (or trend) values
 * @param remainder the remainder, same length
 * @example seasonalStrength([1, -1, 1, -1], [0, 0, 0, 0]) // => 1
 */
export function seasonalStrength(component: readonly number[], remainder: readonly number[]): number {
  const n = Math.min(component.length, remainder.length);
  if (n < 2) return 0;
  const vr = variance(n, (i) => remainder[i]);
  const vs = variance(n, (i) => component[i] + remainder[i]);
  if (!(vs > 0)) return 0;
  return Math.max(0, 1 - vr / vs);
}

function variance(n: number, at: (i: number) => number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m += at(i);
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (at(i) - m) ** 2;
  return s / (n - 1);
}
