/**
 * Staffing for deferred queues (reviews, listings): X% of items must be finished within T hours of arrival;
 * backlog carries over between hours and work happens only in opening hours.
 *
 * Model: a FIFO fluid queue on an hourly grid. The items of hour h arrive uniformly over [h, h + 1); in an
 * open hour, `agents × 3600 / ahtSeconds` items per hour are processed at a constant rate, oldest first.
 * The queue is kept as segments (a cohort of items whose arrival times are spread uniformly over
 * [t0, t1)), so each item's finish time, and so the share finished within T, is computed exactly in
 * continuous time (finish time is linear in arrival time along each processed piece).
 *
 * The fluid finish is when the queue's capacity reaches the item, which is when a real agent *starts*
 * it: while agents are all busy, the ≈ agents items in handling make the real queue one handle time
 * behind the fluid one (departures run at the same rate, from a queue longer by those items). So an item
 * is met when its fluid finish is at least one AHT before its deadline (at most withinHours / 2 is taken
 * off, for deadlines shorter than two handle times, where a real-time model fits better anyway).
 */

import { ModcapError } from '../errors.ts';
import { normalTail } from '../forecast/anomalies/stream/normal-tail.ts';
import { checkNonNegative } from './erlang.ts';

/** Inputs of {@link staffDeferred}. */
export interface StaffDeferredInput {
  /** Items arriving per hour, on an hourly grid of length H (each ≥ 0). */
  arrivals: Float64Array | readonly number[];
  /** Effective handle time per item in seconds (> 0); fold occupancy and productivity into it. */
  ahtSeconds: number;
  /** 1 where work can happen in that hour, 0 where the queue is closed; length H. */
  open: Uint8Array | readonly number[];
  /** Target share of items finished within `withinHours` of arrival, a fraction in (0, 1). */
  level: number;
  /** The deadline T in hours after arrival (> 0). */
  withinHours: number;
  /** Staffing is constant over each block of this many hours (a positive integer); default 168 (a week). */
  blockHours?: number;
  /** Items waiting at t = 0 (≥ 0), treated as arrived at t = 0 and counted in the first block; default 0. */
  initialBacklog?: number;
  /**
   * Randomness allowed for (≥ 0): ca² + cs², the squared coefficients of variation of inter-arrival and
   * handle times. Default 2 (Poisson arrivals, exponential handle times, as simulateDeferred draws them);
   * 0 gives the plain deterministic fluid model. See {@link staffDeferred}.
   */
  variability?: number;
  /**
   * Cap on the planned long-run utilisation of each block, a fraction in (0, 1]; default 0.95. In every
   * block with open hours, agents ≥ block work (agent-hours) / (open hours × maxUtilisation). See
   * {@link staffDeferred} for why: near 100% load no fluid formula describes a fixed plan.
   */
  maxUtilisation?: number;
}

/** One block of {@link StaffDeferredResult}. */
export interface DeferredBlock {
  /** First hour of the block (index into the hourly grid). */
  start: number;
  /** Hours in the block (the last block may be shorter). */
  hours: number;
  /** Fewest agents (in steps of 0.01) on each open hour of the block that meet the target. */
  agents: number;
  /** Fewest whole agents that meet the target in the integer plan (every block staffed with whole agents). */
  agentsInteger: number;
  /** Work arriving in the block (initial backlog included in block 0), in agent-hours: items × AHT / 3600. */
  workloadHours: number;
  /** Open hours in the block. */
  openHours: number;
  /** Agents that keep the block's planned utilisation at `maxUtilisation`: workloadHours / (openHours × cap). */
  utilisationFloorAgents: number;
  /** Share of the block's items finished within `withinHours` in the fractional plan (1 with no items). */
  achievedShareWithin: number;
  /** The same share in the integer plan. */
  achievedShareWithinInteger: number;
  /** Largest end-of-hour backlog (items) in the block, fractional plan. */
  maxBacklog: number;
  /** Largest end-of-hour age of the oldest waiting item in the block (hours), fractional plan. */
  maxOldestAgeHours: number;
  /** False when no staffing reaches `level` for this block (e.g. items arrive with no open hour in reach). */
  feasible: boolean;
  /** Why the block is infeasible and what it was staffed to instead. */
  reason?: string;
}

/** Per-hour trace of one plan. */
export interface DeferredTrace {
  /** Agents working in each hour (0 in closed hours). */
  agentsPerHour: Float64Array;
  /** Items not yet finished at the end of each hour. */
  backlog: Float64Array;
  /** Age in hours of the oldest unfinished item at the end of each hour (0 when nothing waits). */
  oldestAgeHours: Float64Array;
  /** Share of all items (initial backlog included) finished within `withinHours`. */
  achievedShareWithin: number;
}

/** Result of {@link staffDeferred}: the fractional plan at the top level, the integer plan in `integerPlan`. */
export interface StaffDeferredResult extends DeferredTrace {
  blocks: DeferredBlock[];
  /** The same trace when every block is staffed with `agentsInteger`. */
  integerPlan: DeferredTrace;
}

