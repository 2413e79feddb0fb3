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
  /** Index into `known` of the calendar transition this shift confirms (see {@link LevelShiftOptions.known}). */
  readonly known?: number;
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
  /**
   * Transitions whose timing is known (launches and policy changes from an events calendar), as indices
   * `start` (first index of the change) and `end` (first index at the new level; equal for a step). Each
   * is tested against the data around it, and where the data confirm a change with that timing, it
   * replaces the blind detector's reading of the same change (see {@link confirmKnown}). Default none.
   */
  readonly known?: readonly { readonly start: number; readonly end: number }[];
  /**
   * The series is the log of per-period count totals (see {@link countLevels}) whose noise is sampling
   * noise of a (quasi-)Poisson count, not movement of the level: the `minSize` rule (a guard against
   * practically negligible moves of a level measured precisely each period) does not apply to calendar
   * transitions, which the data confirm by significance (the changepoint penalty) and timing alone.
   * Default false.
   */
  readonly countNoise?: boolean;
}

/** Levels of a low-count series from per-period totals: see {@link countLevels}. */
export interface CountLevels {
  /** log((total + ½) / exposure) per period: the log mean count per unit of exposure. */
  readonly values: number[];
  /** Quasi-Poisson noise variance of those logs: dispersion / median total. */
  readonly variance: number;
  /** Robust dispersion φ (variance ≈ φ · mean), at least 1. */
  readonly dispersion: number;
}

/**
 * Log levels of a low-count series from per-period TOTALS (e.g. the counts of a day's hours summed),
 * for series whose per-step median is degenerate (most steps 0 or 1): `values[k] = log((totals[k] + ½) /
 * exposure[k])` (exposure = steps counted that period), with the quasi-Poisson noise variance
 * φ / median(total) of those logs (delta method: var log T ≈ var T / T² = φ / T). The dispersion φ is
 * estimated robustly from Pearson residuals against a running median of 7 periods,
 * `(1.4826 · MAD((T − m) / √m))² · 7/6`, floored at 1 (Poisson).
 * @throws ModcapError BAD_ARGUMENT when the lengths differ, a total is negative or an exposure ≤ 0
 * @example countLevels([10, 8, 12, 9], [24, 24, 24, 24]).values[0] // => log(10.5 / 24) ≈ −0.827
 */
