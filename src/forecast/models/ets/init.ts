/**
 * Heuristic initial states for ETS (Hyndman et al. 2008, §2.6.1; the same recipe as R forecast's
 * `initstate`): a classical decomposition of the first (up to) three seasons (or `seasons`) gives the seasonal states and
 * a seasonally adjusted series; a least-squares line through its first max(10, 2m) points (at most n)
 * gives the initial level and slope (the line's value at t = 0, i.e. one step before the first
 * observation, and its slope). Without trend the level is the mean of those points.
 */

/** Initial states found by {@link initialStates}. `season` is chronological, length m (empty if none). */
export interface InitialStates {
  level: number;
  slope: number;
  season: Float64Array;
}

/**
 * Computes the heuristic initial states.
 *
 * @param y observations (for a multiplicative season, all > 0)
 * @param trend whether a slope is estimated
 * @param season 'N', 'A' or 'M'
 * @param m seasonal period; the seasonal part needs n ≥ 2m
 * @param seasons how many leading seasons the decomposition uses (default 3, as R; `Infinity` = all)
 * @throws RangeError when a seasonal decomposition is asked for with fewer than 2m points
 * @example
 * initialStates(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), true, 'N', 1) // => { level: 0, slope: 1, … }
 */
export function initialStates(
  y: Float64Array,
  trend: boolean,
  season: 'N' | 'A' | 'M',
  m: number,
  seasons = 3,
): InitialStates {
  const n = y.length;
  let sa: ArrayLike<number> = y;
  let seas: Float64Array = new Float64Array(0);
  if (season !== 'N' && m > 1) {
    if (n < 2 * m) throw new RangeError(`initialStates: a seasonal model needs ${2 * m} points, got ${n}`);
    const k = Math.min(n, Math.max(2, seasons) * m);
    seas = classicalSeasonal(y, k, m, season === 'M');
    const adj = new Float64Array(k);
    for (let t = 0; t < k; t++) adj[t] = season === 'M' ? y[t] / seas[t % m] : y[t] - seas[t % m];
    sa = adj;
  }
  const maxn = Math.min(Math.max(10, 2 * m), sa.length);
  if (!trend) {
    let s = 0;
    for (let t = 0; t < maxn; t++) s += sa[t];
    return { level: s / maxn, slope: 0, season: seas };
  }
  // least squares of sa[t−1] on t = 1..maxn
  let sx = 0;
  let sy = 0;
  for (let t = 0; t < maxn; t++) {
    sx += t + 1;
    sy += sa[t];
  }
  const mx = sx / maxn;
  const my = sy / maxn;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < maxn; t++) {
    const dx = t + 1 - mx;
    sxy += dx * (sa[t] - my);
    sxx += dx * dx;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let level = my - slope * mx;
  let b = slope;
  // a multiplicative error needs l0 + b0 away from 0 (as R does, nudge it)
  if (Math.abs(level + b) < 1e-8) {
    level *= 1 + 1e-3;
    b *= 1 - 1e-3;
  }
  return { level, slope: b, season: seas };
}

/**
 * Seasonal indices of a classical decomposition of `y[0..k)` (centred moving average of order m, a 2×m
 * average for even m), normalised to sum to 0 (additive) or m (multiplicative). Positions with no
 * detrended value (cannot happen for k ≥ 2m) get the neutral index.
 */
function classicalSeasonal(y: Float64Array, k: number, m: number, mult: boolean): Float64Array {
  const sum = new Float64Array(m);
  const cnt = new Float64Array(m);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  for (let t = half; t + half < k; t++) {
    let tr: number;
    if (even) {
      let s = 0.5 * (y[t - half] + y[t + half]);
      for (let i = t - half + 1; i < t + half; i++) s += y[i];
      tr = s / m;
    } else {
      let s = 0;
      for (let i = t - half; i <= t + half; i++) s += y[i];
      tr = s / m;
    }
    const pos = t % m;
    sum[pos] += mult ? (tr !== 0 ? y[t] / tr : 1) : y[t] - tr;
    cnt[pos]++;
  }
  const seas = new Float64Array(m);
  let tot = 0;
  for (let j = 0; j < m; j++) {
    seas[j] = cnt[j] > 0 ? sum[j] / cnt[j] : mult ? 1 : 0;
    tot += seas[j];
  }
  const avg = tot / m;
  for (let j = 0; j < m; j++) seas[j] = mult ? seas[j] / avg : seas[j] - avg;
  return seas;
}