/** Tolerance on shares when comparing with the target (floating error in the fluid sums). */
const SHARE_EPS = 1e-9;
/** Segments with fewer items than this are dropped (rounding residue). */
const TINY = 1e-9;
/** Infeasible blocks are staffed to the best achievable share minus this. */
const INFEASIBLE_SLACK = 0.001;
/** ... or to what this many times the block's work-conserving staffing reaches, if that is less. */
const INFEASIBLE_STAFFING_FACTOR = 3;

/** The fluid FIFO queue: segments of uniformly spread arrival times, plus items met per block. */
class FluidQueue {
  t0: Float64Array;
  t1: Float64Array;
  n: Float64Array;
  /** Noise of the backlog ahead of the segment's first item (items): variance and mean. */
  v0: Float64Array;
  m0: Float64Array;
  /** Noise left when the fluid queue is empty: the stochastic backlog it hides, mean and variance. */
  noiseMean = 0;
  noiseVar = 0;
  blk: Int32Array;
  head = 0;
  tail = 0;
  met: Float64Array;

  constructor(capacity: number, blocks: number) {
    this.t0 = new Float64Array(capacity);
    this.t1 = new Float64Array(capacity);
    this.n = new Float64Array(capacity);
    this.v0 = new Float64Array(capacity);
    this.m0 = new Float64Array(capacity);
    this.blk = new Int32Array(capacity);
    this.met = new Float64Array(blocks);
  }

  get size(): number {
    return this.tail - this.head;
  }

  backlog(): number {
    let s = 0;
    for (let i = this.head; i < this.tail; i++) s += this.n[i];
    return s;
  }

  copyFrom(o: FluidQueue): void {
    const len = o.tail - o.head;
    if (this.t0.length < len + 8) this.grow(len + 8);
    this.t0.set(o.t0.subarray(o.head, o.tail));
    this.t1.set(o.t1.subarray(o.head, o.tail));
    this.n.set(o.n.subarray(o.head, o.tail));
    this.v0.set(o.v0.subarray(o.head, o.tail));
    this.m0.set(o.m0.subarray(o.head, o.tail));
    this.noiseMean = o.noiseMean;
    this.noiseVar = o.noiseVar;
    this.blk.set(o.blk.subarray(o.head, o.tail));
    this.head = 0;
    this.tail = len;
    this.met.set(o.met);
  }

  push(t0: number, t1: number, n: number, v0: number, m0: number, blk: number): void {
    if (this.tail === this.t0.length) {
      if (this.head > this.t0.length / 2) this.compact();
      else this.grow(this.t0.length * 2);
    }
    const i = this.tail++;
    this.t0[i] = t0;
    this.t1[i] = t1;
    this.n[i] = n;
    this.v0[i] = v0;
    this.m0[i] = m0;
    this.blk[i] = blk;
  }

  private compact(): void {
    const len = this.tail - this.head;
    this.t0.copyWithin(0, this.head, this.tail);
    this.t1.copyWithin(0, this.head, this.tail);
    this.n.copyWithin(0, this.head, this.tail);
    this.v0.copyWithin(0, this.head, this.tail);
    this.m0.copyWithin(0, this.head, this.tail);
    this.blk.copyWithin(0, this.head, this.tail);
    this.head = 0;
    this.tail = len;
  }

  private grow(cap: number): void {
    this.compact();
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, this.tail));
      return b;
    };
    this.t0 = g(this.t0);
    this.t1 = g(this.t1);
    this.n = g(this.n);
    this.v0 = g(this.v0);
    this.m0 = g(this.m0);
    const b = new Int32Array(cap);
    b.set(this.blk.subarray(0, this.tail));
    this.blk = b;
  }
}

/** Standard normal CDF Φ(z), from the shared upper tail Q (relative error < 1.2e-7). */
function phi(z: number): number {
  return z >= 0 ? 1 - normalTail(z) : normalTail(-z);
}

/** Beyond this many standard deviations Φ is taken as exactly 0 or 1 (Φ(−7) ≈ 1.3e-12). */
const Z_FAR = 7;

