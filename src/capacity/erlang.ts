/**
 * Queueing formulas for real-time (answer-within-seconds) moderation queues.
 *
 * - Erlang B and Erlang C (M/M/N, infinite patience), computed with the stable Erlang B recursion
 *   B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)); no factorials, so thousands of agents and erlangs work.
 * - Erlang A (M/M/N+M, Palm; Garnett, Mandelbaum & Reiman 2002, "Designing a call center with impatient
 *   customers", M&SOM 4(3)), computed by summing the birth–death stationary distribution in log-space
 *   with truncation of the negligible tail; the service level uses the exact conditional waiting time
 *   given the state seen on arrival (see {@link erlangA}).
 *
 * Units live in names: `ahtSeconds`, `targetSeconds`, `patienceSeconds`; traffic is in erlangs
 * (arrival rate × mean handle time, both in the same time unit).
 */

import { ModcapError } from '../errors.ts';

/**
 * Throws ModcapError BAD_ARGUMENT (with `details.field`) unless `value` is a finite number ≥ 0, or > 0 when
 * `positive`. Shared by the capacity modules.
 * @example checkNonNegative('ahtSeconds', -1, true) // throws BAD_ARGUMENT 'ahtSeconds must be …'
 */
export function checkNonNegative(field: string, value: number, positive = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `${field} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${String(value)}`,
      { field, value },
    );
  }
}

function checkAgents(agents: number): void {
  if (typeof agents !== 'number' || !Number.isInteger(agents) || agents < 0) {
    throw new ModcapError('BAD_ARGUMENT', `agents must be a non-negative integer, got ${String(agents)}`, {
      field: 'agents',
      value: agents,
    });
  }
}

/**
 * Erlang B blocking probability of an M/M/N/N loss system, by the stable recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)). O(N), no overflow for any N or A.
 * @param agents number of servers N (non-negative integer)
 * @param trafficErlangs offered load A in erlangs (≥ 0)
 * @throws ModcapError BAD_ARGUMENT naming `agents` or `trafficErlangs`
 * @example erlangB(30, 25) // => 0.0526032
 */
export function erlangB(agents: number, trafficErlangs: number): number {
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  return erlangBUnchecked(agents, trafficErlangs);
}

/** Erlang B without argument checks (for inner loops). @example erlangBUnchecked(30, 25) // => 0.0526032 */
export function erlangBUnchecked(agents: number, a: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) {
    const ab = a * b;
    b = ab / (n + ab);
  }
  return b;
}

/**
 * Erlang C from an Erlang B value at the same N and A (no checks): C = N·B / (N − A(1 − B)).
 * @example erlangCFromB(10, 6, erlangB(10, 6)) // => 0.101299
 */
export function erlangCFromB(agents: number, a: number, b: number): number {
  if (a === 0) return 0;
  if (agents <= a) return 1;
  return (agents * b) / (agents - a * (1 - b));
}

/**
 * Erlang C: probability that an arriving contact waits in an M/M/N queue (infinite patience),
 * C = N·B / (N − A(1 − B)) with B the Erlang B value. Returns 1 when agents ≤ traffic (the queue grows
 * without bound) and 0 when traffic is 0.
 * @param agents number of agents N (non-negative integer)
 * @param trafficErlangs offered load A in erlangs (≥ 0)
 * @throws ModcapError BAD_ARGUMENT naming the bad field
 * @example erlangC(10, 6) // => 0.101299
 */
export function erlangC(agents: number, trafficErlangs: number): number {
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  return erlangCFromB(agents, trafficErlangs, erlangBUnchecked(agents, trafficErlangs));
}

/**
 * Service level from an Erlang C value (no checks): 1 − C·exp(−(N − A)·T / AHT); 0 when N ≤ A.
 * @example serviceLevelFromC(14, 10, erlangC(14, 10), 180, 20) // => 0.888350
 */
