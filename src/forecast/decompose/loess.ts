/**
 * Local regression (loess) on an equally spaced grid, the smoother inside STL (Cleveland et al. 1990, §3):
 * tricube weights over the `window` nearest points, local degree 0 (weighted mean) or 1 (weighted line),
 * optional robustness weights, and evaluation at every `jump`-th point with linear interpolation between
 * them (the `jump` trick of the original STL, which makes a smooth O(n·window/jump)).
 */

/**
 * Loess estimate at position `xs` (1-based grid units, may lie outside 1..n for extrapolation) from
 * the points `nleft..nright` (1-based, inclusive) of `y`. Returns NaN when every weight is zero.
 *
 * `window` may exceed n: the bandwidth then grows by (window − n)/2, as in STL, so a huge window
 * tends to a global (weighted) fit.
 *
 * @param y values, index 0 is grid position 1
 * @param degree 0 (local constant) or 1 (local line)
 * @param rw robustness weights aligned with y, or undefined for all ones
 * @example loessAt([1, 2, 3, 4, 5], 3, 3, 1, 5, 1) // => 3 (a line is reproduced exactly)
 */
export function loessAt(
  y: ArrayLike<number>,
  xs: number,
  window: number,
  degree: number,
  nleft: number,
  nright: number,
  rw?: ArrayLike<number>,
): number {
  const n = y.length;
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (window > n) h += Math.floor((window - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  // one pass over the window: the weighted sums a local constant or line needs
  // (Σw, Σw·j, Σw·j², Σw·y, Σw·j·y), instead of storing the weights and passing over them again
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let t0 = 0;
  let t1 = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    if (r > h9) continue;
    let wj: number;
    if (r <= h1) wj = 1;
    else {
      const u = r / h;
      const v = 1 - u * u * u;
      wj = v * v * v;
    }
    if (rw !== undefined) wj *= rw[j - 1];
    const yj = y[j - 1];
    s0 += wj;
    s1 += wj * j;
    s2 += wj * j * j;
    t0 += wj * yj;
    t1 += wj * j * yj;
  }
  if (s0 <= 0) return Number.NaN;
  const mean = t0 / s0;
  if (h > 0 && degree > 0) {
    const a = s1 / s0;
    const c = s2 / s0 - a * a;
    if (Math.sqrt(Math.max(c, 0)) > 0.001 * range) {
      const b = (xs - a) / c;
      return mean + b * (t1 / s0 - a * mean);
    }
  }
  return mean;
}

/**
 * Loess smooth of `y` at every grid point: the fit is computed at every `jump`-th point (and the last)
 * and linearly interpolated in between. Where a local fit is undefined (all weights zero) the data value
 * is kept.
 *
 * @param window number of points in each local fit (odd; may exceed y.length)
 * @param degree 0 or 1
 * @param jump evaluate every `jump` points (1 = everywhere)
 * @param rw robustness weights, or undefined
 * @example loessSmooth([1, 2, 3, 4, 5], 3, 1, 1) // => Float64Array [1, 2, 3, 4, 5]
 */
export function loessSmooth(
  y: ArrayLike<number>,
  window: number,
  degree: number,
  jump: number,
  rw?: ArrayLike<number>,
  out: Float64Array = new Float64Array(y.length),
): Float64Array {
  const n = y.length;
  if (n === 0) return out;
  if (n < 2) {
    out[0] = y[0];
    return out;
  }
  const step = Math.max(1, Math.min(jump, n - 1));
  const fill = (i: number, v: number) => {
    out[i - 1] = Number.isNaN(v) ? y[i - 1] : v;
  };
  if (window >= n) {
    for (let i = 1; i <= n; i += step) fill(i, loessAt(y, i, window, degree, 1, n, rw));
  } else if (step === 1) {
    const half = (window + 1) >> 1;
    let nleft = 1;
    let nright = window;
    for (let i = 1; i <= n; i++) {
      if (i > half && nright !== n) {
        nleft++;
        nright++;
      }
      fill(i, loessAt(y, i, window, degree, nleft, nright, rw));
    }
  } else {
    const half = (window + 1) >> 1;
    for (let i = 1; i <= n; i += step) {
      let nleft: number;
      let nright: number;
      if (i < half) {
        nleft = 1;
        nright = window;
      } else if (i >= n - half + 1) {
        nleft = n - window + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = window + i - half;
      }
      fill(i, loessAt(y, i, window, degree, nleft, nright, rw));
    }
  }
  if (step !== 1) {
    let i = 1;
    for (; i <= n - step; i += step) {
      const delta = (out[i + step - 1] - out[i - 1]) / step;
      for (let j = i + 1; j < i + step; j++) out[j - 1] = out[i - 1] + delta * (j - i);
    }
    const k = i; // last computed point
    if (k !== n) {
      let nleft = Math.max(1, n - window + 1);
      const nright = n;
      if (window >= n) nleft = 1;
      fill(n, loessAt(y, n, window, degree, nleft, nright, rw));
      if (k !== n - 1) {
        const delta = (out[n - 1] - out[k - 1]) / (n - k);
        for (let j = k + 1; j < n; j++) out[j - 1] = out[k - 1] + delta * (j - k);
      }
    }
  }
  return out;
}

/**
 * Trailing moving average of length `len`: `out[i] = mean(x[i..i+len−1])`, length `x.length − len + 1`.
 * @example movingAverage([1, 2, 3, 4], 2) // => Float64Array [1.5, 2.5, 3.5]
 */
export function movingAverage(x: ArrayLike<number>, len: number): Float64Array {
  const m = x.length - len + 1;
  const out = new Float64Array(Math.max(0, m));
  if (m <= 0) return out;
  let s = 0;
  for (let i = 0; i < len; i++) s += x[i];
  out[0] = s / len;
  for (let i = 1; i < m; i++) {
    s += x[i + len - 1] - x[i - 1];
    out[i] = s / len;
  }
  return out;
}

/** Smallest odd integer ≥ x (after rounding up). @example nextOdd(24) // => 25 */
export function nextOdd(x: number): number {
  const k = Math.ceil(x);
  return k % 2 === 0 ? k + 1 : k;
}