/** G(z) = z·Φ(z) + φ(z), an antiderivative of Φ. */
function gInt(z: number): number {
  return z * phi(z) + Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * ∫₀ᵖ Φ((α + β·u) / σ) du: the expected share of a processed piece whose slack α + β·u (items the agents
 * could still process before the item's deadline) covers a normal noise of standard deviation σ items.
 * With σ = 0 it is the measure of u ∈ [0, p] with α + β·u ≥ 0 (the plain fluid rule).
 */
function normIntegral(alpha: number, beta: number, p: number, sigma: number): number {
  if (p <= 0) return 0;
  if (sigma <= 0) {
    const a = alpha + 1e-9;
    if (beta === 0) return a >= 0 ? p : 0;
    const u = -a / beta;
    if (beta > 0) return Math.max(0, p - Math.max(0, u));
    return Math.max(0, Math.min(p, u));
  }
  const za = alpha / sigma;
  const dz = (beta * p) / sigma;
  const zb = za + dz;
  if (za > Z_FAR && zb > Z_FAR) return p; // every item of the piece is met for sure
  if (za < -Z_FAR && zb < -Z_FAR) return 0;
  if (Math.abs(dz) < 1e-6) return p * phi(za + 0.5 * dz);
  return ((gInt(za + dz) - gInt(za)) / dz) * p;
}

/** Problem data shared by every step: grid, opening, speed, deadline, noise factor. */
interface Problem {
  arrivals: ArrayLike<number>;
  open: ArrayLike<number>;
  hours: number;
  blockHours: number;
  blocks: number;
  perAgent: number; // items per agent per open hour
  /** Deadline for the fluid finish (hours): withinHours less the item's own handling (see the module note). */
  w: number;
  withinHours: number;
  /** Variance of the item count per item arrived in a busy period (ca² + cs²); 0: the plain fluid. */
  variability: number;
  /** Cap on planned utilisation per block, in (0, 1]. */
  maxUtilisation: number;
  blockItems: Float64Array;
  /** Cumulative open hours at each integer hour 0..hours. */
  cumOpen: Float64Array;
  /** Period that repeats past the horizon: min(blockHours, hours). */
  period: number;
}

/** Open-hour flag index at hour t; past the horizon the last `period` hours repeat. */
function periodicIndex(t: number, hours: number, period: number): number {
  return t < hours ? t : hours - period + ((t - hours) % period);
}

/** Cumulative open hours from 0 to time t (hours, may be fractional, past the horizon periodic). */
function openHoursUntil(pr: Problem, t: number): number {
  const k = Math.floor(t);
  const frac = t - k;
  if (k < pr.hours) return pr.cumOpen[k] + (frac > 0 ? pr.open[k] * frac : 0);
  const { hours, period, cumOpen } = pr;
  const perPeriod = cumOpen[hours] - cumOpen[hours - period];
  const past = k - hours;
  const full = Math.floor(past / period);
  const r = past - full * period;
  const i = hours - period + r;
  return cumOpen[hours] + full * perPeriod + (cumOpen[i] - cumOpen[hours - period]) + pr.open[i] * frac;
}

/**
 * Expected items met in a piece processed in open hour h: positions u ∈ [0, p] of a segment whose items
 * arrive at t0 + u·span and finish at τ + u·dur. The slack of an item is cap × (open hours between its
 * fluid finish and its deadline), in items; it is met when the noise ahead of it, normal with mean `m`
 * and variance v0 + variability·u·n (items²), does not eat the slack.
 */
function pieceMet(
  pr: Problem,
  h: number,
  cap: number,
  t0: number,
  span: number,
  tau: number,
  dur: number,
  v0: number,
  m: number,
  n: number,
  p: number,
): number {
  if (p <= 0) return 0;
  const ohAt = openHoursUntil(pr, h);
  // The item's own handling after it starts: cs²·AHT², in items at this rate: (agents)²·cs², cs² = half
  // the variability (exponential handle times: 1).
  const agents = cap / pr.perAgent;
  const own = 0.5 * pr.variability * agents * agents;
  // Open hours until finish: ohAt + (f − h) (hour h is open); finish f(u) = τ + u·dur.
  let total = 0;
  let ua = 0;
  while (ua < p) {
    const d = t0 + pr.w + ua * span;
    const k = Math.floor(d + 1e-12);
    let ub = p;
    if (span > 0) ub = Math.min(p, (k + 1 - t0 - pr.w) / span);
    if (ub <= ua) ub = Math.min(p, ua + 1e-12);
    const ok = openHoursUntil(pr, k);
    const openK = pr.open[periodicIndex(k, pr.hours, pr.period)];
    // slack(u)/cap = ok + openK·(t0 + W + u·span − k) − (ohAt + τ + u·dur − h)
    const alpha = cap * (ok + openK * (t0 + pr.w - k) - (ohAt + tau - h)) - m;
    const beta = cap * (openK * span - dur);
    const um = 0.5 * (ua + ub);
    const sigma = Math.sqrt(Math.max(0, v0 + pr.variability * um * n + own));
    total += normIntegral(alpha + beta * ua, beta, ub - ua, sigma);
    ua = ub;
  }
  return total;
}

/**
 * The fluid queue was empty with `unused` items of capacity to spare: the stochastic backlog it hid,
 * N(mean, var), is worked down to max(0, X − unused); keep that variable's mean and variance.
 */
function reflect(q: FluidQueue, unused: number): void {
  const v = q.noiseVar;
  if (v <= 0) {
    q.noiseMean = Math.max(0, q.noiseMean - unused);
    return;
  }
  const sd = Math.sqrt(v);
  const d = (q.noiseMean - unused) / sd;
  const pd = phi(d);
  const dens = Math.exp(-0.5 * d * d) / Math.sqrt(2 * Math.PI);
  const mean = sd * (d * pd + dens);
  const second = v * ((d * d + 1) * pd + d * dens);
  q.noiseMean = mean;
  q.noiseVar = Math.max(0, second - mean * mean);
}

/**
 * One hour of the fluid queue: `cap` items per hour processed oldest first over [h, h + 1) (0 when closed),
 * then (or meanwhile) the hour's `a` arrivals, spread uniformly over the hour, tagged with block `blk`.
 */
function stepHour(pr: Problem, q: FluidQueue, h: number, cap: number, a: number, blk: number): void {
  const end = h + 1;
  const vr = pr.variability;
  let tau = h;
  if (cap > 0) {
    while (q.head < q.tail && tau < end) {
      const i = q.head;
      const n = q.n[i];
      const t0 = q.t0[i];
      const span = q.t1[i] - t0;
      const dur = n / cap;
      if (tau + dur <= end) {
        q.met[q.blk[i]] += n * pieceMet(pr, h, cap, t0, span, tau, dur, q.v0[i], q.m0[i], n, 1);
        tau += dur;
        q.head++;
        if (q.head === q.tail) {
          // The fluid queue ran dry: what it hides is the noise accumulated up to its last item.
          q.noiseMean = q.m0[i];
          q.noiseVar = q.v0[i] + vr * n;
        }
      } else {
        const p = (cap * (end - tau)) / n;
        q.met[q.blk[i]] += n * pieceMet(pr, h, cap, t0, span, tau, dur, q.v0[i], q.m0[i], n, p);
        const rest = n * (1 - p);
        if (rest < TINY) {
          q.head++;
          if (q.head === q.tail) {
            q.noiseMean = q.m0[i];
            q.noiseVar = q.v0[i] + vr * n;
          }
        } else {
          q.t0[i] = t0 + p * span;
          q.n[i] = rest;
          q.v0[i] += vr * n * p;
        }
        tau = end;
      }
    }
  }
  if (a <= 0) {
    if (cap > 0 && q.head === q.tail && tau < end) reflect(q, cap * (end - tau));
    return;
  }
  if (cap <= 0 || tau >= end) {
    if (q.head < q.tail) {
      const j = q.tail - 1;
      q.push(h, end, a, q.v0[j] + vr * q.n[j], q.m0[j], blk);
    } else q.push(h, end, a, q.noiseVar, q.noiseMean, blk);
    return;
  }
  // The queue ran dry at τ: serve the hour's own arrivals (those of [h, τ) first) at rate cap.
  // Item at position u (arriving at h + u) finishes at τ + u·a/cap until the server catches up.
  const dur = a / cap;
  const v0 = q.noiseVar;
  const m0 = q.noiseMean;
  if (cap > a) {
    const tCatch = (cap * tau - a * h) / (cap - a); // server catches up with arrivals
    if (tCatch <= end) {
      const p = tCatch - h;
      q.met[blk] += a * (pieceMet(pr, h, cap, h, 1, tau, dur, v0, m0, a, p) + (1 - p)); // the rest wait 0
      q.noiseVar = v0 + vr * a; // every item of the hour passed through
      reflect(q, (cap - a) * (end - tCatch));
      return;
    }
  }
  const done = cap * (end - tau); // items of this hour processed by the end of the hour
  const p = done / a;
  q.met[blk] += a * pieceMet(pr, h, cap, h, 1, tau, dur, v0, m0, a, p);
  const rest = a - done;
  if (rest >= TINY) q.push(h + p, end, rest, v0 + vr * done, m0, blk);
  else {
    q.noiseVar = v0 + vr * a;
  }
}

/**
 * After the last hour simulated, keep working (no new arrivals: in FIFO they cannot delay earlier items)
 * until the queue is empty or every remaining item is past its deadline. Past the horizon the last
 * `period` hours repeat. Staffing: `x` agents on every open hour, or, when `plan` is given, plan[t].
 */
function drain(q: FluidQueue, pr: Problem, from: number, x: number, plan?: Float64Array): void {
  for (let t = from; q.head < q.tail; t++) {
    if (q.t1[q.tail - 1] + pr.w <= t) break; // the youngest item's deadline has passed: all remaining miss
    const i = periodicIndex(t, pr.hours, pr.period);
    const agents = plan ? plan[i] : pr.open[i] ? x : 0;
    stepHour(pr, q, t, agents * pr.perAgent, 0, 0);
  }
}

function validate(input: StaffDeferredInput): Problem {
  const { arrivals, open, ahtSeconds, level, withinHours } = input;
  const blockHours = input.blockHours ?? 168;
  const initial = input.initialBacklog ?? 0;
  const variability = input.variability ?? 2;
  const maxUtilisation = input.maxUtilisation ?? 0.95;
  checkNonNegative('variability', variability);
  if (typeof maxUtilisation !== 'number' || !(maxUtilisation > 0 && maxUtilisation <= 1)) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `maxUtilisation must be a fraction in (0, 1], got ${String(maxUtilisation)}`,
      { field: 'maxUtilisation', value: maxUtilisation },
    );
  }
  if (arrivals === null || typeof arrivals !== 'object' || typeof arrivals.length !== 'number') {
    throw new ModcapError('BAD_ARGUMENT', 'arrivals must be an array of items per hour', {
      field: 'arrivals',
    });
  }
  if (arrivals.length === 0) {
    throw new ModcapError('BAD_ARGUMENT', 'arrivals must hold at least one hour', { field: 'arrivals' });
  }
  if (open === null || typeof open !== 'object' || open.length !== arrivals.length) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `open must have one flag per hour of arrivals (${arrivals.length}), got ${open?.length ?? String(open)}`,
      { field: 'open', value: open?.length },
    );
  }
  for (let h = 0; h < arrivals.length; h++) {
    const v = arrivals[h];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ModcapError('BAD_ARGUMENT', `arrivals[${h}] must be a finite number ≥ 0, got ${String(v)}`, {
        field: 'arrivals',
        index: h,
        value: v,
      });
    }
    const o = open[h];
    if (o !== 0 && o !== 1) {
      throw new ModcapError('BAD_ARGUMENT', `open[${h}] must be 0 or 1, got ${String(o)}`, {
        field: 'open',
        index: h,
        value: o,
      });
    }
  }
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  checkNonNegative('withinHours', withinHours, true);
  checkNonNegative('initialBacklog', initial);
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new ModcapError('BAD_ARGUMENT', `level must be a fraction in (0, 1), got ${String(level)}`, {
      field: 'level',
      value: level,
    });
  }
  if (!Number.isInteger(blockHours) || blockHours < 1) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `blockHours must be a positive integer, got ${String(blockHours)}`,
      {
        field: 'blockHours',
        value: blockHours,
      },
    );
  }
  const hours = arrivals.length;
  const blocks = Math.ceil(hours / blockHours);
  const blockItems = new Float64Array(blocks);
  for (let h = 0; h < hours; h++) blockItems[Math.floor(h / blockHours)] += arrivals[h];
  blockItems[0] += initial;
  const cumOpen = new Float64Array(hours + 1);
  for (let h = 0; h < hours; h++) cumOpen[h + 1] = cumOpen[h] + open[h];
  return {
    arrivals,
    open,
    hours,
    blockHours,
    blocks,
    perAgent: 3600 / ahtSeconds,
    w: withinHours - Math.min(ahtSeconds / 3600, withinHours / 2),
    withinHours,
    variability,
    maxUtilisation,
    blockItems,
    cumOpen,
    period: Math.min(blockHours, hours),
  };
}

