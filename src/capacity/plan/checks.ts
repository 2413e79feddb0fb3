/** The plan checked by simulation: arrivals played against the plan's staffing, service measured. */

import { simulateDeferred, simulateRealTime } from '../simulate.ts';
import type { DeferredPlan, RealTimePlan } from './plan.ts';
import { contactWeighted } from './realtime.ts';

/** Planned against simulated service for one queue × language over its busiest week. */
export interface SimulationCheck {
  readonly queue: string;
  readonly language: string;
  readonly kind: 'real-time' | 'deferred';
  /** First hour of the simulated week (index on the plan grid). */
  readonly fromHour: number;
  readonly hours: number;
  /** Service level the plan's formulas promise (share within the SLA time), contact-weighted. */
  readonly planned: number;
  readonly simulated: number;
  /** simulated − planned, in points (percentage points). */
  readonly gapPoints: number;
  readonly seed: number;
}

const WEEK = 168;
/** Weeks of each deferred queue simulated from the plan's start. */
const CHECK_WEEKS = 4;

function busiestWeek(x: Float64Array): number {
  let best = 0;
  let bestSum = -1;
  for (let w = 0; w * WEEK < x.length; w++) {
    let s = 0;
    for (let t = w * WEEK; t < Math.min(x.length, (w + 1) * WEEK); t++) s += x[t];
    if (s > bestSum) {
      bestSum = s;
      best = w;
    }
  }
  return best;
}

/**
 * Simulates each real-time queue × language over its busiest week, and each deferred one over its first four
 * weeks (then a week to drain), seeded, at the plan's staffing, and compares the service level achieved with
 * the one planned.
 */
export function simulationChecks(
  realTime: readonly RealTimePlan[],
  deferred: readonly DeferredPlan[],
  seed: number,
): SimulationCheck[] {
  const out: SimulationCheck[] = [];
  for (const r of realTime) {
    const w = busiestWeek(r.staffing.contacts);
    const from = w * WEEK;
    const to = Math.min(r.staffing.contacts.length, from + WEEK);
    const contacts = r.staffing.contacts.slice(from, to);
    const agents = Int32Array.from(r.staffing.agents.slice(from, to));
    if (contacts.reduce((a, b) => a + b, 0) < 1) continue;
    const sim = simulateRealTime({
      arrivalsPerInterval: contacts,
      intervalSeconds: 3600,
      agentsPerInterval: agents,
      ahtSeconds: r.ahtSeconds,
      targetSeconds: r.sla.targetSeconds,
      patienceSeconds: r.sla.patienceSeconds,
      seed,
    });
    const planned = contactWeighted(r.staffing.serviceLevel.slice(from, to), contacts);
    out.push({
      queue: r.queue,
      language: r.language,
      kind: 'real-time',
      fromHour: from,
      hours: to - from,
      planned,
      simulated: sim.serviceLevel,
      gapPoints: (sim.serviceLevel - planned) * 100,
      seed,
    });
  }
  for (const d of deferred) {
    // The first CHECK_WEEKS weeks from the plan's start state (empty queue, as the formula assumes), then one
    // drain week with the staffing kept and no arrivals, so every item of the window is finished or late.
    const weeks = Math.min(CHECK_WEEKS, d.weeklyShareWithin.length);
    const to = weeks * WEEK;
    const drain = Math.min(d.arrivals.length, to + WEEK);
    const arrivals = new Float64Array(drain);
    arrivals.set(d.arrivals.subarray(0, to));
    let num = 0;
    let den = 0;
    for (let w = 0; w < weeks; w++) {
      num += d.weeklyShareWithin[w] * d.weeklyWorkHours[w];
      den += d.weeklyWorkHours[w];
    }
    if (den <= 0) continue;
    const planned = num / den;
    const sim = simulateDeferred({
      arrivals,
      agentsPerHour: d.agentsPerHour.subarray(0, drain),
      open: d.open.subarray(0, drain),
      ahtSeconds: d.ahtSeconds,
      withinHours: d.sla.withinHours,
      seed,
    });
    out.push({
      queue: d.queue,
      language: d.language,
      kind: 'deferred',
      fromHour: 0,
      hours: to,
      planned,
      simulated: sim.shareWithin,
      gapPoints: (sim.shareWithin - planned) * 100,
      seed,
    });
  }
  return out;
}
