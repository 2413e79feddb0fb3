/**
 * Moderation mix of one queue: which share of items is decided automatically (rules, classifiers), by an LLM
 * reviewer, or by humans; what that costs per item and the expected accuracy of the decisions; and the
 * cheapest mix that meets a quality target (a linear programme in the shares, solved exactly by vertex
 * enumeration).
 *
 * Model (shares x_auto + x_llm + x_human = 1, each item decided once by its channel):
 * - Human work per incoming item = x_human × (1 + qaRate + reworkRate): every human decision, plus a
 *   `qaRate` sample reviewed a second time, plus `reworkRate` extra handling (rework, appeals) per human item.
 *   This is the same factor as the workload formula (volume × human share × (1 + QA + rework) × AHT).
 * - Cost per item = x_auto × c_auto + x_llm × c_llm + x_human × c_human × (1 + qaRate + reworkRate).
 * - Accuracy: automatic and LLM decisions are right with their accuracy. A human decision is right with
 *   probability h; a QA-sampled one is reviewed again by an independent reviewer of the same accuracy, and
 *   disagreements are settled correctly (adjudication is not charged), so a sampled item is wrong only when
 *   both are wrong: 1 − (1 − h)². Effective human accuracy h' = h + qaRate × h × (1 − h). Rework adds cost
 *   only. Expected accuracy = x_auto × a_auto + x_llm × a_llm + x_human × h'.
 * Costs are per item in one currency (the caller converts).
 */

import { ModcapError } from '../errors.ts';

/** A machine channel (automatic rules / classifiers, or an LLM reviewer). */
export interface MachineChannel {
  /** Cost per item decided (≥ 0, one currency). */
  costPerItem: number;
  /** Probability a decision is right, in [0, 1]. */
  accuracy: number;
  /** Largest share of items this channel may decide, in [0, 1] (what it can handle, or policy). */
  maxShare: number;
}

/** The human channel. */
export interface HumanChannel {
  /** Cost of one human review (≥ 0): AHT seconds × cost per productive hour / 3600, see {@link humanCostPerItem}. */
  costPerItem: number;
  /** Probability one human decision is right, in [0, 1]. */
  accuracy: number;
  /** Largest human share, in [0, 1]; 1 when omitted. */
  maxShare?: number;
}

/** The three channels of a queue. */
export interface MixChannels {
  automatic: MachineChannel;
  llm: MachineChannel;
  human: HumanChannel;
}

/** Channels plus the human QA and rework rates: everything {@link evaluateMix} needs besides the shares. */
export interface MixModel {
  channels: MixChannels;
  /** Share of human decisions double-reviewed, in [0, 1] (default 0). */
  qaRate?: number;
  /** Extra human work per human item (rework, appeals), ≥ 0 (default 0). */
  reworkRate?: number;
}

/** Shares of incoming items per channel; they sum to 1. */
export interface MixShares {
  automatic: number;
  llm: number;
  human: number;
}

/** Cost and quality of one mix, from {@link evaluateMix}. */
export interface MixEvaluation {
  shares: MixShares;
  /** Cost per incoming item (all channels, QA and rework included). */
  costPerItem: number;
  /** Expected share of right decisions. */
  expectedAccuracy: number;
  /** Human reviews per incoming item, QA and rework included: x_human × (1 + qaRate + reworkRate). */
  humanItemsPerItem: number;
  /** Accuracy of a human-decided item after QA: h + qaRate × h × (1 − h). */
  humanEffectiveAccuracy: number;
}

/** Inputs of {@link cheapestMix}. */
export interface CheapestMixInput extends MixModel {
  /** Expected accuracy the mix must reach, in [0, 1]. */
  qualityTarget: number;
  /** Incoming items (≥ 0, e.g. per week); when given, the result carries totals for that volume. */
  volume?: number;
}

/** Totals of a mix for a given volume. */
export interface MixTotals {
  volume: number;
  cost: number;
  automaticItems: number;
  llmItems: number;
  /** Items first decided by a human. */
  humanDecisions: number;
  /** Human reviews incl. QA and rework (the human workload in items). */
  humanReviews: number;
}

/** The optimum of {@link cheapestMix}. */
export interface FeasibleMix extends MixEvaluation {
  feasible: true;
  qualityTarget: number;
  /** Constraints tight at the optimum: 'qualityTarget', '<channel>.maxShare', '<channel>.zero'. */
  binding: string[];
  totals?: MixTotals;
}

/** {@link cheapestMix} when no mix reaches the target. */
export interface InfeasibleMix {
  feasible: false;
  qualityTarget: number;
  /** The highest expected accuracy any allowed mix reaches. */
  bestAccuracy: number;
  /** A mix reaching `bestAccuracy` (the cheapest among ties). */
  bestShares: MixShares;
  reason: string;
}