/** One chain of blocks (fractional or integer), carrying its queue from block to block. */
class Chain {
  q: FluidQueue;
  scratch: FluidQueue;
  agents: Float64Array;
  agentsPerHour: Float64Array;
  backlog: Float64Array;
  oldest: Float64Array;
  /** Blocks whose items are queued at the start of the current block, plus the block itself. */
  involvedBlocks: Int32Array;
  involvedCount = 0;
  private seen: Uint8Array;

  constructor(
    readonly pr: Problem,
    initial: number,
  ) {
    this.q = new FluidQueue(256, pr.blocks);
    this.scratch = new FluidQueue(256, pr.blocks);
    if (initial > 0) this.q.push(0, 0, initial, 0, 0, 0);
    this.agents = new Float64Array(pr.blocks);
    this.agentsPerHour = new Float64Array(pr.hours);
    this.backlog = new Float64Array(pr.hours);
    this.oldest = new Float64Array(pr.hours);
    this.involvedBlocks = new Int32Array(pr.blocks);
    this.seen = new Uint8Array(pr.blocks);
  }

  /** Collects the blocks whose items are still queued at the start of block k, plus k itself. */
  involve(k: number): void {
    const { q, seen, involvedBlocks } = this;
    seen.fill(0);
    seen[k] = 1;
    for (let i = q.head; i < q.tail; i++) seen[q.blk[i]] = 1;
    let c = 0;
    for (let j = 0; j <= k; j++) if (seen[j]) involvedBlocks[c++] = j;
    this.involvedCount = c;
  }

