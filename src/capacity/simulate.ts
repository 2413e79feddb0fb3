/**
 * Seeded discrete-event simulation of a staffing plan: plays random arrivals against the agents of each
 * interval and measures what the plan really achieves. It is the check on the formulas (Erlang C / A for
 * real-time queues, the fluid backlog model of deferred.ts for deferred queues).
 *
 * Randomness comes only from the `seed` (mulberry32 from src/random.ts); the same inputs and seed give
 * the same result.
 */

import { ModcapError } from '../errors.ts';
import { HALF_ULP, mulberry32, type Rng } from '../random.ts';
import { checkNonNegative } from './erlang.ts';

/** Inputs of {@link simulateRealTime}. */
export interface SimulateRealTimeInput {
  /** Expected contacts per interval (≥ 0); arrivals are Poisson with a constant rate within an interval. */
  arrivalsPerInterval: Float64Array | readonly number[];
  /** Interval length in seconds (> 0). */
  intervalSeconds: number;
  /** Agents on duty in each interval (non-negative integers), same length as the arrivals. */
  agentsPerInterval: Int32Array | readonly number[];
  /** Mean handle time in seconds (> 0). */
  ahtSeconds: number;
  /** Answer-within target in seconds (≥ 0) for the service level. */
  targetSeconds: number;
  /** Mean patience in seconds (> 0); waiting contacts abandon after an exponential patience. None when omitted. */
  patienceSeconds?: number;
  /** Seed of the random numbers (any integer). */
  seed: number;
  /** Independent replications (default 1); each uses its own seed derived from `seed`. */
  replications?: number;
  /** Leading intervals simulated but left out of every figure (a warm-up from empty); default 0. */
  warmupIntervals?: number;
  /** Handle-time distribution; only exponential (the Erlang assumption) is offered. */
  serviceDistribution?: 'exponential';
}

/** Figures of one interval (summed over replications), by the interval a contact arrived in. */
export interface RealTimeIntervalStats {
  /** Contacts arrived. */
  offered: number;
  /** Contacts answered (at any wait). */
  answered: number;
  /** Contacts answered within `targetSeconds`. */
  answeredWithin: number;
  /** Contacts that abandoned. */
  abandoned: number;
  /** answeredWithin / offered (1 when nothing was offered). */
  serviceLevel: number;
}

/** Result of {@link simulateRealTime}; totals exclude the warm-up intervals. */
export interface SimulateRealTimeResult {
  /** Share of offered contacts answered within `targetSeconds` (abandoned contacts count as not). */
  serviceLevel: number;
  /** Standard error of `serviceLevel` across replications (NaN with one replication). */
  serviceLevelStdError: number;
  /** Share of offered contacts that found every agent busy (or someone already waiting). */
  pWait: number;
  /** Mean wait in seconds over all offered contacts (answered: wait to answer; abandoned: wait to abandon). */
  asaSeconds: number;
  /** Share of offered contacts that abandoned. */
  abandonRate: number;
  /** Busy agent-seconds / staffed agent-seconds over the counted intervals. */
  occupancy: number;
  offered: number;
  answered: number;
  abandoned: number;
  replications: number;
  perInterval: RealTimeIntervalStats[];
}

/** An exponential variate with the given mean. */
function expo(rng: Rng, mean: number): number {
  return -Math.log(rng() + HALF_ULP) * mean;
}

/** Seed of replication r, spread over 32 bits (golden-ratio increments). */
function replicationSeed(seed: number, r: number): number {
  return (seed + Math.imul(r, 0x9e3779b9)) | 0;
}

function checkSeries(field: string, v: ArrayLike<number>, integer: boolean): void {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new ModcapError('BAD_ARGUMENT', `${field} must be an array`, { field });
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x))) {
      throw new ModcapError(
        'BAD_ARGUMENT',
        `${field}[${i}] must be a finite ${integer ? 'integer' : 'number'} ≥ 0, got ${String(x)}`,
        { field, index: i, value: x },
      );
    }
  }
}