/** Result of {@link cheapestMix}. */
export type CheapestMixResult = FeasibleMix | InfeasibleMix;

/** One point of {@link mixFrontier}: JSON-friendly, nulls where the target is out of reach. */
export interface FrontierPoint {
  qualityTarget: number;
  feasible: boolean;
  costPerItem: number | null;
  expectedAccuracy: number | null;
  automaticShare: number | null;
  llmShare: number | null;
  humanShare: number | null;
}

const CHANNELS = ['automatic', 'llm', 'human'] as const;
/** Tolerance on shares and accuracies when checking a vertex. */
const TOL = 1e-9;

/**
 * Cost of one human review from its handle time and the cost of a productive hour.
 * @example humanCostPerItem(45, 24) // => 0.3 (45 s × 24 / 3600)
 */
export function humanCostPerItem(ahtSeconds: number, costPerProductiveHour: number): number {
  checkNonNegative('ahtSeconds', ahtSeconds);
  checkNonNegative('costPerProductiveHour', costPerProductiveHour);
  return (ahtSeconds * costPerProductiveHour) / 3600;
}

/**
 * Cost per item, expected accuracy and human workload of a mix (model in the module comment).
 * @throws ModcapError BAD_ARGUMENT naming the field: bad channel values, shares outside [0, maxShare] or not
 *   summing to 1 (within 1e-9).
 * @example evaluateMix({ channels: { automatic: { costPerItem: 0.001, accuracy: 0.9, maxShare: 0.8 },
 *   llm: { costPerItem: 0.01, accuracy: 0.95, maxShare: 0.5 }, human: { costPerItem: 0.3, accuracy: 0.98 } },
 *   qaRate: 0.1, reworkRate: 0.05 }, { automatic: 0.5, llm: 0.3, human: 0.2 })
 * // => { costPerItem: 0.0725, expectedAccuracy: 0.931392, humanItemsPerItem: 0.23, … }
 */
export function evaluateMix(model: MixModel, shares: MixShares): MixEvaluation {
  const m = validateModel(model);
  if (shares === null || typeof shares !== 'object')
    bad('shares', shares, 'must be { automatic, llm, human }');
  let sum = 0;
  for (const ch of CHANNELS) {
    const x = shares[ch];
    checkRange(`shares.${ch}`, x, 0, 1);
    if (x > m.max[CHANNELS.indexOf(ch)] + TOL)
      bad(`shares.${ch}`, x, `exceeds channels.${ch}.maxShare ${m.max[CHANNELS.indexOf(ch)]}`);
    sum += x;
  }
  if (Math.abs(sum - 1) > TOL) bad('shares', shares, `must sum to 1 (they sum to ${sum})`);
  return evaluate(m, [shares.automatic, shares.llm, shares.human]);
}

/**
 * The cheapest mix whose expected accuracy reaches `qualityTarget`, with each share in [0, maxShare] and the
 * shares summing to 1. Cost and accuracy are linear in the shares, so the optimum is a vertex of the
 * feasible polygon: every pair of constraints (3 lower bounds, 3 upper bounds, the target) is made tight
 * together with Σ shares = 1, the feasible intersection points are kept, and the cheapest wins (ties: higher
 * accuracy, then more automation). Exact up to floating point; no solver needed.
 *
 * @returns the optimum, or `{ feasible: false, bestAccuracy, bestShares, reason }` when even the most
 *   accurate allowed mix misses the target.
 * @throws ModcapError BAD_ARGUMENT naming the field (bad channel values, a target outside [0, 1], maxShares
 *   summing below 1 so no mix exists).
 * @example cheapestMix({ channels: { automatic: { costPerItem: 0.001, accuracy: 0.9, maxShare: 0.8 },
 *   llm: { costPerItem: 0, accuracy: 0, maxShare: 0 }, human: { costPerItem: 0.05, accuracy: 0.98 } },
 *   qualityTarget: 0.95 })
 * // => { feasible: true, shares: { automatic: 0.375, llm: 0, human: 0.625 }, costPerItem: 0.031625, … }
 */
export function cheapestMix(input: CheapestMixInput): CheapestMixResult {
  const m = validateModel(input);
  checkRange('qualityTarget', input.qualityTarget, 0, 1);
  if (input.volume !== undefined) checkNonNegative('volume', input.volume);
  return solve(m, input.qualityTarget, input.volume);
}