  /**
   * Runs block k and everything after with `x` agents on a scratch copy of the queue; returns the least
   * margin share − target over the involved blocks (≥ 0: every involved block meets its target).
   */
  margin(k: number, x: number, targets: Float64Array): number {
    const { pr } = this;
    const e = this.scratch;
    e.copyFrom(this.q);
    const start = k * pr.blockHours;
    const end = Math.min(pr.hours, start + pr.blockHours);
    const cap = x * pr.perAgent;
    for (let h = start; h < end; h++) stepHour(pr, e, h, pr.open[h] ? cap : 0, pr.arrivals[h], k);
    drain(e, pr, end, x);
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.involvedCount; i++) {
      const j = this.involvedBlocks[i];
      const share = pr.blockItems[j] > 0 ? e.met[j] / pr.blockItems[j] : 1;
      if (share - targets[j] < least) least = share - targets[j];
    }
    return least;
  }

  /** Share of block j's items met in the last {@link margin} run. */
  scratchShare(j: number): number {
    return this.pr.blockItems[j] > 0 ? this.scratch.met[j] / this.pr.blockItems[j] : 1;
  }

  meets(k: number, x: number, targets: Float64Array): boolean {
    return this.margin(k, x, targets) >= -SHARE_EPS;
  }

  /** Runs block k with `x` agents for real, recording the hourly trace. */
  commit(k: number, x: number): void {
    const { pr, q } = this;
    this.agents[k] = x;
    const start = k * pr.blockHours;
    const end = Math.min(pr.hours, start + pr.blockHours);
    for (let h = start; h < end; h++) {
      const ax = pr.open[h] ? x : 0;
      this.agentsPerHour[h] = ax;
      stepHour(pr, q, h, ax * pr.perAgent, pr.arrivals[h], k);
      this.backlog[h] = q.backlog();
      this.oldest[h] = q.head < q.tail ? h + 1 - q.t0[q.head] : 0;
    }
  }

  /** After the horizon: keep the last `period` hours of staffing repeating until the queue resolves. */
  finish(): Float64Array {
    const { pr } = this;
    drain(this.q, pr, pr.hours, 0, this.agentsPerHour);
    const shares = new Float64Array(pr.blocks);
    for (let j = 0; j < pr.blocks; j++)
      shares[j] = pr.blockItems[j] > 0 ? this.q.met[j] / pr.blockItems[j] : 1;
    return shares;
  }

  trace(): DeferredTrace {
    let met = 0;
    let items = 0;
    for (let j = 0; j < this.pr.blocks; j++) {
      met += this.q.met[j];
      items += this.pr.blockItems[j];
    }
    return {
      agentsPerHour: this.agentsPerHour,
      backlog: this.backlog,
      oldestAgeHours: this.oldest,
      achievedShareWithin: items > 0 ? Math.min(1, met / items) : 1,
    };
  }
}