function checkCount(field: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new ModcapError('BAD_ARGUMENT', `${field} must be an integer ≥ ${min}, got ${String(v)}`, {
      field,
      value: v,
    });
  }
}

/** A binary min-heap of completion times. */
class TimeHeap {
  a: Float64Array;
  size = 0;
  constructor(cap: number) {
    this.a = new Float64Array(Math.max(1, cap));
  }
  push(t: number): void {
    if (this.size === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= t) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = t;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && a[c + 1] < a[c]) c++;
      if (a[c] >= last) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
  top(): number {
    return this.size > 0 ? this.a[0] : Number.POSITIVE_INFINITY;
  }
}

interface RealTimeTotals {
  offered: Float64Array;
  answered: Float64Array;
  within: Float64Array;
  abandoned: Float64Array;
  waited: number;
  waitSum: number;
  busyArea: number;
}

/** One replication of the real-time simulation; adds into `acc` (per interval) and returns totals. */
function runRealTime(
  rng: Rng,
  arrivals: ArrayLike<number>,
  L: number,
  agents: ArrayLike<number>,
  aht: number,
  target: number,
  patience: number | undefined,
  warmup: number,
  acc: RealTimeTotals,
): void {
  const nI = arrivals.length;
  let maxAgents = 1;
  for (let i = 0; i < nI; i++) if (agents[i] > maxAgents) maxAgents = agents[i];
  const heap = new TimeHeap(maxAgents);
  // FIFO queue of waiting contacts: arrival time, abandonment time, arrival interval.
  let cap = 1024;
  let qArr = new Float64Array(cap);
  let qDead = new Float64Array(cap);
  let qInt = new Int32Array(cap);
  let qHead = 0;
  let qTail = 0;
  const enqueue = (t: number, dead: number, i: number) => {
    if (qTail === cap) {
      const len = qTail - qHead;
      if (qHead > 0 && len < cap / 2) {
        qArr.copyWithin(0, qHead, qTail);
        qDead.copyWithin(0, qHead, qTail);
        qInt.copyWithin(0, qHead, qTail);
      } else {
        cap *= 2;
        const a = new Float64Array(cap);
        a.set(qArr.subarray(qHead, qTail));
        qArr = a;
        const d = new Float64Array(cap);
        d.set(qDead.subarray(qHead, qTail));
        qDead = d;
        const n = new Int32Array(cap);
        n.set(qInt.subarray(qHead, qTail));
        qInt = n;
      }
      qHead = 0;
      qTail = len;
    }
    qArr[qTail] = t;
    qDead[qTail] = dead;
    qInt[qTail] = i;
    qTail++;
  };
  let n = 0; // agents on duty now
  // Start as many waiting contacts as there are free agents (abandoning the impatient ones on the way).
  const serveQueue = (t: number) => {
    while (heap.size < n && qHead < qTail) {
      const i = qInt[qHead];
      const arr = qArr[qHead];
      const dead = qDead[qHead];
      qHead++;
      const counted = i >= warmup;
      if (dead < t) {
        if (counted) {
          acc.abandoned[i]++;
          acc.waitSum += dead - arr;
        }
        continue;
      }
      const wait = t - arr;
      if (counted) {
        acc.answered[i]++;
        if (wait <= target) acc.within[i]++;
        acc.waitSum += wait;
      }
      heap.push(t + expo(rng, aht));
    }
  };
  let t = 0;
  const inf = Number.POSITIVE_INFINITY;
  for (let i = 0; i < nI; i++) {
    n = agents[i];
    serveQueue(t);
    const end = (i + 1) * L;
    const rate = arrivals[i] / L;
    let nextArrival = rate > 0 ? t + expo(rng, 1 / rate) : inf;
    const counted = i >= warmup;
    for (;;) {
      const nextDone = heap.top();
      const next = Math.min(nextArrival, nextDone);
      if (next >= end) break;
      if (counted) acc.busyArea += heap.size * (next - t);
      t = next;
      if (nextDone <= nextArrival) {
        heap.pop();
        serveQueue(t);
      } else {
        if (counted) acc.offered[i]++;
        if (heap.size < n && qHead === qTail) {
          if (counted) {
            acc.answered[i]++;
            acc.within[i]++; // waited 0 ≤ target
          }
          heap.push(t + expo(rng, aht));
        } else {
          if (counted) acc.waited++;
          enqueue(t, patience === undefined ? inf : t + expo(rng, patience), i);
        }
        nextArrival = t + expo(rng, 1 / rate);
      }
    }
    if (counted) acc.busyArea += heap.size * (end - t);
    t = end;
  }
  // After the plan: no new arrivals, the last interval's agents finish the queue.
  while (qHead < qTail) {
    if (heap.size === 0 && n === 0) {
      // Nobody will ever answer: the patient wait forever (not answered), the impatient abandon.
      for (; qHead < qTail; qHead++) {
        const i = qInt[qHead];
        if (i >= warmup && qDead[qHead] < inf) {
          acc.abandoned[i]++;
          acc.waitSum += qDead[qHead] - qArr[qHead];
        }
      }
      break;
    }
    t = heap.size > 0 ? heap.pop() : t;
    serveQueue(t);
  }
}

