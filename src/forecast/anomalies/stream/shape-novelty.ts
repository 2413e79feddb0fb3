/**
 * Shape novelty, causally: the distance from the newest window of `length` values to the most similar earlier
 * window among the last `history` ones (a left matrix profile, Yeh et al. 2016 / Lu et al. 2022, one row at a
 * time). Windows are compared after removing their own mean, so a pattern seen before at another level is
 * not novel, but a pattern that changes shape (a periodic load that stops, a flat metric that starts to
 * oscillate) is. Windows overlapping the newest one are not candidates (no trivial matches).
 *
 * Each push costs O(history): the dot products with every earlier window are updated from the previous row.
 */

/** A causal shape-novelty signal over one series. */
export interface ShapeNovelty {
  /**
   * Push the next value (NaN repeats the last value: a gap keeps the grid) and return the distance of the
   * newest window to its nearest earlier window, or NaN while there are too few windows to compare.
   */
  push(x: number): number;
}

/**
 * Create a shape-novelty signal with windows of `length` values, compared with the last `history` windows.
 * @example const s = createShapeNovelty(3, 100);
 * [1, 2, 1, 2, 1, 2, 1, 2].map((x) => s.push(x)).at(-1) // => 0
 */
export function createShapeNovelty(length: number, history: number, zNormalise = false): ShapeNovelty {
  const m = Math.max(2, Math.round(length));
  const h = Math.max(m + 1, Math.round(history));
  const keep = h + 2 * m; // values kept after a compaction: every candidate window and the newest one
  const cap = 2 * keep;
  const x = new Float64Array(cap);
  const qt = new Float64Array(cap); // qt[j]: dot product of the window ending at j with the newest window
  const sum = new Float64Array(cap); // sum of the window ending at j
  const sq = new Float64Array(cap); // sum of squares of the window ending at j
  let len = 0;
  let origin = Number.NaN; // subtracted from every value, so sums of squares stay small
  let last = Number.NaN;

  const compact = () => {
    const from = len - keep;
    x.copyWithin(0, from, len);
    qt.copyWithin(0, from, len);
    sum.copyWithin(0, from, len);
    sq.copyWithin(0, from, len);
    len = keep;
  };

  return {
    push(raw: number): number {
      let v = Number.isFinite(raw) ? raw : last;
      if (!Number.isFinite(v)) return Number.NaN; // nothing seen yet
      last = v;
      if (Number.isNaN(origin)) origin = v;
      v -= origin;
      if (len === cap) compact();
      const t = len++;
      x[t] = v;
      if (t < m - 1) return Number.NaN;
      sum[t] = t === m - 1 ? x.subarray(0, m).reduce((a, b) => a + b, 0) : sum[t - 1] + v - x[t - m];
      sq[t] =
        t === m - 1
          ? x.subarray(0, m).reduce((a, b) => a + b * b, 0)
          : sq[t - 1] + v * v - x[t - m] * x[t - m];
      // the new row of dot products, from the previous one (descending j reads qt[j − 1] before it changes)
      const lo = Math.max(m - 1, t - h - m);
      for (let j = t - 1; j > lo; j--) qt[j] = qt[j - 1] + v * x[j] - x[t - m] * x[j - m];
      let d = 0;
      for (let i = 0; i < m; i++) d += x[lo - m + 1 + i] * x[t - m + 1 + i];
      qt[lo] = d;
      // nearest earlier window that does not overlap the newest one
      const last0 = t - m;
      if (last0 < m - 1) return Number.NaN;
      const mi = sum[t] / m;
      const ci = sq[t] - m * mi * mi;
      let best = Number.POSITIVE_INFINITY;
      for (let j = Math.max(m - 1, t - h); j <= last0; j++) {
        const mj = sum[j] / m;
        const cj = sq[j] - m * mj * mj;
        let d2: number;
        if (!zNormalise) d2 = ci + cj - 2 * (qt[j] - m * mi * mj);
        else {
          const flatI = ci <= 1e-9 * (sq[t] + 1e-12);
          const flatJ = cj <= 1e-9 * (sq[j] + 1e-12);
          if (flatI || flatJ) d2 = flatI && flatJ ? 0 : m;
          else d2 = 2 * m * (1 - (qt[j] - m * mi * mj) / Math.sqrt(ci * cj));
        }
        if (d2 < best) best = d2;
      }
      return Math.sqrt(Math.max(0, best));
    },
  };
}
