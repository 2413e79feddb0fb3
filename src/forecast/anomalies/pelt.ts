/**
 * Changepoints in the mean: PELT (Killick, Fearnhead & Eckley 2012, "Optimal detection of changepoints
 * with a linear computational cost", JASA 107(500)) with a normal mean-change or a Poisson cost, a minimum
 * segment length, and a level-shift layer on top that merges staircases into one transition and locates
 * its start and end by fitting a flat → ramp → flat curve (a launch ramps, a policy change steps).
 */
import { ModcapError } from '../../errors.ts';
import { median } from '../stats.ts';

/** Cost of a segment: `normal` = change in mean with known variance, `poisson` = change in rate of counts. */
export type PeltCost = 'normal' | 'poisson';

/** Options of {@link pelt}. */
export interface PeltOptions {
  /** Segment cost. Default `normal`. */
  readonly cost?: PeltCost;
  /**
   * Noise variance σ² of the normal cost (the cost is RSS / σ²). Default {@link robustVariance} of `x`.
   * Ignored by the Poisson cost.
   */
  readonly variance?: number;
  /** Penalty per changepoint, in cost units (−2 log-likelihood). Default `3 · log n` (MBIC-like). */
  readonly penalty?: number;
  /** Minimum number of points in a segment (≥ 1). Default 2. */
  readonly minSegment?: number;
}

/** One segment of a {@link pelt} fit: `[start, end)` and its mean. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly mean: number;
}

/** Result of {@link pelt}. */
export interface PeltResult {
  /** Index of the first point of each new segment, increasing (empty: no change). */
  readonly changepoints: number[];
  readonly segments: Segment[];
  /** The penalty and variance actually used. */
  readonly penalty: number;
  readonly variance: number;
}

/**
 * Robust estimate of the noise variance of a series whose mean moves in steps: `(1.4826 · MAD(Δx))² / 2`
 * (differences remove the level; the MAD ignores the few differences that straddle a step or a spike).
 * Returns 0 for fewer than 2 points.
 * @example robustVariance([1, 2, 1, 2, 1, 2, 11, 12, 11, 12]) // => 1.0990 (MAD of |Δ| = 1 → (1.4826)²/2)
 */
export function robustVariance(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const d: number[] = [];
  for (let i = 1; i < x.length; i++) d.push(x[i] - x[i - 1]);
  const m = median(d);
  const mad = median(d.map((v) => Math.abs(v - m)));
  return (1.4826 * mad) ** 2 / 2;
}

/**
 * PELT: the exact minimiser of Σ cost(segment) + penalty · (#changepoints) over all segmentations with
 * segments of at least `minSegment` points, with the pruning rule of Killick et al. (a candidate `s` is
 * dropped once `F(s) + C(s, t) > F(t)`), which makes it linear in n when changes keep coming (it stays quadratic over long stretches
 * without any change: 17,520 points of pure noise take ≈ 2 s, with 20 changes ≈ 0.3 s; the batch detector
 * runs it on daily levels, 730 points for two years).
 *
 * @param x the series (finite values; counts for the Poisson cost)
 * @throws ModcapError BAD_ARGUMENT on a non-finite value, a negative count (Poisson) or minSegment < 1
 * @example pelt([0, 0, 0, 0, 5, 5, 5, 5], { variance: 1, minSegment: 2 }).changepoints // => [4]
 */