/**
 * Simulate a real-time queue against a staffing plan: Poisson arrivals with a constant rate within each
 * interval, exponential handle times, exponential patience when `patienceSeconds` is given, one FCFS
 * queue, agents on duty changing at interval boundaries. When the count drops, agents already handling a
 * contact finish it (so for a moment more agents are busy than are on duty); no new contact starts until
 * the busy count is below the new level. After the last interval no new contacts arrive and the last
 * interval's agents clear the queue. Every figure is by the interval the contact arrived in.
 *
 * The service level matches erlang.ts's Erlang A definition: answered within `targetSeconds` / offered,
 * so abandoned contacts count as missed whenever they abandon; the ASA is the mean wait over all offered
 * contacts (abandoned ones up to their abandonment), as erlangA's `asaSeconds`.
 *
 * Cost: O(contacts · log(agents)); about 2 million contacts per second.
 * @throws ModcapError BAD_ARGUMENT naming the bad field (lengths differ, negative or fractional agents, …).
 * @example simulateRealTime({ arrivalsPerInterval: new Float64Array(400).fill(100), intervalSeconds: 1800,
 *   agentsPerInterval: new Array(400).fill(14), ahtSeconds: 180, targetSeconds: 20, seed: 1,
 *   warmupIntervals: 4 }).serviceLevel // ≈ 0.888 (Erlang C: 0.888350)
 */
