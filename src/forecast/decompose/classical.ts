import { ModcapError } from '../../errors.ts';

/** Result of {@link classicalDecompose}. */
export interface ClassicalDecomposition {
  /** Centred moving average; NaN for the first and last ⌊m/2⌋ points. */
  readonly trend: number[];
  /** Seasonal indices repeated over the series (multiplicative: mean 1; additive: mean 0). */
  readonly seasonal: number[];
  /** One index per cycle position, position 0 = the first observation's. */
  readonly figure: number[];
}

/**
 * Classical decomposition by moving averages, as R's `stats::decompose`: trend = centred moving average
 * of order m (a 2×m MA when m is even), detrended = y / trend (multiplicative) or y − trend (additive),
 * seasonal index = mean detrended value per cycle position, normalised to mean 1 (or 0).
 *
 * @param period m ≥ 2 (rounded)
 * @param type 'multiplicative' (default) or 'additive'
 * @throws ModcapError SERIES_TOO_SHORT when y has fewer than 2 full periods; BAD_ARGUMENT on period < 2
 * @example classicalDecompose([1, 3, 1, 3, 1, 3], 2, 'additive').figure // => [-1, 1]
 */
export function classicalDecompose(
  y: readonly number[],
  period: number,
  type: 'multiplicative' | 'additive' = 'multiplicative',
): ClassicalDecomposition {
  const m = Math.round(period);
  const n = y.length;
  if (!(m >= 2)) throw new ModcapError('BAD_ARGUMENT', `decompose period must be ≥ 2, got ${period}`);
  if (n < 2 * m)
    throw new ModcapError('SERIES_TOO_SHORT', `decompose needs two periods (${2 * m}), got ${n}`, { n });
  const trend = new Array<number>(n).fill(Number.NaN);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (even) {
      s = 0.5 * y[t - half] + 0.5 * y[t + half];
      for (let j = t - half + 1; j < t + half; j++) s += y[j];
    } else {
      for (let j = t - half; j <= t + half; j++) s += y[j];
    }
    trend[t] = s / m;
  }
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t])) continue;
    const d = type === 'multiplicative' ? y[t] / trend[t] : y[t] - trend[t];
    if (!Number.isFinite(d)) continue;
    sums[t % m] += d;
    counts[t % m]++;
  }
  const raw = Array.from(sums, (s, i) => (counts[i] > 0 ? s / counts[i] : Number.NaN));
  const avg = raw.reduce((a, b) => a + b, 0) / m;
  const figure = raw.map((v) => (type === 'multiplicative' ? v / avg : v - avg));
  return { trend, seasonal: y.map((_, t) => figure[t % m]), figure };
}