/**
 * Cost against quality: {@link cheapestMix} at each target, as flat records for a chart (e.g. Vega-Lite x =
 * qualityTarget, y = costPerItem). Targets out of reach give `feasible: false` and nulls.
 * @throws ModcapError BAD_ARGUMENT naming the field (as {@link cheapestMix}; `targets[i]` outside [0, 1]).
 * @example mixFrontier(model, [0.9, 0.95, 0.99]).map((p) => p.costPerItem)
 * // => [0.0028, 0.110429, null] (model of the evaluateMix example; 0.99 is above its best 0.98196)
 */
export function mixFrontier(input: MixModel, targets: readonly number[]): FrontierPoint[] {
  const m = validateModel(input);
  if (!Array.isArray(targets)) bad('targets', targets, 'must be an array of accuracies in [0, 1]');
  targets.forEach((t, i) => {
    checkRange(`targets[${i}]`, t, 0, 1);
  });
  return targets.map((t) => {
    const r = solve(m, t, undefined);
    if (!r.feasible)
      return {
        qualityTarget: t,
        feasible: false,
        costPerItem: null,
        expectedAccuracy: null,
        automaticShare: null,
        llmShare: null,
        humanShare: null,
      };
    return {
      qualityTarget: t,
      feasible: true,
      costPerItem: r.costPerItem,
      expectedAccuracy: r.expectedAccuracy,
      automaticShare: r.shares.automatic,
      llmShare: r.shares.llm,
      humanShare: r.shares.human,
    };
  });
}

interface Model {
  /** Cost per item of each channel, human incl. QA and rework. */
  cost: [number, number, number];
  /** Accuracy of each channel, human after QA. */
  acc: [number, number, number];
  max: [number, number, number];
  humanFactor: number;
}

/** A constraint g·x ≥ b, with its name. */
interface Constraint {
  g: [number, number, number];
  b: number;
  name: string;
}

function evaluate(m: Model, x: readonly number[]): MixEvaluation {
  return {
    shares: { automatic: x[0], llm: x[1], human: x[2] },
    costPerItem: m.cost[0] * x[0] + m.cost[1] * x[1] + m.cost[2] * x[2],
    expectedAccuracy: m.acc[0] * x[0] + m.acc[1] * x[1] + m.acc[2] * x[2],
    humanItemsPerItem: x[2] * m.humanFactor,
    humanEffectiveAccuracy: m.acc[2],
  };
}

function solve(m: Model, target: number, volume: number | undefined): CheapestMixResult {
  const bounds: Constraint[] = [];
  for (let i = 0; i < 3; i++) {
    const g: [number, number, number] = [0, 0, 0];
    g[i] = 1;
    bounds.push({ g, b: 0, name: `${CHANNELS[i]}.zero` });
    const h: [number, number, number] = [0, 0, 0];
    h[i] = -1;
    bounds.push({ g: h, b: -m.max[i], name: `${CHANNELS[i]}.maxShare` });
  }
  const quality: Constraint = { g: [...m.acc], b: target, name: 'qualityTarget' };
  const best = optimumVertex(
    bounds,
    (x) => dot(m.acc, x),
    (x) => -dot(m.cost, x),
  );
  if (best === undefined) throw new Error('unreachable: validateModel guarantees Σ maxShare ≥ 1');
  const bestAccuracy = dot(m.acc, best);
  const cons = [...bounds, quality];
  const opt = optimumVertex(
    cons,
    (x) => -dot(m.cost, x),
    (x) => dot(m.acc, x),
  );
  if (opt === undefined) {
    const bestShares = { automatic: best[0], llm: best[1], human: best[2] };
    return {
      feasible: false,
      qualityTarget: target,
      bestAccuracy,
      bestShares,
      reason:
        `no mix reaches accuracy ${target}: the best allowed mix (automatic ${fmt(best[0])}, llm ${fmt(best[1])}, ` +
        `human ${fmt(best[2])}) reaches ${fmt(bestAccuracy)}; raise channel accuracy or the QA rate, allow a larger share ` +
        'to the most accurate channel, or lower the target',
    };
  }
  const binding = cons.filter((c) => Math.abs(dot(c.g, opt) - c.b) <= TOL).map((c) => c.name);
  const result: FeasibleMix = { feasible: true, qualityTarget: target, ...evaluate(m, opt), binding };
  if (volume !== undefined) {
    result.totals = {
      volume,
      cost: volume * result.costPerItem,
      automaticItems: volume * opt[0],
      llmItems: volume * opt[1],
      humanDecisions: volume * opt[2],
      humanReviews: volume * result.humanItemsPerItem,
    };
  }
  return result;
}

/**
 * The vertex of {x : Σx = 1, every constraint} maximising `score`, ties broken by `tie` then by the
 * automatic share; undefined when the polygon is empty.
 */
