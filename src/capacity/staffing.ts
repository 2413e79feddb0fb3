/**
 * Real-time staffing: the fewest agents that meet a service target in one interval (Erlang C, or Erlang A
 * when a mean patience is given), then an occupancy cap, then shrinkage.
 */

import { ModcapError } from '../errors.ts';
import {
  checkNonNegative,
  type ErlangAResult,
  erlangAUnchecked,
  erlangBUnchecked,
  erlangCFromB,
  serviceLevelFromC,
} from './erlang.ts';

/** The service target a real-time queue is staffed to. */
export type RealTimeTarget =
  /** At least `level` (a fraction in [0, 1)) of contacts answered within `targetSeconds`. */
  | { kind: 'service-level'; level: number; targetSeconds: number }
  /** Average speed of answer at most `asaSeconds` (> 0). */
  | { kind: 'asa'; asaSeconds: number }
  /** Probability of waiting at most `max` (a fraction in (0, 1]). */
  | { kind: 'pwait'; max: number };

/** Inputs of {@link staffRealTime}. */
export interface StaffRealTimeInput {
  /** Contacts arriving in the interval (≥ 0, may be fractional: a forecast). */
  contactsPerInterval: number;
  /** Interval length in seconds (> 0), e.g. 1800 for half-hours. */
  intervalSeconds: number;
  /** Mean handle time in seconds (> 0). */
  ahtSeconds: number;
  target: RealTimeTarget;
  /** Maximum occupancy, a fraction in (0, 1]; no cap when omitted. */
  occupancyCap?: number;
  /** Share of paid time not available for handling, in [0, 1); 0 when omitted. */
  shrinkage?: number;
  /** Mean patience in seconds (> 0); when given, the Erlang A model (with abandonment) is used. */
  patienceSeconds?: number;
  /**
   * A guess of the answer (e.g. the previous interval's agents scaled by the change in load): the Erlang A
   * search starts there instead of at the Erlang C answer. It changes only the speed, never the result.
   */
  hintAgents?: number;
}

/** Result of {@link staffRealTime}; the metrics are those of `agents` (before shrinkage). */
export interface StaffRealTimeResult {
  /** Agents needed on the phones (handling), after the target and the occupancy cap. */
  agents: number;
  /** Share of contacts answered within the target time (the target's `targetSeconds`, else 0 s). */
  serviceLevel: number;
  /** Probability that a contact waits. */
  pWait: number;
  /** Average speed of answer in seconds (mean wait over all contacts). */
  asa: number;
  /** Agent occupancy (carried load / agents). */
  occupancy: number;
  /** Probability of abandonment (Erlang A only). */
  pAbandon?: number;
  /** Agents to schedule after shrinkage: ceil(agents / (1 − shrinkage)). */
  scheduled: number;
  /** What set `agents`: the service target, or the occupancy cap. */
  binding: 'target' | 'occupancy';
}

/**
 * Offered load in erlangs: contacts × AHT / interval length.
 * @example trafficErlangs(100, 1800, 180) // => 10
 */
export function trafficErlangs(
  contactsPerInterval: number,
  intervalSeconds: number,
  ahtSeconds: number,
): number {
  checkNonNegative('contactsPerInterval', contactsPerInterval);
  checkNonNegative('intervalSeconds', intervalSeconds, true);
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  return (contactsPerInterval * ahtSeconds) / intervalSeconds;
}

interface Metrics {
  serviceLevel: number;
  pWait: number;
  asa: number;
  occupancy: number;
  pAbandon?: number;
}

/** Search guard: no target we accept needs more than this many agents beyond A + 50·√A. */
const SEARCH_SLACK = 10_000;

/**
 * Staff one interval of a real-time queue: the smallest number of agents meeting `target` (Erlang C;
 * Erlang A when `patienceSeconds` is given), then raised until occupancy ≤ `occupancyCap`, then
 * `scheduled = ceil(agents / (1 − shrinkage))`.
 *
 * The search starts from a square-root-staffing guess A + 0.5·√A and steps one agent at a time, moving
 * the Erlang B recursion by one step each way (B(n+1) forward, B(n−1) = n·B(n)/(A(1 − B(n))) back), so a
 * search costs O(A + √A) for Erlang C. Service level, P(wait) and ASA all improve monotonically with N.
 * With zero contacts no agents are needed.
 *
 * @throws ModcapError BAD_ARGUMENT naming the bad field (NaN, negative, out-of-range level / cap /
 *   shrinkage, or an unreachable target such as level ≥ 1).
 * @example staffRealTime({ contactsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180,
 *   target: { kind: 'service-level', level: 0.8, targetSeconds: 20 }, occupancyCap: 0.85, shrinkage: 0.3 })
 * // => { agents: 14, serviceLevel: 0.888350, pWait: 0.174132, asa: 7.83594, occupancy: 0.714286,
 * //      scheduled: 20, binding: 'target' }
 */