export function countLevels(totals: readonly number[], exposure: readonly number[]): CountLevels {
  const n = totals.length;
  if (exposure.length !== n)
    throw new ModcapError('BAD_ARGUMENT', `countLevels: ${n} totals but ${exposure.length} exposures`);
  for (let k = 0; k < n; k++) {
    if (!(totals[k] >= 0) || !Number.isFinite(totals[k]))
      throw new ModcapError('BAD_ARGUMENT', `countLevels: total ${totals[k]} at ${k} is not a count ≥ 0`);
    if (!(exposure[k] > 0))
      throw new ModcapError('BAD_ARGUMENT', `countLevels: exposure ${exposure[k]} at ${k} must be > 0`);
  }
  const rate = totals.map((t, k) => t / exposure[k]);
  const values = totals.map((t, k) => Math.log((t + 0.5) / exposure[k]));
  const w = 7;
  const h = Math.floor(w / 2);
  const pearson: number[] = [];
  for (let k = 0; k < n; k++) {
    const m = median(rate.slice(Math.max(0, k - h), Math.min(n, k + h + 1))) * exposure[k];
    if (m > 0) pearson.push((totals[k] - m) / Math.sqrt(m));
  }
  const mad = pearson.length ? median(pearson.map(Math.abs)) : 0;
  const dispersion = Math.max(1, (1.4826 * mad) ** 2 * (w / (w - 1)));
  const typical = n ? median(totals.map((t) => t + 0.5)) : 1;
  return { values, variance: dispersion / typical, dispersion };
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
  // With no blind changepoint there is nothing to locate, but calendar transitions are still tested.
  if (segs.length < 2 && !options.known?.length) return [];
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
  /** The best ramp (forced) over a group's stretch, for the merge test (ordinary least squares). */
  const locate = (g: { first: number; last: number }) => {
    const lo = segs[g.first - 1].start;
    const hi = segs[g.last].end;
    const first = segs[g.first].start;
    const lastCp = segs[g.last].start;
    const reach = 3 * Math.max(mergeWithin, Math.ceil((lastCp - first) / 2));
    const sMin = Math.max(lo + minSeg, Math.floor(first - (first - lo) / 2), first - reach);
    const eMax = Math.min(hi - minSeg, Math.ceil(lastCp + (hi - lastCp) / 2), lastCp + reach);
    return fitRamp(
      prefix,
      lo,
      hi,
      sMin,
      Math.min(first + 2, eMax),
      Math.max(lastCp - 2, sMin),
      eMax,
      variance,
      true,
    );
  };
  let centre = 0;
  for (const v of x) centre += v / n;
  const xs = x.map((v) => Math.exp(v - centre));
  const noise = arNoise(x, segs, (options.penaltyFactor ?? 3) * Math.log(n));
  // Final location: step, ramp, or jump then ramp, whichever pays for its parameters.
  const locateTransition = (g: { first: number; last: number }, local: boolean) => {
    let lo = segs[g.first - 1].start;
    let hi = segs[g.last].end;
    const first = segs[g.first].start;
    const lastCp = segs[g.last].start;
    const reach = 3 * Math.max(mergeWithin, Math.ceil((lastCp - first) / 2));
    const sMin = Math.max(lo + minSeg, Math.floor(first - (first - lo) / 2), first - reach);
    const eMax = Math.min(hi - minSeg, Math.ceil(lastCp + (hi - lastCp) / 2), lastCp + reach);
    if (local) {
      lo = Math.max(lo, sMin - LOCAL_FLAT);
      hi = Math.min(hi, eMax + LOCAL_FLAT);
    }
    const sMax = Math.min(lastCp + 2, eMax);
    const onLog = fitTransition(new Gls(x, lo, hi, noise.rho), sMin, sMax, eMax, noise.penalty);
    if (!local) return onLog;
    // A merged staircase is a launch ramping over weeks, which grows linearly in volume rather than in
    // log volume: locate it on exp(x) (relative scale, so the same noise and penalty apply).
    const onExp = fitTransition(new Gls(xs, lo, hi, noise.rho), sMin, sMax, eMax, noise.penalty, 'simple');
    if (!(onExp.before > 0 && onExp.after > 0)) return onLog;
    return {
      ...onExp,
      before: centre + Math.log(onExp.before),
      after: centre + Math.log(onExp.after),
    };
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
      if (locate(both).rss <= stair + Math.max(0, steps - 2) * penalty) {
        m.last = g.last;
        m.ramp = true;
        continue;
      }
    }
    merged.push({ ...g });
  }
  const shifts: LevelShift[] = [];
  for (const g of merged) {
    const best = locateTransition(g, g.ramp === true);
    shifts.push({
      start: best.start,
      end: best.end,
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
  let out: LevelShift[] = shifts.filter((s, k) => !drop.has(k) && s.size >= minSize);
  const known = options.known ?? [];
  for (let ki = 0; ki < known.length; ki++) {
    const c = confirmKnown(x, out, known[ki], ki, noise, sigma, minSeg, options.countNoise ? 0 : minSize);
    if (c) out = c;
  }
  return out;
}

/**
 * Tests a transition whose timing is known (a launch or policy change from the events calendar, `k.start`
 * to `k.end` in indices; a step when equal) against the data around it: on the stretch from
 * max(28, ramp length) points before it to as many after it, cut at unrelated shifts, the known-timing fit
 * (level + that step or ramp, AR(1) generalised least squares) must (1) beat the flat level by a χ² test with
 * one degree of freedom at 0.001, (2) move the level by at least `minSize` σ, and (3) be no worse than the best
 * freely placed transition plus one penalty (the known timing lies in the data's confidence set for the
 * location). Then same-direction shifts within 14 points of it, the blind detector's reading of the same
 * change (often a staircase or a late onset for a slow ramp), give way to it. Returns the new list, or
 * undefined when the data do not confirm it.
 */
function confirmKnown(
  x: readonly number[],
  shifts: readonly LevelShift[],
  k: { readonly start: number; readonly end: number },
  index: number,
  noise: { rho: number; innovation: number; penalty: number },
  sigma: number,
  minSeg: number,
  minSize: number,
): LevelShift[] | undefined {
  const n = x.length;
  const k0 = Math.round(k.start);
  const k1 = Math.max(k0, Math.round(k.end));
  if (k0 < minSeg || k1 > n - minSeg) return undefined;
  const near = 14;
  const related = (s: LevelShift) => s.end >= k0 - near && s.start <= k1 + near;
  const reach = Math.max(28, k1 - k0);
  let lo = Math.max(0, k0 - reach);
  let hi = Math.min(n, k1 + reach);
  for (const s of shifts) {
    if (related(s)) continue;
    if (s.end < k0 && s.end > lo) lo = s.end;
    if (s.start > k1 && s.start < hi) hi = s.start;
  }
  if (k0 - lo < minSeg || hi - k1 < minSeg) return undefined;
  const gls = new Gls(x, lo, hi, noise.rho);
  const fit = gls.fit(k0, k1);
  const size = Math.abs(fit.after - fit.before) / sigma;
  // The timing is given, so the change is one parameter at a known place: a χ² test with one degree of freedom
  // (α = 0.001), not the changepoint penalty, which pays for searching all places.
  if (gls.flat() - fit.rss < CHI2_1_999 * noise.innovation || size < minSize) return undefined;
  const free = fitTransition(gls, lo + minSeg, hi - minSeg, hi - minSeg, noise.penalty);
  if (fit.rss > free.rss + noise.penalty) return undefined;
  const dir = Math.sign(fit.after - fit.before);
  const kept = shifts.filter((s) => !(related(s) && Math.sign(s.after - s.before) === dir));
  kept.push({ start: k0, end: k1, before: fit.before, after: fit.after, size, known: index });
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Lag-1 autocorrelation ρ of the residual around the PELT segment means (clamped to [0, 0.95]) and the
 * robust variance of its innovations r_t − ρ·r_(t−1); `penalty` = `factor` × that variance.
 */
function arNoise(
  x: readonly number[],
  segs: readonly Segment[],
  factor: number,
): { rho: number; innovation: number; penalty: number } {
  const r = new Array<number>(x.length);
  for (const g of segs) for (let i = g.start; i < g.end; i++) r[i] = x[i] - g.mean;
  let num = 0;
  let den = 0;
  for (let i = 1; i < r.length; i++) {
    num += r[i] * r[i - 1];
    den += r[i - 1] * r[i - 1];
  }
  const rho = den > 0 ? Math.min(0.95, Math.max(0, num / den)) : 0;
  const e: number[] = [];
  for (let i = 1; i < r.length; i++) e.push(r[i] - rho * r[i - 1]);
  const m = median(e);
  const innovation = (1.4826 * median(e.map((v) => Math.abs(v - m)))) ** 2;
  return { rho, innovation, penalty: factor * innovation };
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
/** 0.999 quantile of χ² with one degree of freedom. */
const CHI2_1_999 = 10.828;

/** Residual sum of squares of x on [a, b) around its mean. */
function segRss(p: Prefix, a: number, b: number): number {
  const k = b - a;
  if (k <= 0) return 0;
  const s = p.x[b] - p.x[a];
  return Math.max(0, p.xx[b] - p.xx[a] - (s * s) / k);
}

/** A transition fitted by {@link fitTransition}: indices of the series, levels before and after. */
interface TransitionFit {
  readonly start: number;
  readonly end: number;
  readonly before: number;
  readonly after: number;
  readonly rss: number;
}

/**
 * Sums for generalised least squares under AR(1) noise with lag-1 correlation `rho` on [lo, hi)
 * (Cochrane–Orcutt: series and regressors prewhitened, u_t = v_t − ρ·v_(t−1), first point dropped), for
 * the regressors c (the level: 1 − ρ after prewhitening) and g_t = 0 before s, (t − s)/(e − s) up to e,
 * 1 from e (a step when e = s), in O(1) per (s, e) from prefix sums.
 */
class Gls {
  readonly q: number;
  readonly n: number;
  readonly szz: number;
  readonly scc: number;
  readonly scz: number;
  private readonly z: Float64Array;
  private readonly tz: Float64Array;
  constructor(
    x: readonly number[],
    readonly lo: number,
    readonly hi: number,
    readonly rho: number,
  ) {
    this.q = 1 - rho;
    const len = hi - lo;
    this.z = new Float64Array(len + 1);
    this.tz = new Float64Array(len + 1);
    let szz = 0;
    for (let t = lo; t < hi; t++) {
      const v = t > lo ? x[t] - rho * x[t - 1] : 0;
      this.z[t - lo + 1] = this.z[t - lo] + v;
      this.tz[t - lo + 1] = this.tz[t - lo] + (t - lo) * v;
      szz += v * v;
    }
    this.n = len - 1;
    this.szz = szz;
    this.scc = this.q * this.q * this.n;
    this.scz = this.q * this.sumZ(lo + 1, hi);
  }
  /** Σ z_t for a ≤ t < b. */
  sumZ(a: number, b: number): number {
    return this.z[b - this.lo] - this.z[a - this.lo];
  }
  /** Σ g', Σ g'², Σ g'·z over the window for the transition (s, e), lo < s ≤ e < hi. */
  sums(s: number, e: number): { g: number; gg: number; gz: number } {
    const { q, rho, hi, lo } = this;
    const rest = hi - 1 - e;
    let g = q * rest;
    let gg = q * q * rest;
    let gz = q * this.sumZ(e + 1, hi);
    const m = e - s;
    if (m === 0) {
      // g'_s = 1 (a step).
      g += 1;
      gg += 1;
      gz += this.sumZ(s, s + 1);
    } else {
      // g'_t = (q·u + ρ)/m for t = s + u, u = 1..m.
      const su = (m * (m + 1)) / 2;
      const suu = (m * (m + 1) * (2 * m + 1)) / 6;
      g += (q * su + rho * m) / m;
      gg += (q * q * suu + 2 * q * rho * su + rho * rho * m) / (m * m);
      const zs = this.sumZ(s + 1, e + 1);
      const tzs = this.tz[e + 1 - lo] - this.tz[s + 1 - lo] - (s - lo) * zs;
      gz += (q * tzs + rho * zs) / m;
    }
    return { g, gg, gz };
  }
  /** Fit of level + one transition (s, e): residual sum of squares and the levels before and after. */
  fit(s: number, e: number): TransitionFit {
    const t = this.sums(s, e);
    const r = solveSym2(this.scc, this.q * t.g, t.gg, this.scz, t.gz);
    if (!r) return { rss: Number.POSITIVE_INFINITY, start: s, end: e, before: 0, after: 0 };
    return {
      rss: this.szz - r[0] * this.scz - r[1] * t.gz,
      start: s,
      end: e,
      before: r[0],
      after: r[0] + r[1],
    };
  }
  /** Residual sum of squares of the level alone. */
  flat(): number {
    return this.szz - (this.scz * this.scz) / this.scc;
  }
}

/**
 * Generalised least squares under AR(1) noise (see {@link Gls}) of the three transition shapes on
 * [lo, hi), and the one the data pay for: a step (x = a + d·h_t, h_t = 1 for t ≥ s), a ramp (x = a + d·g_t)
 * and a jump followed by a ramp (x = a + j·h_t + d·g_t: a launch that opens with a jump and keeps
 * growing), over s ∈ [sMin, sMax], e ∈ (s, eMax]. Day-level noise is autocorrelated, and ordinary least
 * squares reads its slow swings as ramps; prewhitened, a step is a sharp spike again and a drift has to
 * beat the noise's own persistence. Each extra parameter (the ramp's end, the jump) must lower the
 * prewhitened residual sum of squares by `penalty`. `before` is a, `after` the level after it.
 */
function fitTransition(
  gls: Gls,
  sMin: number,
  sMax: number,
  eMax: number,
  penalty: number,
  shapes: 'all' | 'simple' = 'all',
): TransitionFit {
  const { lo, hi, q, scc, scz, szz } = gls;
  const sLo = Math.max(lo + 2, Math.min(sMin, sMax));
  const sHi = Math.min(hi - 2, sMax);
  const eHi = Math.min(hi - 1, eMax);
  let step: TransitionFit = { rss: Number.POSITIVE_INFINITY, start: sHi, end: sHi, before: 0, after: 0 };
  let ramp = step;
  let jump = step;
  for (let s = sLo; s <= sHi; s++) {
    const h = gls.sums(s, s);
    const sch = q * h.g;
    const st = solveSym2(scc, sch, h.gg, scz, h.gz);
    if (st) {
      const rss = szz - st[0] * scz - st[1] * h.gz;
      if (rss < step.rss) step = { rss, start: s, end: s, before: st[0], after: st[0] + st[1] };
    }
    for (let e = s + 1; e <= eHi; e++) {
      const g = gls.sums(s, e);
      const scg = q * g.g;
      const r = solveSym2(scc, scg, g.gg, scz, g.gz);
      if (r) {
        const rss = szz - r[0] * scz - r[1] * g.gz;
        if (rss < ramp.rss) ramp = { rss, start: s, end: e, before: r[0], after: r[0] + r[1] };
      }
      if (shapes !== 'all') continue;
      // Σ h'g' = Σ_{t > s} q·g'_t = q·Σ g' (g'_s = 0 for a ramp).
      const r3 = solveSym3(scc, sch, scg, h.gg, q * g.g, g.gg, scz, h.gz, g.gz);
      if (r3) {
        const rss = szz - r3[0] * scz - r3[1] * h.gz - r3[2] * g.gz;
        if (rss < jump.rss) jump = { rss, start: s, end: e, before: r3[0], after: r3[0] + r3[1] + r3[2] };
      }
    }
  }
  // Parameters: step 3 (a, d, s), ramp 4 (+ e), jump and ramp 5 (+ j).
  let best = step;
  let score = step.rss;
  if (ramp.rss + penalty < score) {
    best = ramp;
    score = ramp.rss + penalty;
  }
  if (jump.rss + 2 * penalty < score) best = jump;
  return best;
}

/** Solution of [[m00, m01], [m01, m11]] · β = r; undefined when (nearly) singular. */
function solveSym2(
  m00: number,
  m01: number,
  m11: number,
  r0: number,
  r1: number,
): [number, number] | undefined {
  const det = m00 * m11 - m01 * m01;
  if (!(Math.abs(det) > 1e-9 * Math.max(1e-12, Math.abs(m00 * m11)))) return undefined;
  return [(m11 * r0 - m01 * r1) / det, (m00 * r1 - m01 * r0) / det];
}

/**
 * Solution of the symmetric 3 × 3 system [[m00, m01, m02], [m01, m11, m12], [m02, m12, m22]] · β = r by
 * Cramer's rule; undefined when (nearly) singular.
 */
function solveSym3(
  m00: number,
  m01: number,
  m02: number,
  m11: number,
  m12: number,
  m22: number,
  r0: number,
  r1: number,
  r2: number,
): [number, number, number] | undefined {
  const c00 = m11 * m22 - m12 * m12;
  const c01 = m02 * m12 - m01 * m22;
  const c02 = m01 * m12 - m02 * m11;
  const det = m00 * c00 + m01 * c01 + m02 * c02;
  if (!(Math.abs(det) > 1e-9 * Math.max(1, Math.abs(m00 * m11 * m22)))) return undefined;
  const c11 = m00 * m22 - m02 * m02;
  const c12 = m01 * m02 - m00 * m12;
  const c22 = m00 * m11 - m01 * m01;
  return [
    (c00 * r0 + c01 * r1 + c02 * r2) / det,
    (c01 * r0 + c11 * r1 + c12 * r2) / det,
    (c02 * r0 + c12 * r1 + c22 * r2) / det,
  ];
}