export function serviceLevelFromC(
  agents: number,
  a: number,
  c: number,
  ahtSeconds: number,
  targetSeconds: number,
): number {
  if (a === 0) return 1;
  if (agents <= a) return 0;
  return 1 - c * Math.exp((-(agents - a) * targetSeconds) / ahtSeconds);
}

/**
 * Erlang C service level: the share of contacts answered within `targetSeconds`,
 * 1 − C·exp(−(N − A)·T / AHT). Returns 0 when agents ≤ traffic and 1 when traffic is 0.
 * @param agents number of agents N
 * @param trafficErlangs offered load A in erlangs
 * @param ahtSeconds mean handle time in seconds (> 0)
 * @param targetSeconds answer-within target T in seconds (≥ 0)
 * @throws ModcapError BAD_ARGUMENT naming the bad field
 * @example serviceLevel(14, 10, 180, 20) // => 0.888350
 */
export function serviceLevel(
  agents: number,
  trafficErlangs: number,
  ahtSeconds: number,
  targetSeconds: number,
): number {
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  checkNonNegative('targetSeconds', targetSeconds);
  const c = erlangCFromB(agents, trafficErlangs, erlangBUnchecked(agents, trafficErlangs));
  return serviceLevelFromC(agents, trafficErlangs, c, ahtSeconds, targetSeconds);
}

/**
 * Erlang C average speed of answer in seconds (mean wait over all contacts): C·AHT / (N − A).
 * Returns Infinity when agents ≤ traffic and 0 when traffic is 0.
 * @param agents number of agents N
 * @param trafficErlangs offered load A in erlangs
 * @param ahtSeconds mean handle time in seconds (> 0)
 * @throws ModcapError BAD_ARGUMENT naming the bad field
 * @example asa(14, 10, 180) // => 7.83594 (seconds)
 */
export function asa(agents: number, trafficErlangs: number, ahtSeconds: number): number {
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return Number.POSITIVE_INFINITY;
  const c = erlangCFromB(agents, trafficErlangs, erlangBUnchecked(agents, trafficErlangs));
  return (c * ahtSeconds) / (agents - trafficErlangs);
}

/**
 * Erlang C agent occupancy A / N (the share of time agents are busy). Returns 0 when traffic is 0 and
 * may exceed 1 when agents < traffic (an unstable queue; callers should treat it as infeasible).
 * @param agents number of agents N
 * @param trafficErlangs offered load A in erlangs
 * @throws ModcapError BAD_ARGUMENT naming the bad field
 * @example occupancy(14, 10) // => 0.714286
 */
export function occupancy(agents: number, trafficErlangs: number): number {
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  if (trafficErlangs === 0) return 0;
  if (agents === 0) return Number.POSITIVE_INFINITY;
  return trafficErlangs / agents;
}

/** Inputs of {@link erlangA}. */
export interface ErlangAInput {
  /** Number of agents N (non-negative integer). */
  agents: number;
  /** Offered load A = arrival rate × mean handle time, in erlangs. */
  trafficErlangs: number;
  /** Mean handle time 1/μ in seconds (> 0). */
  ahtSeconds: number;
  /** Mean patience θ in seconds (> 0): each waiting contact abandons at rate 1/θ. */
  patienceSeconds: number;
  /** Answer-within target T in seconds for the service level (≥ 0); defaults to 0. */
  targetSeconds?: number;
}

/** Results of {@link erlangA}; all probabilities are over all arriving contacts. */
export interface ErlangAResult {
  /** Probability that an arriving contact must wait (finds all agents busy). */
  pWait: number;
  /** Probability that an arriving contact abandons before service. */
  pAbandon: number;
  /** Mean wait in seconds over all arrivals (served and abandoning): E[queue length] / λ. */
  asaSeconds: number;
  /** Share of all arriving contacts that are served after waiting at most `targetSeconds`. */
  serviceLevel: number;
  /** Carried load per agent: A·(1 − P(abandon)) / N (0 when N = 0). */
  occupancy: number;
}