export function staffRealTime(input: StaffRealTimeInput): StaffRealTimeResult {
  const { contactsPerInterval, intervalSeconds, ahtSeconds, target, patienceSeconds } = input;
  const a = trafficErlangs(contactsPerInterval, intervalSeconds, ahtSeconds);
  const cap = input.occupancyCap ?? 1;
  const shrinkage = input.shrinkage ?? 0;
  checkFraction('occupancyCap', cap, false, true);
  checkFraction('shrinkage', shrinkage, true, false);
  if (patienceSeconds !== undefined) checkNonNegative('patienceSeconds', patienceSeconds, true);
  const targetSeconds = validateTarget(target);

  if (a === 0) {
    const m: Metrics = { serviceLevel: 1, pWait: 0, asa: 0, occupancy: 0 };
    if (patienceSeconds !== undefined) m.pAbandon = 0;
    return { agents: 0, ...m, scheduled: 0, binding: 'target' };
  }

  const limit = Math.ceil(a + 50 * Math.sqrt(a)) + SEARCH_SLACK;
  const search = patienceSeconds === undefined ? searchErlangC : searchErlangA;
  const hint =
    input.hintAgents !== undefined && Number.isFinite(input.hintAgents) ? input.hintAgents : undefined;
  const found = search(a, ahtSeconds, target, targetSeconds, patienceSeconds ?? 0, limit, hint);
  let agents = found.agents;
  let metrics = found.metrics;
  let binding: 'target' | 'occupancy' = 'target';

  // Occupancy cap. Erlang C occupancy is A/N; Erlang A uses the carried load, which itself grows with N.
  const eps = 1e-12;
  if (metrics.occupancy > cap + eps) {
    binding = 'occupancy';
    if (patienceSeconds === undefined) {
      agents = Math.max(agents + 1, Math.ceil(a / cap - 1e-9));
      while (a / agents > cap + eps) agents++;
      metrics = erlangCMetrics(agents, a, erlangBUnchecked(agents, a), ahtSeconds, targetSeconds);
    } else {
      // Occupancy a(1 − P(abandon))/N, and P(abandon) only falls as N grows: N ≥ a(1 − P(abandon at the current
      // N))/cap is a lower bound on the answer for every larger N, so jumping there never overshoots; repeat until
      // the cap holds (one to three evaluations, not one per agent).
      while (metrics.occupancy > cap + eps) {
        const pAb = metrics.pAbandon ?? 0;
        agents = Math.max(agents + 1, Math.ceil((a * (1 - pAb)) / cap - 1e-9));
        metrics = erlangAMetrics(agents, a, ahtSeconds, patienceSeconds, targetSeconds);
      }
    }
  }
  const scheduled = Math.ceil(agents / (1 - shrinkage) - 1e-9);
  return { agents, ...metrics, scheduled, binding };
}

function checkFraction(field: string, v: number, zeroOk: boolean, oneOk: boolean): void {
  const ok =
    typeof v === 'number' && Number.isFinite(v) && (zeroOk ? v >= 0 : v > 0) && (oneOk ? v <= 1 : v < 1);
  if (!ok) {
    const range = `${zeroOk ? '[0' : '(0'}, ${oneOk ? '1]' : '1)'}`;
    throw new ModcapError('BAD_ARGUMENT', `${field} must be a fraction in ${range}, got ${String(v)}`, {
      field,
      value: v,
    });
  }
}

/** Validates the target; returns the seconds used for the reported service level. */
function validateTarget(target: RealTimeTarget): number {
  if (target === null || typeof target !== 'object') {
    throw new ModcapError('BAD_ARGUMENT', 'target must be an object with a kind', {
      field: 'target',
      value: target,
    });
  }
  switch (target.kind) {
    case 'service-level':
      checkFraction('target.level', target.level, true, false);
      checkNonNegative('target.targetSeconds', target.targetSeconds);
      return target.targetSeconds;
    case 'asa':
      checkNonNegative('target.asaSeconds', target.asaSeconds, true);
      return 0;
    case 'pwait':
      checkFraction('target.max', target.max, false, true);
      return 0;
    default:
      throw new ModcapError(
        'BAD_ARGUMENT',
        `target.kind must be 'service-level', 'asa' or 'pwait', got ${String((target as { kind: unknown }).kind)}`,
        { field: 'target.kind', value: (target as { kind: unknown }).kind },
      );
  }
}