/**
 * Staff a deferred queue: block by block in time order (carrying the backlog), the fewest agents on the
 * block's open hours such that at least `level` of the block's items are finished within `withinHours`
 * of arrival, in a FIFO fluid model (see the module note), and never fewer than the utilisation floor.
 *
 * How items whose deadline lies past the block end are judged: while searching block k, the candidate
 * staffing is assumed to continue after the block (same agents on later open hours; later arrivals cannot
 * delay earlier items in FIFO, so they are left out), and the queue is run forward until it is empty or
 * every remaining item has missed its deadline. Because the next block may get fewer agents, block k+1's
 * search also requires every earlier block still in the queue to keep its share ≥ `level` (more agents
 * never hurt, so the previous block's count always satisfies that, and each block stays feasible). Past
 * the end of the horizon the last `blockHours` hours of opening and staffing repeat.
 *
 * Randomness (`variability`, default 2): a plain fluid plan settles at exactly 100% long-run load with
 * items right at the deadline, which real Poisson arrivals miss by many points. So an item counts as met
 * with probability Φ((slack − m)/σ): slack = items the agents could still process between its fluid
 * finish and its deadline; σ² = variability × items arrived since the fluid queue was last empty, plus
 * what is left after that, plus the item's own handling, agents² × variability / 2 (cs² taken as half of
 * ca² + cs²; its mean, one AHT, is taken off the deadline: see the module note); when the fluid queue is empty with spare capacity U, the hidden stochastic
 * backlog X ~ N(m, σ²) is worked down to max(0, X − U) (its mean and variance are kept). variability 0
 * gives the deterministic fluid rule.
 *
 * Utilisation floor (`maxUtilisation`, default 0.95): in every block with open hours, agents ≥ block
 * work / (open hours × maxUtilisation), in both plans (the integer plan takes its ceiling). Why: a long
 * deadline lets the fluid model push work from one block into the next, planning some weeks above 100%
 * load and the long run at about 100% (whole agents alternating 15 and 16 a week: 99.8%). A fixed plan
 * that does not react to the real backlog is then a random walk: the backlog's deviation from the fluid
 * path grows like √(items) without a restoring drift, so no fluid formula, with or without a variance
 * term, predicts the share met there (the simulation missed such a plan's formula by 6.7 points, with a
 * standard error of 4.8 across replications). Below 100% the drift −(1 − ρ) per hour bounds the
 * deviation and the noise term above holds; 0.95 keeps a margin for whole agents landing just under
 * 100%. `maxUtilisation: 1` still forbids planning a block above 100%.

 * Search (fractional plan, 0.01-agent grid; the share is monotone in agents): the floor is tried first
 * (near saturation it usually meets the target, one run); otherwise a guess from the previous block's
 * ratio of agents to work is bracketed and the grid point found by regula falsi (Illinois) on the least
 * margin share − target, with bisection steps when it stalls. The integer plan is a second chain in which
 * every block gets whole agents: the fewest at or above the floor's ceiling meeting the same constraints
 * with the integer plan's own carried backlog, searched from the ceiling of the fractional answer. A
 * block no staffing can rescue (items that reach no open hour before their deadline) gets
 * `feasible: false` and is staffed to its best achievable share minus 0.1 point. All shares reported are
 * those of the staffing returned.
 *
 * Cost: about 3–6 forward runs of one block (plus the drain to the deadline) per block and plan.
 * @throws ModcapError BAD_ARGUMENT naming the field: lengths differ, negative or non-finite arrivals,
 *   open flags other than 0/1, level outside (0, 1), withinHours ≤ 0, ahtSeconds ≤ 0, bad blockHours,
 *   maxUtilisation outside (0, 1].
 * @example staffDeferred({ arrivals: new Float64Array(168).fill(100), ahtSeconds: 360,
 *   open: new Uint8Array(168).fill(1), level: 0.95, withinHours: 24 }).blocks[0].agents
 * // => 10.53 (100 items/h × 360 s / 3600 s = 10 agents of work, over a utilisation cap of 0.95)
 */