export function pelt(x: readonly number[], options: PeltOptions = {}): PeltResult {
  const n = x.length;
  const cost = options.cost ?? 'normal';
  const minSeg = Math.round(options.minSegment ?? 2);
  if (!(minSeg >= 1)) throw new ModcapError('BAD_ARGUMENT', `minSegment must be ≥ 1, got ${minSeg}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]))
      throw new ModcapError('BAD_ARGUMENT', `pelt input has a non-finite value at ${i}`, { index: i });
    if (cost === 'poisson' && x[i] < 0)
      throw new ModcapError('BAD_ARGUMENT', `pelt Poisson cost needs counts ≥ 0, got ${x[i]} at ${i}`);
  }
  let variance = options.variance ?? robustVariance(x);
  if (!(variance > 0)) variance = Number.EPSILON;
  const penalty = options.penalty ?? 3 * Math.log(Math.max(n, 2));
  if (n === 0) return { changepoints: [], segments: [], penalty, variance };

  // Prefix sums (centred for the normal cost, to keep Σx² − (Σx)²/k accurate).
  let centre = 0;
  for (const v of x) centre += v / n;
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = cost === 'normal' ? x[i] - centre : x[i];
    s1[i + 1] = s1[i] + v;
    s2[i + 1] = s2[i] + v * v;
  }
  const segCost =
    cost === 'normal'
      ? (a: number, b: number) => {
          const k = b - a;
          const s = s1[b] - s1[a];
          return Math.max(0, s2[b] - s2[a] - (s * s) / k) / variance;
        }
      : (a: number, b: number) => {
          const k = b - a;
          const s = s1[b] - s1[a];
          return s <= 0 ? 0 : 2 * (s - s * Math.log(s / k));
        };

  const F = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const last = new Int32Array(n + 1).fill(-1);
  F[0] = -penalty;
  // Candidate last changepoints, kept in a typed buffer that is compacted in place after each step.
  const cands = new Int32Array(n + 2);
  const vals = new Float64Array(n + 2);
  let nc = 1;
  cands[0] = 0;
  for (let t = minSeg; t <= n; t++) {
    let best = Number.POSITIVE_INFINITY;
    let arg = -1;
    for (let j = 0; j < nc; j++) {
      const s = cands[j];
      if (t - s < minSeg || !Number.isFinite(F[s])) {
        vals[j] = Number.NEGATIVE_INFINITY;
        continue;
      }
      const v = F[s] + segCost(s, t);
      vals[j] = v;
      if (v + penalty < best) {
        best = v + penalty;
        arg = s;
      }
    }
    F[t] = best;
    last[t] = arg;
    let k = 0;
    for (let j = 0; j < nc; j++) if (vals[j] <= best) cands[k++] = cands[j];
    cands[k++] = t - minSeg + 1;
    nc = k;
  }
  const changepoints: number[] = [];
  let t = n;
  while (t > 0) {
    const s = last[t];
    if (s <= 0) break;
    changepoints.push(s);
    t = s;
  }
  changepoints.reverse();
  const bounds = [0, ...changepoints, n];
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i];
    const b = bounds[i + 1];
    let s = 0;
    for (let j = a; j < b; j++) s += x[j];
    segments.push({ start: a, end: b, mean: s / (b - a) });
  }
  return { changepoints, segments, penalty, variance };
}

/** A level shift found by {@link levelShifts}, in indices of the series it was given. */
export interface LevelShift {
  /** First index of the transition (the level starts to move here). */
  readonly start: number;
  /** First index at the new level (`end === start` for an abrupt step). */
  readonly end: number;
  /** Level before and after (mean of the series over the stable stretches either side). */
  readonly before: number;
  readonly after: number;
  /** |after − before| / σ. */
  readonly size: number;
}

/** Options of {@link levelShifts}. */
export interface LevelShiftOptions {
  /** Minimum segment length in points. Default 3. */
  readonly minSegment?: number;
  /** Penalty multiplier: penalty = factor · log n, costs in σ² units. Default 3. */
  readonly penaltyFactor?: number;
  /** Noise variance; default robust (see {@link levelShifts}). */
  readonly variance?: number;
  /**
   * Same-direction changes whose in-between stretch is at most this many points are one transition (a
   * ramp approximated by a staircase). Default 10.
   */
  readonly mergeWithin?: number;
  /**
   * Same-direction transitions whose in-between stretch is at most this many points are one ramp (a
   * launch ramping over weeks, which PELT cuts into a staircase of separate steps) when the single
   * flat → ramp → flat fit over the whole stretch explains it at least as well as the staircase (its
   * residual sum of squares is at most the staircase's plus the changepoint penalty of each step it
   * replaces beyond two): two real steps weeks apart fit a straight ramp badly and stay apart. 0 turns
   * this off. Default 45.
   */
  readonly rampWithin?: number;
  /**
   * A shift must hold: an up-shift undone by a down-shift (or the reverse) of at least half its size
   * within this many points is a temporary bump, not a level shift, and both are dropped. Default 14.
   */
  readonly minPersist?: number;
  /** Shifts smaller than this many σ are dropped. Default 3. */
  readonly minSize?: number;
}

/**
 * Level shifts in a deseasonalised series (e.g. daily medians of log1p volumes): PELT with the normal
 * mean-change cost and a robust variance (the larger of {@link robustVariance} and the variance of the
 * series around a running median of 7 points, so that autocorrelated noise does not read as steps),
 * then (1) consecutive same-direction changes closer than `mergeWithin` are merged into one transition,
 * and neighbouring same-direction transitions up to `rampWithin` apart into one ramp when a single ramp
 * fits them as well as the staircase, (2) each transition is located by least squares over "level a
 * until s, linear to level b at e, level b after" on the stretch between its neighbouring changes (s = e
 * is a step; a merged ramp is located on exp(x) — a launch grows linearly in volume, not in log volume —
 * against at most 21 flat points either side of its search range), (3) temporary bumps and shifts
 * smaller than `minSize` σ are dropped.
 *
 * @example levelShifts([...Array(30).fill(0), ...Array(30).fill(1)].map((v, i) => v + 0.05 * Math.sin(i * 7)))[0].start // => 30
 */
export function levelShifts(x: readonly number[], options: LevelShiftOptions = {}): LevelShift[] {
  const n = x.length;
  const minSeg = Math.max(1, Math.round(options.minSegment ?? 3));
  if (n < 2 * minSeg) return [];
  const variance = options.variance ?? Math.max(robustVariance(x), localVariance(x, 7));
  if (!(variance > 0)) return [];
  const sigma = Math.sqrt(variance);
  const fit = pelt(x, {
    variance,
    minSegment: minSeg,
    penalty: (options.penaltyFactor ?? 3) * Math.log(n),
  });
  const segs = fit.segments;
  if (segs.length < 2) return [];
  const mergeWithin = options.mergeWithin ?? 10;
  // Group changepoints (segment boundaries i → i+1) into transitions.
  const groups: { first: number; last: number }[] = [];
  for (let i = 1; i < segs.length; i++) {
    const dir = Math.sign(segs[i].mean - segs[i - 1].mean);
    const g = groups[groups.length - 1];
    if (
      g !== undefined &&
      g.last === i - 1 &&
      Math.sign(segs[g.last].mean - segs[g.first - 1].mean) === dir &&
      segs[i - 1].end - segs[i - 1].start <= mergeWithin
    )
      g.last = i;
    else groups.push({ first: i, last: i });
  }
  const prefix = prefixSums(x);
  const penalty = (options.penaltyFactor ?? 3) * Math.log(n) * variance;
  let centre = 0;
  for (const v of x) centre += v / n;
  const xs = x.map((v) => Math.exp(v - centre));
  const prefixExp = prefixSums(xs);
  const locate = (g: { first: number; last: number }, forceRamp = false, local = false, exp = false) => {
    let lo = segs[g.first - 1].start;
    let hi = segs[g.last].end;
    const first = segs[g.first].start;
    const lastCp = segs[g.last].start;
    const reach = 3 * Math.max(mergeWithin, Math.ceil((lastCp - first) / 2));
    const sMin = Math.max(lo + minSeg, Math.floor(first - (first - lo) / 2), first - reach);
    const eMax = Math.min(hi - minSeg, Math.ceil(lastCp + (hi - lastCp) / 2), lastCp + reach);
    if (local) {
      // A long ramp: judge it against the flat stretches next to it only, so slow drift far away does
      // not stretch the fitted ramp.
      lo = Math.max(lo, sMin - LOCAL_FLAT);
      hi = Math.min(hi, eMax + LOCAL_FLAT);
    }
    const fit = fitRamp(
      exp ? prefixExp : prefix,
      lo,
      hi,
      sMin,
      Math.min(first + 2, eMax),
      Math.max(lastCp - 2, sMin),
      eMax,
      variance,
      forceRamp,
    );
    return fit;
  };
  // Staircases spread over weeks: merge neighbouring same-direction transitions into one ramp when a
  // single ramp fits the whole stretch about as well as the steps do.
  const rampWithin = options.rampWithin ?? 45;
  const merged: { first: number; last: number; ramp?: boolean }[] = [];
  for (const g of groups) {
    const m = merged[merged.length - 1];
    const dir = (h: { first: number; last: number }) => Math.sign(segs[h.last].mean - segs[h.first - 1].mean);
    if (
      m !== undefined &&
      rampWithin > 0 &&
      m.last === g.first - 1 &&
      dir(m) === dir(g) &&
      segs[m.last].end - segs[m.last].start <= rampWithin
    ) {
      const both = { first: m.first, last: g.last };
      let stair = 0;
      for (let i = both.first - 1; i <= both.last; i++) stair += segRss(prefix, segs[i].start, segs[i].end);
      const steps = both.last - both.first + 1;
      if (locate(both, true).rss <= stair + Math.max(0, steps - 2) * penalty) {
        m.last = g.last;
        m.ramp = true;
        continue;
      }
    }
    merged.push({ ...g });
  }
  const shifts: LevelShift[] = [];
  for (const g of merged) {
    const best = locate(g, false, g.ramp === true);
    let start = best.start;
    let end = best.end;
    if (g.ramp) {
      // A launch ramps linearly in volume, not in log volume: locate it on exp(x).
      const r = locate(g, true, true, true);
      start = r.start;
      end = r.end;
    }
    shifts.push({
      start,
      end,
      before: best.before,
      after: best.after,
      size: Math.abs(best.after - best.before) / sigma,
    });
  }
  // Drop temporary bumps: a shift undone soon by an opposite one.
  const minPersist = options.minPersist ?? 14;
  const drop = new Set<number>();
  for (let k = 0; k + 1 < shifts.length; k++) {
    const a = shifts[k];
    const b = shifts[k + 1];
    const da = a.after - a.before;
    const db = b.after - b.before;
    if (
      Math.sign(da) !== Math.sign(db) &&
      b.start - a.end <= minPersist &&
      Math.abs(db) >= Math.abs(da) / 2
    ) {
      drop.add(k);
      if (Math.abs(db) <= 2 * Math.abs(da)) drop.add(k + 1);
    }
  }
  const minSize = options.minSize ?? 3;
  return shifts.filter((s, k) => !drop.has(k) && s.size >= minSize);
}

function localVariance(x: readonly number[], w: number): number {
  const h = Math.floor(w / 2);
  const r: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const win = x.slice(Math.max(0, i - h), Math.min(x.length, i + h + 1));
    r.push(x[i] - median(win));
  }
  const mad = median(r.map(Math.abs));
  return (1.4826 * mad) ** 2 * (w / (w - 1));
}

interface Prefix {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly xx: Float64Array;
}

function prefixSums(x: readonly number[]): Prefix {
  const n = x.length;
  const px = new Float64Array(n + 1);
  const ptx = new Float64Array(n + 1);
  const pxx = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    px[i + 1] = px[i] + x[i];
    ptx[i + 1] = ptx[i] + i * x[i];
    pxx[i + 1] = pxx[i] + x[i] * x[i];
  }
  return { x: px, tx: ptx, xx: pxx };
}

/**
 * Least-squares fit on [lo, hi) of x_t = a + d·g_t, g_t = 0 (t < s), (t − s)/(e − s) (s ≤ t < e), 1 (t ≥ e),
 * over s ∈ [sMin, sMax], e ∈ [max(s, eMin), eMax].
 */
function fitRamp(
  p: Prefix,
  lo: number,
  hi: number,
  sMin: number,
  sMax: number,
  eMin: number,
  eMax: number,
  variance: number,
  forceRamp = false,
): { start: number; end: number; before: number; after: number; rss: number } {
  const sumX = p.x[hi] - p.x[lo];
  const sumXX = p.xx[hi] - p.xx[lo];
  const n = hi - lo;
  let best = { rss: Number.POSITIVE_INFINITY, start: sMax, end: sMax, before: 0, after: 0 };
  let bestStep = best;
  const sLo = Math.max(lo + 1, Math.min(sMin, sMax));
  const eHi = Math.min(hi - 1, Math.max(eMax, eMin));
  for (let s = sLo; s <= sMax; s++) {
    for (let e = Math.max(s, eMin); e <= eHi; e++) {
      // Σg, Σg², Σg·x over [lo, hi).
      const len = e - s;
      let sg = hi - e;
      let sgg = hi - e;
      let sgx = p.x[hi] - p.x[e];
      if (len > 0) {
        // t = s..e−1, u = t − s = 0..len−1, g = u / len.
        const m = len;
        const su = (m * (m - 1)) / 2;
        const suu = ((m - 1) * m * (2 * m - 1)) / 6;
        sg += su / len;
        sgg += suu / (len * len);
        const sx = p.x[e] - p.x[s];
        const stx = p.tx[e] - p.tx[s];
        sgx += (stx - s * sx) / len;
      }
      const det = n * sgg - sg * sg;
      if (!(det > 1e-12)) continue;
      const d = (n * sgx - sg * sumX) / det;
      const a = (sumX - d * sg) / n;
      const rss = sumXX - a * sumX - d * sgx;
      if (e === s && rss < bestStep.rss) bestStep = { rss, start: s, end: e, before: a, after: a + d };
      if (rss < best.rss) best = { rss, start: s, end: e, before: a, after: a + d };
    }
  }
  // A ramp has one more parameter than a step: keep the step unless the ramp pays for it (BIC with the
  // MBIC-like factor 3 of the changepoint penalty: day-level noise is autocorrelated, so plain BIC turns
  // steps into ramps).
  const pick = forceRamp || bestStep.rss - best.rss > 3 * variance * Math.log(n) ? best : bestStep;
  return { start: pick.start, end: pick.end, before: pick.before, after: pick.after, rss: pick.rss };
}

/** Flat points either side of a merged ramp's search range that its location is fitted on. */
const LOCAL_FLAT = 21;

/** Residual sum of squares of x on [a, b) around its mean. */
function segRss(p: Prefix, a: number, b: number): number {
  const k = b - a;
  if (k <= 0) return 0;
  const s = p.x[b] - p.x[a];
  return Math.max(0, p.xx[b] - p.xx[a] - (s * s) / k);
}