/** Above this many queued states the tail cannot be summed in reasonable time. */
const MAX_QUEUE_STATES = 2_000_000;
/** Stop summing the tail once terms fall this far (in natural log) below the largest term. */
const LOG_TAIL_CUTOFF = 46; // e^-46 ≈ 1e-20

/**
 * Erlang A (M/M/N+M, Palm's model; Garnett, Mandelbaum & Reiman 2002): Poisson arrivals, N agents,
 * exponential handle times with mean `ahtSeconds`, and exponential patience with mean `patienceSeconds`.
 *
 * Method: the number in system is a birth–death chain with birth rate λ = A/AHT, death rate n·μ for
 * n ≤ N and N·μ + (n − N)·γ above (μ = 1/AHT, γ = 1/θ). Its stationary distribution π is summed in
 * log-space (log-sum-exp) and the tail truncated once terms drop below e^−46 of the largest. By PASTA,
 * P(wait) = Σ_{n≥N} π_n; by Little, ASA = E[Q]/λ and P(abandon) = γ·E[Q]/λ.
 *
 * Service level: an arrival that finds j ≥ 0 waiting ahead (n = N + j) moves up one place at rate
 * c + iγ while i are ahead (c = Nμ), and abandons itself at rate γ; so with i ahead it leaves that stage
 * at rate c + (i+1)γ, moving on with probability (c + iγ)/(c + (i+1)γ). The product over i = j..0
 * telescopes to c/(c + (j+1)γ) (probability of being served), and the time to service is a sum of
 * exponentials with rates c + kγ, k = 1..j+1, whose CDF is the regularized incomplete beta
 * I_y(j+1, c/γ + 1) with y = 1 − e^{−γT} (substitute u = e^{−γt} in the density). So
 * SL(T) = (1 − P(wait)) + Σ_j π_{N+j} · c/(c + (j+1)γ) · I_y(j+1, c/γ + 1), with I computed by the
 * recurrence I_y(m+1, b) = I_y(m, b) − y^m(1 − y)^b Γ(m+b)/(Γ(m+1)Γ(b)), terms carried in log-space.
 *
 * @throws ModcapError BAD_ARGUMENT naming the bad field, or when the queue would need more than
 *   2,000,000 states (an overloaded system with very long patience).
 * @example erlangA({ agents: 14, trafficErlangs: 10, ahtSeconds: 180, patienceSeconds: 300, targetSeconds: 20 })
 * // => { pWait: 0.145260, pAbandon: 0.0139837, asaSeconds: 4.19512, serviceLevel: 0.916792, occupancy: 0.704297 }
 */
export function erlangA(input: ErlangAInput): ErlangAResult {
  const { agents, trafficErlangs, ahtSeconds, patienceSeconds } = input;
  const targetSeconds = input.targetSeconds ?? 0;
  checkAgents(agents);
  checkNonNegative('trafficErlangs', trafficErlangs);
  checkNonNegative('ahtSeconds', ahtSeconds, true);
  checkNonNegative('patienceSeconds', patienceSeconds, true);
  checkNonNegative('targetSeconds', targetSeconds);
  return erlangAUnchecked(agents, trafficErlangs, ahtSeconds, patienceSeconds, targetSeconds);
}

/**
 * {@link erlangA} without argument checks (for inner loops); same arguments, positionally.
 * @example erlangAUnchecked(14, 10, 180, 300, 20).serviceLevel // => 0.916792
 */
export function erlangAUnchecked(
  agents: number,
  a: number,
  ahtSeconds: number,
  patienceSeconds: number,
  targetSeconds: number,
): ErlangAResult {
  if (a === 0) return { pWait: 0, pAbandon: 0, asaSeconds: 0, serviceLevel: 1, occupancy: 0 };
  if (agents >= 1) return erlangAStable(agents, a, ahtSeconds, patienceSeconds, targetSeconds);
  return erlangALogSpace(agents, a, ahtSeconds, patienceSeconds, targetSeconds);
}