export function staffDeferred(input: StaffDeferredInput): StaffDeferredResult {
  const pr = validate(input);
  const initial = input.initialBacklog ?? 0;
  const frac = new Chain(pr, initial);
  const targets = new Float64Array(pr.blocks).fill(input.level);
  const feasible = new Array<boolean>(pr.blocks).fill(true);
  const reasons = new Array<string | undefined>(pr.blocks);
  const openHours = new Float64Array(pr.blocks);
  const floors = new Float64Array(pr.blocks);
  for (let k = 0; k < pr.blocks; k++) {
    const start = k * pr.blockHours;
    const end = Math.min(pr.hours, start + pr.blockHours);
    for (let h = start; h < end; h++) openHours[k] += pr.open[h];
    floors[k] = openHours[k] > 0 ? pr.blockItems[k] / pr.perAgent / (openHours[k] * pr.maxUtilisation) : 0;
  }

  /** Relaxes the targets of involved blocks that no staffing reaches; true when any target changed. */
  const relaxInfeasible = (k: number): boolean => {
    const pending = frac.q.backlog() + pr.blockItems[k];
    const xBig = (1e6 * (pending + 1)) / pr.perAgent; // processing effectively instantaneous
    frac.margin(k, xBig, targets);
    const bestOf = new Map<number, number>();
    for (let i = 0; i < frac.involvedCount; i++)
      bestOf.set(frac.involvedBlocks[i], frac.scratchShare(frac.involvedBlocks[i]));
    // What a sane staffing reaches: INFEASIBLE_STAFFING_FACTOR × the work-conserving need. Chasing the last
    // fraction of a point that only near-instant processing reaches would staff a closed-weekend week with
    // thousands of agents; the share such a week can reach is reported instead.
    const workBound = pending / pr.perAgent / Math.max(1, openHours[k]);
    const xCap = INFEASIBLE_STAFFING_FACTOR * Math.max(floors[k], workBound, 1);
    frac.margin(k, xCap, targets);
    let changed = false;
    for (let i = 0; i < frac.involvedCount; i++) {
      const j = frac.involvedBlocks[i];
      const best = bestOf.get(j) ?? frac.scratchShare(j);
      if (best < targets[j] - SHARE_EPS) {
        const relaxed = Math.max(0, Math.min(best - INFEASIBLE_SLACK, frac.scratchShare(j)));
        if (feasible[j]) {
          feasible[j] = false;
          reasons[j] =
            `at most ${(100 * best).toFixed(2)}% of block ${j}'s items can be finished within ` +
            `${pr.withinHours} h (items arriving too long before an open hour); staffed for ${(100 * relaxed).toFixed(2)}%`;
        }
        targets[j] = relaxed;
        changed = true;
      }
    }
    return changed;
  };

  let ratio = 0; // previous block's agents per agent of work-conserving load (0: none yet)
  for (let k = 0; k < pr.blocks; k++) {
    frac.involve(k);
    const pending = frac.q.backlog() + pr.blockItems[k];
    const workBound = pending / pr.perAgent / Math.max(1, openHours[k]);
    const answer = searchGrid(frac, k, floors[k], workBound, ratio, targets, relaxInfeasible);
    frac.commit(k, answer / 100);
    if (workBound > 0 && answer > 0) ratio = answer / 100 / workBound;
  }

  // Integer plan: its own chain, whole agents, the same (possibly relaxed) targets.
  const int = new Chain(pr, initial);
  for (let k = 0; k < pr.blocks; k++) {
    int.involve(k);
    const least = Math.max(0, Math.ceil(floors[k] - 1e-9));
    let hi = Math.max(least, Math.ceil(frac.agents[k] - 1e-9));
    while (!int.meets(k, hi, targets)) {
      hi++; // not expected (less backlog than the fractional chain), but re-checked rather than assumed
      if (hi > 1e9) break;
    }
    while (hi > least && int.meets(k, hi - 1, targets)) hi--;
    int.commit(k, hi);
  }

  const shares = frac.finish();
  const sharesInt = int.finish();
  const blocks: DeferredBlock[] = [];
  for (let k = 0; k < pr.blocks; k++) {
    const start = k * pr.blockHours;
    const end = Math.min(pr.hours, start + pr.blockHours);
    let maxBacklog = 0;
    let maxOldest = 0;
    for (let h = start; h < end; h++) {
      if (frac.backlog[h] > maxBacklog) maxBacklog = frac.backlog[h];
      if (frac.oldest[h] > maxOldest) maxOldest = frac.oldest[h];
    }
    const block: DeferredBlock = {
      start,
      hours: end - start,
      agents: frac.agents[k],
      agentsInteger: int.agents[k],
      workloadHours: pr.blockItems[k] / pr.perAgent,
      openHours: openHours[k],
      utilisationFloorAgents: floors[k],
      achievedShareWithin: Math.min(1, shares[k]),
      achievedShareWithinInteger: Math.min(1, sharesInt[k]),
      maxBacklog,
      maxOldestAgeHours: maxOldest,
      feasible: feasible[k],
    };
    if (reasons[k] !== undefined) block.reason = reasons[k];
    blocks.push(block);
  }
  return { ...frac.trace(), blocks, integerPlan: int.trace() };
}

