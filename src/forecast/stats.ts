/** Small numeric helpers shared by the models. Pure functions over plain arrays. */

/** Arithmetic mean, ignoring NaN. Returns NaN for an empty input. @example mean([1, 2, 3]) // => 2 */
export function mean(x: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const v of x) {
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/** Sample standard deviation (n − 1), ignoring NaN. @example sd([1, 2, 3, 4]) // => 1.2909944 */
export function sd(x: readonly number[]): number {
  const m = mean(x);
  let s = 0;
  let n = 0;
  for (const v of x) {
    if (!Number.isNaN(v)) {
      s += (v - m) ** 2;
      n++;
    }
  }
  return n < 2 ? Number.NaN : Math.sqrt(s / (n - 1));
}

/**
 * Quantile with linear interpolation between order statistics (R type 7), ignoring NaN.
 * @param p probability in [0, 1]
 * @example quantile([1, 2, 3, 4], 0.5) // => 2.5
 */
export function quantile(x: readonly number[], p: number): number {
  const s = x.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Median, ignoring NaN. @example median([3, 1, 2]) // => 2 */
export function median(x: readonly number[]): number {
  return quantile(x, 0.5);
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 * @example normalQuantile(0.975) // => 1.959964
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let q: number;
  if (p < pl) {
    q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - pl) {
    q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** z such that a central interval of `levelPercent` is mean ± z·sd. @example zForLevel(95) // => 1.959964 */
export function zForLevel(levelPercent: number): number {
  return normalQuantile(0.5 + levelPercent / 200);
}

/**
 * Normal intervals around a point forecast with per-step standard deviations, clipped at zero (counts).
 * @returns one interval per level, in the order given
 */
export function normalIntervals(point: readonly number[], sds: readonly number[], levels: readonly number[]) {
  return levels.map((level) => {
    const z = zForLevel(level);
    return {
      level,
      lower: point.map((p, i) => Math.max(0, p - z * sds[i])),
      upper: point.map((p, i) => Math.max(0, p + z * sds[i])),
    };
  });
}

/** Validates interval levels: each in (0, 100). Throws a RangeError naming the bad level. */
export function checkLevels(levels: readonly number[]): void {
  for (const l of levels) {
    if (!(l > 0 && l < 100)) throw new RangeError(`interval level ${l} is not a percentage in (0, 100)`);
  }
}