export function simulateRealTime(input: SimulateRealTimeInput): SimulateRealTimeResult {
  const { arrivalsPerInterval: arrivals, agentsPerInterval: agents, intervalSeconds: L } = input;
  const { ahtSeconds, targetSeconds, patienceSeconds, seed } = input;
  const replications = input.replications ?? 1;
  const warmup = input.warmupIntervals ?? 0;
  checkSeries('arrivalsPerInterval', arrivals, false);
  checkSeries('agentsPerInterval', agents, true);
  if (agents.length !== arrivals.length) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `agentsPerInterval has ${agents.length} intervals but arrivalsPerInterval has ${arrivals.length}`,
      { field: 'agentsPerInterval', value: agents.length },
    );
  }
  checkNonNegative('intervalSeconds', L, true);
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  checkNonNegative('targetSeconds', targetSeconds);
  if (patienceSeconds !== undefined) checkNonNegative('patienceSeconds', patienceSeconds, true);
  checkCount('replications', replications, 1);
  checkCount('warmupIntervals', warmup, 0);
  if (!Number.isInteger(seed)) {
    throw new ModcapError('BAD_ARGUMENT', `seed must be an integer, got ${String(seed)}`, {
      field: 'seed',
      value: seed,
    });
  }
  if (input.serviceDistribution !== undefined && input.serviceDistribution !== 'exponential') {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `serviceDistribution must be 'exponential', got ${String(input.serviceDistribution)}`,
      { field: 'serviceDistribution', value: input.serviceDistribution },
    );
  }

  const nI = arrivals.length;
  const acc: RealTimeTotals = {
    offered: new Float64Array(nI),
    answered: new Float64Array(nI),
    within: new Float64Array(nI),
    abandoned: new Float64Array(nI),
    waited: 0,
    waitSum: 0,
    busyArea: 0,
  };
  const slPerRep: number[] = [];
  let prevOffered = 0;
  let prevWithin = 0;
  for (let r = 0; r < replications; r++) {
    runRealTime(
      mulberry32(replicationSeed(seed, r)),
      arrivals,
      L,
      agents,
      ahtSeconds,
      targetSeconds,
      patienceSeconds,
      warmup,
      acc,
    );
    let offered = 0;
    let within = 0;
    for (let i = warmup; i < nI; i++) {
      offered += acc.offered[i];
      within += acc.within[i];
    }
    const o = offered - prevOffered;
    slPerRep.push(o > 0 ? (within - prevWithin) / o : 1);
    prevOffered = offered;
    prevWithin = within;
  }
  let offered = 0;
  let answered = 0;
  let within = 0;
  let abandoned = 0;
  let staffed = 0;
  const perInterval: RealTimeIntervalStats[] = [];
  for (let i = 0; i < nI; i++) {
    perInterval.push({
      offered: acc.offered[i],
      answered: acc.answered[i],
      answeredWithin: acc.within[i],
      abandoned: acc.abandoned[i],
      serviceLevel: acc.offered[i] > 0 ? acc.within[i] / acc.offered[i] : 1,
    });
    if (i < warmup) continue;
    offered += acc.offered[i];
    answered += acc.answered[i];
    within += acc.within[i];
    abandoned += acc.abandoned[i];
    staffed += agents[i] * L * replications;
  }
  return {
    serviceLevel: offered > 0 ? within / offered : 1,
    serviceLevelStdError: standardError(slPerRep),
    pWait: offered > 0 ? acc.waited / offered : 0,
    asaSeconds: offered > 0 ? acc.waitSum / offered : 0,
    abandonRate: offered > 0 ? abandoned / offered : 0,
    occupancy: staffed > 0 ? acc.busyArea / staffed : 0,
    offered,
    answered,
    abandoned,
    replications,
    perInterval,
  };
}

/** Standard error of the mean of `xs` (NaN for fewer than two values). */
function standardError(xs: number[]): number {
  const k = xs.length;
  if (k < 2) return Number.NaN;
  const mean = xs.reduce((s, x) => s + x, 0) / k;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1);
  return Math.sqrt(v / k);
}

/** Inputs of {@link simulateDeferred}. */
export interface SimulateDeferredInput {
  /** Expected items arriving per hour (≥ 0); Poisson arrivals, constant rate within each hour. */
  arrivals: Float64Array | readonly number[];
  /** Agents working in each hour (≥ 0, may be fractional: see {@link simulateDeferred}). */
  agentsPerHour: Float64Array | readonly number[];
  /** 1 where work can happen in that hour, 0 where closed. */
  open: Uint8Array | readonly number[];
  /** Mean handle time per item in seconds (> 0); handle times are exponential. */
  ahtSeconds: number;
  /** Deadline in hours after arrival (> 0) for `shareWithin`. */
  withinHours: number;
  /** Seed of the random numbers (any integer). */
  seed: number;
  /** Independent replications (default 1). */
  replications?: number;
}

