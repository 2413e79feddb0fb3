/** Real-time queues in a plan: Erlang staffing per hour, pooled and per site. */

import type { RealTimeSla } from '../config.ts';
import { type RealTimeTarget, staffRealTime } from '../staffing.ts';

/** Erlang staffing of one queue's contacts on an hourly grid. */
export interface HourlyStaffing {
  /** Contacts per hour offered to this queue (or this site's share of it). */
  readonly contacts: Float64Array;
  /** Agents on the queue per hour (before shrinkage), meeting the SLA and the occupancy cap. */
  readonly agents: Float64Array;
  readonly serviceLevel: Float64Array;
  readonly asaSeconds: Float64Array;
  readonly occupancy: Float64Array;
  /** Probability of abandonment per hour (Erlang A; 0 under Erlang C). */
  readonly pAbandon: Float64Array;
  /** Number of Erlang staffing searches run. */
  readonly searches: number;
}

/** The SLA of a real-time queue as a staffing target. */
export function slaTarget(sla: RealTimeSla): RealTimeTarget {
  return { kind: 'service-level', level: sla.level, targetSeconds: sla.targetSeconds };
}

/**
 * Staffs every hour with {@link staffRealTime} (Erlang C, or Erlang A when the SLA has a mean patience):
 * the fewest agents meeting the SLA, then the occupancy cap. `active[t] = false` skips an hour (closed:
 * nobody can be staffed; its contacts are reported as unserved by the caller).
 * @example staffHours(contacts, 120, { kind: 'real-time', level: 0.8, targetSeconds: 60 }, 0.85).agents[0] // => 14
 */
export function staffHours(
  contacts: Float64Array,
  ahtSeconds: number,
  sla: RealTimeSla,
  occupancyCap: number,
  active?: (t: number) => boolean,
): HourlyStaffing {
  const n = contacts.length;
  const agents = new Float64Array(n);
  const serviceLevel = new Float64Array(n).fill(1);
  const asaSeconds = new Float64Array(n);
  const occupancy = new Float64Array(n);
  const pAbandon = new Float64Array(n);
  const target = slaTarget(sla);
  let searches = 0;
  let prev = -1; // last staffed hour, whose answer (scaled by the load) starts the next search
  for (let t = 0; t < n; t++) {
    if (contacts[t] <= 0 || (active && !active(t))) continue;
    const hintAgents = prev >= 0 ? (agents[prev] * contacts[t]) / contacts[prev] : undefined;
    const r = staffRealTime({
      hintAgents,
      contactsPerInterval: contacts[t],
      intervalSeconds: 3600,
      ahtSeconds,
      target,
      occupancyCap,
      patienceSeconds: sla.patienceSeconds,
    });
    searches++;
    agents[t] = r.agents;
    serviceLevel[t] = r.serviceLevel;
    asaSeconds[t] = r.asa;
    occupancy[t] = r.occupancy;
    pAbandon[t] = r.pAbandon ?? 0;
    prev = t;
  }
  return { contacts, agents, serviceLevel, asaSeconds, occupancy, pAbandon, searches };
}

/** One queue × language to staff hour by hour (the shape that crosses to a worker thread). */
export interface StaffTask {
  readonly contacts: Float64Array;
  readonly ahtSeconds: number;
  readonly sla: RealTimeSla;
  readonly occupancyCap: number;
  /** 1 where the hour may be staffed (some site is open), 0 where it is skipped. */
  readonly active: Uint8Array;
}

/** {@link staffHours} of one task. */
export function staffTask(task: StaffTask): HourlyStaffing {
  return staffHours(task.contacts, task.ahtSeconds, task.sla, task.occupancyCap, (t) => task.active[t] === 1);
}

/** Contact-weighted mean of a per-hour metric. */
export function contactWeighted(metric: Float64Array, contacts: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < metric.length; t++) {
    num += metric[t] * contacts[t];
    den += contacts[t];
  }
  return den > 0 ? num / den : 1;
}