/**
 * Erlang A summed in log-space (log-sum-exp): works for any N, including N < A where the chain's weights grow
 * past state N. {@link erlangAUnchecked} uses it when N < A.
 * @example erlangALogSpace(14, 10, 180, 300, 20).serviceLevel // => 0.916792
 */
export function erlangALogSpace(
  agents: number,
  a: number,
  ahtSeconds: number,
  patienceSeconds: number,
  targetSeconds: number,
): ErlangAResult {
  if (a === 0) return { pWait: 0, pAbandon: 0, asaSeconds: 0, serviceLevel: 1, occupancy: 0 };
  const r = ahtSeconds / patienceSeconds; // γ/μ
  const logA = Math.log(a);

  // Pass 1: log weights of states 0..N (relative to state 0), then the tail beyond N.
  const logW: number[] = [0];
  let maxLog = 0;
  let lw = 0;
  for (let n = 1; n <= agents; n++) {
    lw += logA - Math.log(n);
    logW.push(lw);
    if (lw > maxLog) maxLog = lw;
  }
  for (let k = 1; ; k++) {
    const rate = agents + k * r; // death rate in units of μ
    lw += logA - Math.log(rate);
    logW.push(lw);
    if (lw > maxLog) maxLog = lw;
    // Past the mode (birth ≤ death) and negligible: stop.
    if (a <= rate && lw < maxLog - LOG_TAIL_CUTOFF) break;
    if (k > MAX_QUEUE_STATES) {
      throw new ModcapError(
        'BAD_ARGUMENT',
        `Erlang A queue needs more than ${MAX_QUEUE_STATES} states (traffic ${a} erlangs, ${agents} agents, ` +
          `patience/AHT ${1 / r}); add agents or shorten patienceSeconds`,
        { field: 'patienceSeconds', value: patienceSeconds },
      );
    }
  }

  // Pass 2: normalise and accumulate.
  let total = 0;
  let waitMass = 0;
  let queueMean = 0;
  const n = logW.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = Math.exp(logW[i] - maxLog);
    p[i] = w;
    total += w;
    if (i >= agents) waitMass += w;
    if (i > agents) queueMean += (i - agents) * w;
  }
  const pWait = waitMass / total;
  const eq = queueMean / total;
  const pAbandon = Math.min(1, (r * eq) / a);
  const asaSeconds = (eq * ahtSeconds) / a;
  const occ = agents === 0 ? 0 : (a * (1 - pAbandon)) / agents;

  // Service level: (1 − P(wait)) + Σ_j π_{N+j} · c/(c + (j+1)γ) · I_y(j+1, b), in units of μ (c = N).
  let sl = 1 - pWait;
  if (agents > 0) {
    const gamma = 1 / patienceSeconds;
    const y = -Math.expm1(-gamma * targetSeconds);
    if (y > 0) {
      const b = agents / r + 1;
      const logY = Math.log(y);
      // log t_1 = log b + log y + b·log(1 − y), and log(1 − y) = −γT.
      let logT = Math.log(b) + logY - b * gamma * targetSeconds;
      let inc = 1 - Math.exp(-b * gamma * targetSeconds); // I_y(1, b)
      for (let j = 0; agents + j < n; j++) {
        const m = j + 1;
        const pi = p[agents + j] / total;
        const served = agents / (agents + m * r);
        sl += pi * served * Math.max(0, Math.min(1, inc));
        inc -= Math.exp(logT);
        if (inc <= 0) break;
        logT += logY + Math.log(m + b) - Math.log(m + 1);
      }
    }
  }
  return { pWait, pAbandon, asaSeconds, serviceLevel: Math.min(1, Math.max(0, sl)), occupancy: occ };
}

/** Reused buffer for the queue tail of {@link erlangAStable} (grown on demand; one thread, no re-entry). */
let scratch = new Float64Array(1024);