/** Result of {@link simulateDeferred}; per-hour series are means over replications. */
export interface SimulateDeferredResult {
  /** Share of all arrived items finished within `withinHours` of arrival. */
  shareWithin: number;
  /** Standard error of `shareWithin` across replications (NaN with one replication). */
  shareWithinStdError: number;
  /** Items not finished at the end of each hour (waiting or in handling). */
  backlog: Float64Array;
  /** Age in hours of the oldest unfinished item at the end of each hour (0 when none). */
  oldestAgeHours: Float64Array;
  /** Largest end-of-hour backlog seen in any replication. */
  maxBacklog: number;
  /** Mean time from arrival to finish, in hours, over finished items. */
  meanWaitHours: number;
  /** Items that arrived, summed over replications. */
  items: number;
}

interface DeferredTotals {
  items: number;
  within: number;
  finished: number;
  waitSum: number;
  maxBacklog: number;
}

/**
 * One replication of the deferred simulation. Items not finished are kept in `items[head, tail)` in
 * arrival order except that the first k = min(in system, agents) of them, the ones in handling, are in no
 * particular order: a finished one is replaced by the item at `head`, and the window moves on by one.
 */
function runDeferred(
  rng: Rng,
  arrivals: ArrayLike<number>,
  agentsPerHour: ArrayLike<number>,
  open: ArrayLike<number>,
  aht: number,
  w: number,
  backlog: Float64Array,
  oldest: Float64Array,
  acc: DeferredTotals,
): void {
  const H = arrivals.length;
  const mu = 3600 / aht; // items per agent-hour
  let cap = 4096;
  let items = new Float64Array(cap);
  let head = 0;
  let tail = 0;
  let servers = 0; // agents working now
  let lastArrival = Number.NEGATIVE_INFINITY;
  const push = (t: number) => {
    if (tail === cap) {
      const len = tail - head;
      if (head > cap / 2) items.copyWithin(0, head, tail);
      else {
        cap *= 2;
        const b = new Float64Array(cap);
        b.set(items.subarray(head, tail));
        items = b;
      }
      head = 0;
      tail = len;
    }
    items[tail++] = t;
    lastArrival = t;
    acc.items++;
  };
  const setServers = (m: number) => {
    if (m < servers) {
      // Handling stops for some agents: put the youngest in-handling items back to wait (exponential
      // handle times are memoryless, so pausing and resuming later is the same in distribution).
      const k = Math.min(tail - head, servers);
      if (k > m) items.subarray(head, head + k).sort();
    }
    servers = m;
  };
  /** Run [t, end) with `m` agents and arrival rate `lambda` per hour. */
  const run = (t: number, end: number, m: number, lambda: number) => {
    setServers(m);
    for (;;) {
      const n = tail - head;
      const k = n < m ? n : m;
      const total = lambda + k * mu;
      if (total <= 0) return;
      t += -Math.log(rng() + HALF_ULP) / total;
      if (t >= end) return; // memoryless: nothing happens before `end`
      if (rng() * total < lambda) push(t);
      else {
        const j = head + Math.floor(rng() * k);
        const wait = t - items[j];
        acc.finished++;
        acc.waitSum += wait;
        if (wait <= w) acc.within++;
        items[j] = items[head];
        head++;
      }
    }
  };
  const period = Math.min(168, H);
  for (let h = 0; ; h++) {
    const inside = h < H;
    if (!inside && (head === tail || lastArrival + w <= h)) break; // all done, or all remaining missed
    const idx = inside ? h : H - period + ((h - H) % period);
    const lambda = inside ? arrivals[idx] : 0;
    const x = open[idx] ? agentsPerHour[idx] : 0;
    const full = Math.floor(x);
    const part = x - full;
    if (part > 0) {
      run(h, h + part, full + 1, lambda);
      run(h + part, h + 1, full, lambda);
    } else run(h, h + 1, full, lambda);
    if (inside) {
      const n = tail - head;
      backlog[h] += n;
      if (n > acc.maxBacklog) acc.maxBacklog = n;
      if (n > 0) {
        const k = Math.min(n, servers);
        let first = items[head];
        for (let i = head + 1; i < head + k; i++) if (items[i] < first) first = items[i];
        oldest[h] += h + 1 - first;
      }
    }
  }
}