/**
 * The fewest agents, in hundredths, at or above `floor` (agents) that meet the targets for block k of the
 * chain: tries the floor's grid point, brackets upward from a guess (`ratio` × `workBound`, else just
 * above the floor), then narrows to adjacent grid points by regula falsi (Illinois) on the margin.
 * `relax` is called once upward steps keep failing; when it relaxes a target the search restarts.
 */
function searchGrid(
  chain: Chain,
  k: number,
  floor: number,
  workBound: number,
  ratio: number,
  targets: Float64Array,
  relax: (k: number) => boolean,
): number {
  const pr = chain.pr;
  const pending = chain.q.backlog() + pr.blockItems[k];
  const hiMax = Math.ceil((100 * 1e6 * (pending + 1)) / pr.perAgent);
  let relaxed = false;
  for (;;) {
    let lo = Math.max(0, Math.ceil(100 * floor - 1e-7));
    let fLo = chain.margin(k, lo / 100, targets);
    if (fLo >= -SHARE_EPS) return lo;
    // Upward bracket: lo fails; find hi that meets.
    let hi = ratio > 0 ? Math.ceil(100 * ratio * workBound * 1.002) : 0;
    if (hi <= lo) hi = lo + Math.max(1, Math.ceil(0.02 * lo));
    let fHi = chain.margin(k, hi / 100, targets);
    let steps = 0;
    let restart = false;
    while (fHi < -SHARE_EPS) {
      lo = hi;
      fLo = fHi;
      if (hi >= hiMax) break;
      steps++;
      if (steps === 4 && !relaxed) {
        relaxed = true;
        if (relax(k)) {
          restart = true;
          break;
        }
      }
      hi = Math.min(hiMax, lo + Math.max(2, Math.ceil(0.02 * lo)) * 2 ** steps);
      fHi = chain.margin(k, hi / 100, targets);
    }
    if (restart) continue;
    if (fHi < -SHARE_EPS) return hi; // nothing meets (relaxed targets should prevent this)
    // Regula falsi (Illinois) on the grid: lo fails, hi meets.
    let side = 0; // -1: last two kept lo, +1: kept hi
    let wLo = fLo;
    let wHi = fHi;
    while (hi - lo > 1) {
      let mid: number;
      const width = hi - lo;
      if (Math.abs(side) >= 2) mid = lo + Math.floor(width / 2);
      else {
        const x = lo + (width * -wLo) / (wHi - wLo);
        mid = Math.ceil(x - 1e-9);
        if (!(mid > lo)) mid = lo + 1;
        if (mid >= hi) mid = hi - 1;
      }
      const f = chain.margin(k, mid / 100, targets);
      if (f >= -SHARE_EPS) {
        hi = mid;
        wHi = f;
        if (side < 0) side = 0;
        side++;
        if (side >= 2) wLo *= 0.5;
      } else {
        lo = mid;
        wLo = f;
        if (side > 0) side = 0;
        side--;
        if (side <= -2) wHi *= 0.5;
      }
      if (Math.abs(side) >= 3) side = 0;
    }
    return hi;
  }
}