function optimumVertex(
  cons: readonly Constraint[],
  score: (x: number[]) => number,
  tie: (x: number[]) => number,
): number[] | undefined {
  let best: number[] | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestTie = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < cons.length; i++) {
    for (let j = i + 1; j < cons.length; j++) {
      const x = solve3([1, 1, 1], 1, cons[i].g, cons[i].b, cons[j].g, cons[j].b);
      if (x === undefined) continue;
      if (!cons.every((c) => dot(c.g, x) >= c.b - TOL)) continue;
      const clean = snap(x, cons);
      const s = score(clean);
      const t = tie(clean);
      const better =
        s > bestScore + 1e-12 ||
        (s >= bestScore - 1e-12 &&
          (t > bestTie + 1e-12 ||
            (t >= bestTie - 1e-12 && best !== undefined && clean[0] > best[0] + 1e-12)));
      if (better) {
        best = clean;
        bestScore = s;
        bestTie = t;
      }
    }
  }
  return best;
}

/** Rounds shares within TOL of a bound onto it (0 or maxShare), keeping Σ = 1 through the human share. */
function snap(x: number[], cons: readonly Constraint[]): number[] {
  const y = x.map((v) => (Math.abs(v) <= TOL ? 0 : v));
  for (const c of cons) {
    const i = c.g.indexOf(-1);
    if (i >= 0 && c.g.filter((v) => v !== 0).length === 1 && Math.abs(y[i] + c.b) <= TOL) y[i] = -c.b;
  }
  // Keep the sum exact; adjust the largest share (least relative change).
  const k = y.indexOf(Math.max(...y));
  y[k] = Math.max(0, 1 - y.reduce((s, v, i) => (i === k ? s : s + v), 0));
  return y;
}

/** Solves the 3×3 system [r1; r2; r3] x = [b1; b2; b3] by Cramer's rule; undefined when singular. */
function solve3(
  r1: readonly number[],
  b1: number,
  r2: readonly number[],
  b2: number,
  r3: readonly number[],
  b3: number,
): number[] | undefined {
  const det3 = (a: readonly number[], b: readonly number[], c: readonly number[]) =>
    a[0] * (b[1] * c[2] - b[2] * c[1]) -
    a[1] * (b[0] * c[2] - b[2] * c[0]) +
    a[2] * (b[0] * c[1] - b[1] * c[0]);
  const d = det3(r1, r2, r3);
  if (Math.abs(d) < 1e-12) return undefined;
  const col = (k: number) => {
    const a = [...r1];
    const b = [...r2];
    const c = [...r3];
    a[k] = b1;
    b[k] = b2;
    c[k] = b3;
    return det3(a, b, c) / d;
  };
  return [col(0), col(1), col(2)];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function fmt(v: number): string {
  return String(Math.round(v * 1e6) / 1e6);
}

function bad(field: string, value: unknown, why: string): never {
  const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  throw new ModcapError('BAD_ARGUMENT', `${field} ${why}, got ${shown}`, { field, value });
}

function checkRange(field: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    bad(field, v, `must be a number in [${lo}, ${hi}]`);
}

function checkNonNegative(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(field, v, 'must be a finite number ≥ 0');
}

function validateModel(model: MixModel): Model {
  if (model === null || typeof model !== 'object') bad('input', model, 'must be an object with channels');
  const ch = model.channels;
  if (ch === null || typeof ch !== 'object') bad('channels', ch, 'must be { automatic, llm, human }');
  for (const name of CHANNELS) {
    const c = ch[name];
    if (c === null || typeof c !== 'object')
      bad(`channels.${name}`, c, 'must be an object { costPerItem, accuracy, maxShare }');
    checkNonNegative(`channels.${name}.costPerItem`, c.costPerItem);
    checkRange(`channels.${name}.accuracy`, c.accuracy, 0, 1);
    if (name !== 'human' || c.maxShare !== undefined)
      checkRange(`channels.${name}.maxShare`, c.maxShare, 0, 1);
  }
  const q = model.qaRate ?? 0;
  const r = model.reworkRate ?? 0;
  checkRange('qaRate', q, 0, 1);
  checkNonNegative('reworkRate', r);
  const max: [number, number, number] = [ch.automatic.maxShare, ch.llm.maxShare, ch.human.maxShare ?? 1];
  if (max[0] + max[1] + max[2] < 1 - TOL)
    bad(
      'channels.human.maxShare',
      max[2],
      `leaves no mix: the maxShares sum to ${max[0] + max[1] + max[2]} < 1, so the shares cannot sum to 1`,
    );
  const h = ch.human.accuracy;
  const humanFactor = 1 + q + r;
  return {
    cost: [ch.automatic.costPerItem, ch.llm.costPerItem, ch.human.costPerItem * humanFactor],
    acc: [ch.automatic.accuracy, ch.llm.accuracy, h + q * h * (1 - h)],
    max,
    humanFactor,
  };
}
