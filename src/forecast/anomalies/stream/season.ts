/**
 * Season length for a stream, found from the data: the day and the week in rows (from the median time step)
 * are the candidates, and one is kept when the autocorrelation of the recent values at that lag is clearly
 * positive. Streams with no timestamps spacing (or steps of a day or more and no weekly pattern) get none.
 */

/**
 * Autocorrelation of `x` at `lag` (Pearson correlation of x[t] and x[t − lag]); NaN pairs are skipped.
 * @example autocorrelation([1, 2, 1, 2, 1, 2], 2) // => 1
 */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let t = lag; t < x.length; t++) {
    const a = x[t];
    const b = x[t - lag];
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sa += a;
    sb += b;
    n++;
  }
  if (n < 3) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let cab = 0;
  let caa = 0;
  let cbb = 0;
  for (let t = lag; t < x.length; t++) {
    const a = x[t];
    const b = x[t - lag];
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    cab += (a - ma) * (b - mb);
    caa += (a - ma) ** 2;
    cbb += (b - mb) ** 2;
  }
  return caa > 0 && cbb > 0 ? cab / Math.sqrt(caa * cbb) : 0;
}

/**
 * Candidate season lengths in rows for a time step in ms: a day and a week, when a whole number of steps
 * (to 1 %) and at least 4 steps long.
 * @example seasonCandidates(3_600_000) // => [24, 168]
 */
export function seasonCandidates(stepMs: number): number[] {
  if (!(stepMs > 0)) return [];
  const out: number[] = [];
  for (const span of [86_400_000, 7 * 86_400_000]) {
    const p = span / stepMs;
    const r = Math.round(p);
    if (r >= 4 && Math.abs(p - r) <= 0.01 * p) out.push(r);
  }
  return out;
}

/**
 * Choose a season among `candidates` for the values `x` (oldest first): the candidate with the highest
 * autocorrelation above `minCorrelation`, among those with at least `minCycles` cycles in `x`; 0 if none.
 * The autocorrelation must also beat the one at half the lag, so a trend alone does not pass.
 * @example pickSeason(Array.from({ length: 96 }, (_, i) => Math.sin((2 * Math.PI * i) / 24)), [24]) // => 24
 */
export function pickSeason(
  x: ArrayLike<number>,
  candidates: readonly number[],
  minCycles = 3,
  minCorrelation = 0.3,
) {
  let best = 0;
  let bestR = minCorrelation;
  for (const p of candidates) {
    if (x.length < minCycles * p) continue;
    const r = autocorrelation(x, p);
    const half = autocorrelation(x, Math.max(1, Math.round(p / 2)));
    if (r > bestR && r > half + 0.1) {
      best = p;
      bestR = r;
    }
  }
  return best;
}