/**
 * {@link erlangAUnchecked} for N ≥ 1, with weights relative to state N: the states below N sum to
 * 1/B(N, A) − 1 (the Erlang B recursion, no logarithms) and the queue tail is a running product
 * a/(N + k·γ/μ), rescaled when it grows (N < A: the weights rise to the mode N + (A − N)/(γ/μ)), summed until
 * negligible past the mode. Same results as the log-space sum (tested), several times faster, which is what a
 * plan's hundreds of thousands of interval searches need.
 */
function erlangAStable(
  agents: number,
  a: number,
  ahtSeconds: number,
  patienceSeconds: number,
  targetSeconds: number,
): ErlangAResult {
  const r = ahtSeconds / patienceSeconds;
  const b = erlangBUnchecked(agents, a);
  let low = 1 / b - 1; // Σ_{n<N} π_n / π_N
  // Tail: t_0 = 1 (state N), t_k = t_{k−1} · a / (N + k·r).
  let t = 1;
  let waitMass = 1;
  let queueMean = 0;
  let tail = scratch;
  tail[0] = 1;
  let len = 1;
  for (let k = 1; ; k++) {
    if (k > MAX_QUEUE_STATES)
      throw new ModcapError(
        'BAD_ARGUMENT',
        `Erlang A queue needs more than ${MAX_QUEUE_STATES} states (traffic ${a} erlangs, ${agents} agents, ` +
          `patience/AHT ${1 / r}); add agents or shorten patienceSeconds`,
        { field: 'patienceSeconds', value: patienceSeconds },
      );
    t *= a / (agents + k * r);
    if (t > 1e250) {
      // Overloaded (N < A): the weights grow up to the mode N + (A − N)/r; rescale everything kept so far.
      t *= 1e-250;
      low *= 1e-250;
      waitMass *= 1e-250;
      queueMean *= 1e-250;
      for (let i = 0; i < len; i++) tail[i] *= 1e-250;
    }
    waitMass += t;
    queueMean += k * t;
    if (len === tail.length) {
      const grown = new Float64Array(tail.length * 2);
      grown.set(tail);
      tail = grown;
      scratch = grown;
    }
    tail[len++] = t;
    // Past the mode (birth ≤ death) the weights only fall: stop once they are negligible.
    if (a <= agents + k * r && t < 1e-14 * (low + waitMass)) break;
  }
  const total = low + waitMass;
  const pWait = waitMass / total;
  const eq = queueMean / total;
  const pAbandon = Math.min(1, (r * eq) / a);
  const asaSeconds = (eq * ahtSeconds) / a;
  const occ = (a * (1 - pAbandon)) / agents;
  let sl = 1 - pWait;
  const gamma = 1 / patienceSeconds;
  const y = -Math.expm1(-gamma * targetSeconds);
  if (y > 0) {
    // t_m = y^m (1 − y)^b Γ(m+b) / (Γ(m+1) Γ(b)), stepped by the ratio y (m + b)/(m + 1) in linear space with
    // a separate log scale (t_1 can underflow when b is large), so no logarithm per term.
    const bb = agents / r + 1;
    let logScale = Math.log(bb) + Math.log(y) - bb * gamma * targetSeconds;
    let mant = 1;
    let scale = Math.exp(logScale);
    let inc = 1 - Math.exp(-bb * gamma * targetSeconds);
    for (let j = 0; j < len; j++) {
      const m = j + 1;
      const pj = tail[j] / total;
      if (pj < 1e-14 && a <= agents + j * r) break; // past the mode the tail only decreases: the rest is negligible
      sl += pj * (agents / (agents + m * r)) * Math.max(0, Math.min(1, inc));
      inc -= mant * scale;
      if (inc <= 0) break;
      mant *= (y * (m + bb)) / (m + 1);
      if (mant > 1e100 || mant < 1e-100) {
        logScale += Math.log(mant);
        mant = 1;
        scale = Math.exp(logScale);
      }
    }
  }
  return { pWait, pAbandon, asaSeconds, serviceLevel: Math.min(1, Math.max(0, sl)), occupancy: occ };
}