function meets(m: Metrics, target: RealTimeTarget): boolean {
  switch (target.kind) {
    case 'service-level':
      return m.serviceLevel >= target.level;
    case 'asa':
      return m.asa <= target.asaSeconds;
    case 'pwait':
      return m.pWait <= target.max;
  }
}

function erlangCMetrics(agents: number, a: number, b: number, aht: number, targetSeconds: number): Metrics {
  const c = erlangCFromB(agents, a, b);
  return {
    serviceLevel: serviceLevelFromC(agents, a, c, aht, targetSeconds),
    pWait: c,
    asa: agents > a ? (c * aht) / (agents - a) : Number.POSITIVE_INFINITY,
    occupancy: a / agents,
  };
}

function erlangAMetrics(
  agents: number,
  a: number,
  aht: number,
  patience: number,
  targetSeconds: number,
): Metrics {
  const r: ErlangAResult = erlangAUnchecked(agents, a, aht, patience, targetSeconds);
  return {
    serviceLevel: r.serviceLevel,
    pWait: r.pWait,
    asa: r.asaSeconds,
    occupancy: r.occupancy,
    pAbandon: r.pAbandon,
  };
}

function unreachable(a: number, limit: number, target: RealTimeTarget): never {
  throw new ModcapError(
    'BAD_ARGUMENT',
    `target cannot be met with up to ${limit} agents at ${a} erlangs; loosen the target`,
    { field: 'target', value: target },
  );
}

interface Found {
  agents: number;
  metrics: Metrics;
}

function searchErlangC(
  a: number,
  aht: number,
  target: RealTimeTarget,
  targetSeconds: number,
  _patience: number,
  limit: number,
  _hint?: number,
): Found {
  const lo = Math.floor(a) + 1; // smallest stable staffing (N > A)
  let n = Math.max(lo, Math.floor(a + 0.5 * Math.sqrt(a)));
  let b = erlangBUnchecked(n, a);
  let m = erlangCMetrics(n, a, b, aht, targetSeconds);
  if (meets(m, target)) {
    // Step down while one fewer agent still meets the target.
    while (n > lo) {
      const bDown = (n * b) / (a * (1 - b));
      const mDown = erlangCMetrics(n - 1, a, bDown, aht, targetSeconds);
      if (!meets(mDown, target)) break;
      n--;
      b = bDown;
      m = mDown;
    }
    return { agents: n, metrics: m };
  }
  while (!meets(m, target)) {
    if (n >= limit) unreachable(a, limit, target);
    n++;
    b = (a * b) / (n + a * b);
    m = erlangCMetrics(n, a, b, aht, targetSeconds);
  }
  return { agents: n, metrics: m };
}

function searchErlangA(
  a: number,
  aht: number,
  target: RealTimeTarget,
  targetSeconds: number,
  patience: number,
  limit: number,
  hint?: number,
): Found {
  // Each evaluation costs O(N + queue tail), so gallop from a guess of A agents (abandonment lowers the
  // need below the Erlang C answer) to bracket the answer, then bisect: O(log) evaluations.
  const cache = new Map<number, Metrics>();
  const at = (n: number): Metrics => {
    let m = cache.get(n);
    if (m === undefined) {
      m = erlangAMetrics(n, a, aht, patience, targetSeconds);
      cache.set(n, m);
    }
    return m;
  };
  let bad: number; // largest known N that fails (−1: none)
  let good: number; // smallest known N that meets
  // Start from the Erlang C answer (cheap: O(A) with no logarithms): abandonment usually lowers the need by a
  // few agents, so the gallop below brackets the answer within two or three evaluations.
  let guess = Math.max(0, Math.floor(a));
  if (hint !== undefined) guess = Math.min(limit, Math.max(0, Math.round(hint)));
  else
    try {
      guess = searchErlangC(a, aht, target, targetSeconds, 0, limit).agents;
    } catch {
      // Erlang C cannot reach the target within the limit; abandonment may: start from A.
    }
  if (meets(at(guess), target)) {
    good = guess;
    bad = -1;
    for (let step = 1; good > 0; step *= 2) {
      const n = Math.max(0, good - step);
      if (meets(at(n), target)) good = n;
      else {
        bad = n;
        break;
      }
    }
  } else {
    bad = guess;
    good = -1;
    for (let step = 1; good < 0; step *= 2) {
      const n = Math.min(limit, bad + step);
      if (meets(at(n), target)) good = n;
      else if (n >= limit) unreachable(a, limit, target);
      else bad = n;
    }
  }
  while (good - bad > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (meets(at(mid), target)) good = mid;
    else bad = mid;
  }
  return { agents: good, metrics: at(good) };
}