/**
 * Simulate a deferred queue against hourly staffing: Poisson arrivals (constant rate within each hour),
 * exponential handle times with mean `ahtSeconds`, one FIFO queue (items start in arrival order), agents
 * working only in open hours. Exponential handle times are memoryless, so an item whose agent stops at
 * closing (or at the end of a partial agent's time) simply waits and resumes later without bias.
 * Fractional staffing x = k + f works as k agents for the whole hour plus one more for its first f.
 * After the last hour no new items arrive; the last min(168, H) hours of opening and staffing repeat until
 * every item is finished or past its deadline (those count as missed).
 *
 * Cost: O(items · 3) random draws; several million items per second.
 * @throws ModcapError BAD_ARGUMENT naming the bad field (lengths differ, negative values, …).
 * @example simulateDeferred({ arrivals: new Float64Array(24 * 28).fill(50), agentsPerHour:
 *   new Float64Array(24 * 28).fill(6), open: new Uint8Array(24 * 28).fill(1), ahtSeconds: 360,
 *   withinHours: 4, seed: 1 }).shareWithin // ≈ 1 (M/M/6 at 83% load waits minutes)
 */
export function simulateDeferred(input: SimulateDeferredInput): SimulateDeferredResult {
  const { arrivals, agentsPerHour, open, ahtSeconds, withinHours, seed } = input;
  const replications = input.replications ?? 1;
  checkSeries('arrivals', arrivals, false);
  checkSeries('agentsPerHour', agentsPerHour, false);
  checkSeries('open', open, true);
  const H = arrivals.length;
  if (H === 0)
    throw new ModcapError('BAD_ARGUMENT', 'arrivals must hold at least one hour', { field: 'arrivals' });
  for (const [field, v] of [
    ['agentsPerHour', agentsPerHour],
    ['open', open],
  ] as const) {
    if (v.length !== H) {
      throw new ModcapError('BAD_ARGUMENT', `${field} has ${v.length} hours but arrivals has ${H}`, {
        field,
        value: v.length,
      });
    }
  }
  for (let h = 0; h < H; h++) {
    if (open[h] > 1) {
      throw new ModcapError('BAD_ARGUMENT', `open[${h}] must be 0 or 1, got ${open[h]}`, {
        field: 'open',
        index: h,
        value: open[h],
      });
    }
  }
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  checkNonNegative('withinHours', withinHours, true);
  checkCount('replications', replications, 1);
  if (!Number.isInteger(seed)) {
    throw new ModcapError('BAD_ARGUMENT', `seed must be an integer, got ${String(seed)}`, {
      field: 'seed',
      value: seed,
    });
  }
  const backlog = new Float64Array(H);
  const oldest = new Float64Array(H);
  const acc: DeferredTotals = { items: 0, within: 0, finished: 0, waitSum: 0, maxBacklog: 0 };
  const shares: number[] = [];
  for (let r = 0; r < replications; r++) {
    const items0 = acc.items;
    const within0 = acc.within;
    runDeferred(
      mulberry32(replicationSeed(seed, r)),
      arrivals,
      agentsPerHour,
      open,
      ahtSeconds,
      withinHours,
      backlog,
      oldest,
      acc,
    );
    const items = acc.items - items0;
    shares.push(items > 0 ? (acc.within - within0) / items : 1);
  }
  for (let h = 0; h < H; h++) {
    backlog[h] /= replications;
    oldest[h] /= replications;
  }
  return {
    shareWithin: acc.items > 0 ? acc.within / acc.items : 1,
    shareWithinStdError: standardError(shares),
    backlog,
    oldestAgeHours: oldest,
    maxBacklog: acc.maxBacklog,
    meanWaitHours: acc.finished > 0 ? acc.waitSum / acc.finished : 0,
    items: acc.items,
  };
}
