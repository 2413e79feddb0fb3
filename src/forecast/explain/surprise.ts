/**
 * One element's term of the Jensen–Shannon divergence between a forecast share `p` and an actual share
 * `q`, in bits (log base 2, so a term lies in [0, 0.5]·(p + q)): Adtributor's *surprise* (Bhagwan et al.,
 * NSDI 2014, §3.2): `½·(p·log2(2p/(p+q)) + q·log2(2q/(p+q)))`, with `0·log 0 = 0`. Negative shares
 * (a negative point forecast) count as 0.
 *
 * @example surprise(0.5, 0.5) // => 0
 * @example surprise(1, 0) // => 0.5
 */
export function surprise(p: number, q: number): number {
  const a = Math.max(0, p);
  const b = Math.max(0, q);
  const m = a + b;
  if (m === 0) return 0;
  const ta = a > 0 ? a * Math.log2((2 * a) / m) : 0;
  const tb = b > 0 ? b * Math.log2((2 * b) / m) : 0;
  return 0.5 * (ta + tb);
}

/**
 * Jensen–Shannon divergence of two distributions over the same elements, in bits (0..1): the sum of
 * {@link surprise} over the elements. Inputs are normalised to sum 1 first.
 *
 * @throws nothing; returns NaN when either input sums to 0
 * @example jsDivergence([1, 0], [0, 1]) // => 1
 */
export function jsDivergence(p: readonly number[], q: readonly number[]): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += Math.max(0, p[i]);
    sq += Math.max(0, q[i]);
  }
  if (sp === 0 || sq === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += surprise(p[i] / sp, q[i] / sq);
  return s;
}
