/**
 * A whole capacity plan: forecast → workload → staffing per interval (real-time) or per week (deferred) →
 * allocation to sites (LP / MIP) → headcount, hiring, overtime and surge → cost, with the moderation mix and a
 * simulation check beside it. Every step's inputs and parameters are kept in the result.
 */

import { ModcapError } from '../../errors.ts';
import type { StoredForecast } from '../../forecast/explain/types.ts';
import { TaskPool } from '../../parallel/pool.ts';
import { type AllocationProblem, type AllocationResult, allocate } from '../allocate.ts';
import { openProfile } from '../calendar.ts';
import type { CapacityConfig, DeferredSla, RealTimeSla, Site } from '../config.ts';
import { staffDeferred } from '../deferred.ts';
import { type HeadcountPlan, planHeadcount, weeklyAttrition } from '../headcount.ts';
import { buildWorkload, type VolumeBasis, type Workload } from '../workload.ts';
import { type SimulationCheck, simulationChecks } from './checks.ts';
import { type CostRow, planCosts } from './cost.ts';
import { type MixReport, mixReports } from './mix-report.ts';
import { weekLabels } from './months.ts';
import { planWorkers } from './parallel.ts';
import { contactWeighted, type HourlyStaffing, type StaffTask, staffTask } from './realtime.ts';
import { type SiteEconomics, siteEconomics } from './sites.ts';

/** Options of {@link planCapacity}. */
export interface PlanOptions {
  /** Which forecast number to plan on (default `mean`). */
  readonly basis?: VolumeBasis;
  /** Weeks to plan (default: every whole week the forecast covers, at most 52). */
  readonly weeks?: number;
  /** Whole reviewers in the allocation (default true). */
  readonly integerHeadcount?: boolean;
  /** Cost added per hour per unit of (1 − site quality score), reporting currency (default 0). */
  readonly qualityWeight?: number;
  /** Relative MIP gap HiGHS may stop at (default 0.01). */
  readonly mipRelGap?: number;
  /** Run the discrete-event simulation check (default true). */
  readonly simulate?: boolean;
  /** Seed of the simulation (default 1). */
  readonly seed?: number;
  /**
   * Worker threads for the real-time staffing and the simulation check (0 or 1: this thread only). Default: all
   * cores once the plan has 200,000 real-time queue × language hours or more, else none. The numbers are the
   * same either way.
   */
  readonly workers?: number;
}

/** Staffing of one real-time queue × language (pooled over the sites open each hour). */
export interface RealTimePlan {
  readonly queue: string;
  readonly language: string;
  readonly sla: RealTimeSla;
  readonly ahtSeconds: number;
  readonly occupancyCap: number;
  readonly staffing: HourlyStaffing;
  /** Contacts arriving in hours when no site staffing the language is open. */
  readonly unservedContacts: number;
  readonly meanServiceLevel: number;
  readonly peakAgents: number;
}

/** Staffing of one deferred queue × language. */
export interface DeferredPlan {
  readonly queue: string;
  readonly language: string;
  readonly sla: DeferredSla;
  readonly ahtSeconds: number;
  readonly occupancyCap: number;
  readonly arrivals: Float64Array;
  readonly open: Uint8Array;
  readonly agentsPerHour: Float64Array;
  readonly backlog: Float64Array;
  readonly oldestAgeHours: Float64Array;
  readonly achievedShareWithin: number;
  /** Per week: the share of that week's items the formula says are done within the SLA, and its work hours. */
  readonly weeklyShareWithin: readonly number[];
  readonly weeklyWorkHours: readonly number[];
  readonly infeasibleWeeks: readonly { week: number; reason: string }[];
}

/** What one site × language needs and has, week by week. */
export interface SiteLanguagePlan {
  readonly site: string;
  readonly language: string;
  /** Demand hours (at standard handle time) the allocation gave this site, per week. */
  readonly allocatedHours: Float64Array;
  /** Fully productive FTE needed per week: allocated hours / (available hours per FTE × productivity). */
  readonly requiredFte: Float64Array;
  readonly headcount: HeadcountPlan;
}

/** A capacity plan. */
export interface CapacityPlan {
  readonly scenario: string;
  readonly startMs: number;
  readonly weeks: number;
  readonly weekLabels: readonly string[];
  readonly basis: VolumeBasis;
  readonly reportingCurrency: string;
  readonly workload: readonly Workload[];
  readonly realTime: readonly RealTimePlan[];
  readonly deferred: readonly DeferredPlan[];
  readonly allocation: AllocationResult;
  readonly sites: readonly SiteLanguagePlan[];
  readonly costs: readonly CostRow[];
  readonly mix: readonly MixReport[];
  readonly checks: readonly SimulationCheck[];
  readonly warnings: readonly string[];
  readonly parameters: {
    readonly options: PlanOptions;
    readonly siteEconomics: readonly {
      site: string;
      availableHoursPerFteWeek: number;
      basis: string;
      costPerFteWeek: number;
      currency: string;
      rateToReporting: number;
    }[];
  };
  readonly stats: { readonly erlangSearches: number; readonly timingsMs: Record<string, number> };
}

const openAt = (v: number) => v >= 0.5;

/**
 * Plans capacity for a forecast under a configuration (apply a scenario first with `applyScenario`).
 * @throws ModcapError from the workload (forecast shape), BAD_ARGUMENT for options
 * @example const plan = await planCapacity(readForecast('out/forecast.json'), loadCapacityConfig('data/demo/config.json'));
 * plan.allocation.status // => 'optimal'
 */
export async function planCapacity(
  forecast: StoredForecast,
  config: CapacityConfig,
  options: PlanOptions = {},
): Promise<CapacityPlan> {
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => {
    timings[name] = Math.round(performance.now() - since);
    return performance.now();
  };
  let t0 = performance.now();
  const ws = buildWorkload(forecast, config, { basis: options.basis });
  const maxWeeks = Math.min(52, Math.floor(ws.hours / 168));
  const weeks = options.weeks ?? maxWeeks;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > maxWeeks)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `weeks must be a whole number from 1 to ${maxWeeks} (the forecast covers ${ws.hours} hours)`,
      { field: 'weeks', value: options.weeks },
    );
  const H = weeks * 168;
  const startMs = ws.startMs;
  const workload = ws.items.map((w) => truncate(w, H));
  const warnings = [...ws.warnings];
  t0 = lap('workload', t0);

  const econ = new Map<string, SiteEconomics>(config.sites.map((s) => [s.id, siteEconomics(config, s)]));
  const open = new Map(config.sites.map((s) => [s.id, openProfile(s, startMs, H).open]));
  const staffing = (l: string): Site[] => config.sites.filter((s) => s.languages[l] !== undefined);
  const openSitesOf = (l: string, t: number): Site[] =>
    staffing(l).filter((s) => openAt((open.get(s.id) as Float64Array)[t]));
  t0 = lap('calendars', t0);

  // Real-time staffing first, every queue × language at once (on worker threads in a large plan).
  const rtTasks = new Map<Workload, StaffTask>();
  for (const w of workload) {
    const queue = config.queues.find((q) => q.id === w.queue);
    if (queue?.sla.kind !== 'real-time') continue;
    const anySite = staffing(w.language).length > 0;
    const active = new Uint8Array(H);
    for (let t = 0; t < H; t++) active[t] = !anySite || openSitesOf(w.language, t).length > 0 ? 1 : 0;
    const occupancyCap = anySite ? Math.min(...staffing(w.language).map((s) => s.occupancyCap)) : 1;
    rtTasks.set(w, {
      contacts: w.humanItems,
      ahtSeconds: w.ahtSeconds,
      sla: queue.sla,
      occupancyCap,
      active,
    });
  }
  const workers = planWorkers(options.workers, rtTasks.size * H);
  const pool = workers > 1 ? new TaskPool(workers) : undefined;
  try {
    const tasks = [...rtTasks.values()];
    const staffed = pool
      ? await Promise.all(tasks.map((task) => pool.run('staff', task)))
      : tasks.map(staffTask);
    const rtStaffing = new Map([...rtTasks.keys()].map((w, i) => [w, staffed[i]]));
    return await finishPlan(rtStaffing, pool);
  } finally {
    await pool?.close();
  }

  async function finishPlan(
    rtStaffing: Map<Workload, HourlyStaffing>,
    pool: TaskPool | undefined,
  ): Promise<CapacityPlan> {
    // Staffing need per queue × language.
    const demand: AllocationProblem['demand'] = [];
    const languages = [...new Set(workload.map((w) => w.language))].sort();
    const realTime: RealTimePlan[] = [];
    const deferred: DeferredPlan[] = [];
    let searches = 0;
    const segmentHours = new Map<string, Map<string, number>>(); // site → segment → open hours
    for (const w of workload) {
      const queue = config.queues.find((q) => q.id === w.queue);
      if (!queue) continue;
      const candidates = staffing(w.language);
      if (candidates.length === 0) {
        warnings.push(`no site staffs ${w.language}: ${w.queue} ${w.language} is all shortfall`);
      }
      const occupancyCap = candidates.length > 0 ? Math.min(...candidates.map((s) => s.occupancyCap)) : 1;
      if (queue.sla.kind === 'real-time') {
        const sla = queue.sla;
        const openSites = (t: number) => openSitesOf(w.language, t);
        const st = rtStaffing.get(w) as HourlyStaffing;
        searches += st.searches;
        let unserved = 0;
        const byWeekSegment = new Map<string, number>();
        for (let t = 0; t < H; t++) {
          const sites = openSites(t);
          const week = Math.floor(t / 168);
          if (sites.length === 0) {
            unserved += w.humanItems[t];
            if (candidates.length === 0 && st.agents[t] > 0) addTo(byWeekSegment, `${week}|`, st.agents[t]);
            continue;
          }
          addTo(byWeekSegment, `${week}|${segmentKey(w.language, week, sites)}`, st.agents[t]);
        }
        if (unserved > 0.5)
          warnings.push(
            `${w.queue} ${w.language}: ${Math.round(unserved)} contacts arrive while no site staffing ${w.language} is open; they are not served in the plan`,
          );
        for (const [k, hours] of byWeekSegment) {
          const [week, segment] = k.split('|');
          demand.push({ language: w.language, week: Number(week), ...(segment && { segment }), hours });
        }
        realTime.push({
          queue: w.queue,
          language: w.language,
          sla,
          ahtSeconds: w.ahtSeconds,
          occupancyCap,
          staffing: st,
          unservedContacts: unserved,
          meanServiceLevel: contactWeighted(st.serviceLevel, w.humanItems),
          peakAgents: st.agents.reduce((a, b) => Math.max(a, b), 0),
        });
      } else {
        const sla = queue.sla;
        const openMask = new Uint8Array(H);
        // With no site for the language, staff as if always open: the need is still measured (as a shortfall).
        for (let t = 0; t < H; t++)
          openMask[t] =
            candidates.length === 0 || candidates.some((s) => openAt((open.get(s.id) as Float64Array)[t]))
              ? 1
              : 0;
        const r = staffDeferred({
          arrivals: w.humanItems,
          ahtSeconds: w.ahtSeconds,
          open: openMask,
          level: sla.level,
          withinHours: sla.withinHours,
          blockHours: 168,
          // The sites' occupancy cap bounds the planned utilisation of deferred staffing too (a fixed plan near
          // 100 % load drifts like a random walk; see staffDeferred), so its agents are staffed hours as they are.
          maxUtilisation: occupancyCap,
        });
        const infeasibleWeeks = r.blocks
          .map((b, i) => ({ week: i, feasible: b.feasible !== false, reason: b.reason ?? '' }))
          .filter((b) => !b.feasible)
          .map(({ week, reason }) => ({ week, reason }));
        for (let week = 0; week < weeks; week++) {
          let hours = 0;
          for (let t = week * 168; t < (week + 1) * 168; t++) hours += r.agentsPerHour[t];
          if (hours > 0) demand.push({ language: w.language, week, hours });
        }
        deferred.push({
          queue: w.queue,
          language: w.language,
          sla,
          ahtSeconds: w.ahtSeconds,
          occupancyCap,
          arrivals: w.humanItems,
          open: openMask,
          agentsPerHour: r.agentsPerHour,
          backlog: r.backlog,
          oldestAgeHours: r.oldestAgeHours,
          achievedShareWithin: r.achievedShareWithin,
          weeklyShareWithin: r.blocks.map((b) => b.achievedShareWithin),
          weeklyWorkHours: r.blocks.map((b) => b.workloadHours),
          infeasibleWeeks,
        });
      }
    }
    // Hours each site is open in each real-time segment (once per language with real-time work).
    for (const l of new Set(realTime.map((r) => r.language))) {
      for (let t = 0; t < H; t++) {
        const sites = openSitesOf(l, t);
        if (sites.length === 0) continue;
        const seg = segmentKey(l, Math.floor(t / 168), sites);
        for (const s of sites) {
          let m = segmentHours.get(s.id);
          if (!m) {
            m = new Map();
            segmentHours.set(s.id, m);
          }
          m.set(seg, (m.get(seg) ?? 0) + 1);
        }
      }
    }
    t0 = lap('staffing', t0);

    // Allocation.
    const itemsPerDemandHour = itemsPerHour(workload);
    const problem: AllocationProblem = {
      weeks: weekLabels(startMs, weeks),
      languages,
      demand,
      sites: config.sites.map((s) => {
        const e = econ.get(s.id) as SiteEconomics;
        const costPerProductiveHour =
          s.costPerItem !== undefined ? s.costPerItem * e.rate * itemsPerDemandHour : undefined;
        return {
          id: s.id,
          kind: s.kind,
          languages: s.languages,
          minHeadcount: s.minHeadcount,
          maxHeadcount: s.maxHeadcount,
          productiveHoursPerFteWeek: e.availableHoursPerFteWeek,
          paidHoursPerFteWeek: s.paidHoursPerWeek,
          ...(e.basis !== 'item' && { costPerFteWeek: e.costPerFteWeek * e.rate }),
          ...(costPerProductiveHour !== undefined && { costPerProductiveHour }),
          ...(s.qualityScore !== undefined && { qualityScore: s.qualityScore }),
          ...(s.vendorMinimumHoursPerWeek !== undefined && {
            vendorMinimumHoursPerWeek: s.vendorMinimumHoursPerWeek,
          }),
          segments: Object.fromEntries(segmentHours.get(s.id) ?? []),
          ...reachOf(s, weeks),
          // Staff on the payroll today are costed whatever the plan (the headcount plan never lays anyone off,
          // and vendors paid by the hour or FTE bill their seats), so the allocation uses them first.
          existingIsSunk: true,
        };
      }),
    };
    // The simulation check needs only the staffing: on a worker it runs while this thread allocates.
    const seed = options.seed ?? 1;
    const simStart = performance.now();
    const simulating =
      options.simulate === false
        ? undefined
        : pool?.run('simulate', realTime, deferred, seed).then((value) => ({
            value,
            ms: Math.round(performance.now() - simStart),
          }));
    simulating?.catch(() => {}); // awaited below; never an unhandled rejection while the allocation runs
    const allocation = await allocate(problem, {
      integerHeadcount: options.integerHeadcount ?? true,
      roster: 'flexible',
      qualityWeight: options.qualityWeight ?? 0,
      mipRelGap: options.mipRelGap ?? 0.01,
    });
    t0 = lap('allocation', t0);

    // Headcount and hiring per site × language.
    const sites: SiteLanguagePlan[] = [];
    for (const s of config.sites) {
      const e = econ.get(s.id) as SiteEconomics;
      const langs = Object.keys(s.languages).filter(
        (l) => languages.includes(l) || (s.currentHeadcount[l] ?? 0) > 0,
      );
      const need = langs.map((l) => {
        const allocatedHours = new Float64Array(weeks);
        for (const a of allocation.allocations)
          if (a.site === s.id && a.language === l) allocatedHours[a.week] += a.productiveHours;
        const requiredFte = allocatedHours.map(
          (h) => h / (e.availableHoursPerFteWeek * (s.languages[l] ?? 1)),
        );
        return { l, allocatedHours, requiredFte, peak: requiredFte.reduce((a, b) => Math.max(a, b), 0) };
      });
      const peaks = need.reduce((a, n) => a + n.peak, 0);
      // Surge FTE are shared by the site's languages in proportion to their peak need.
      for (const { l, allocatedHours, requiredFte, peak } of need) {
        const current = s.currentHeadcount[l] ?? 0;
        const headcount = planHeadcount({
          required: requiredFte,
          currentHeadcount: current,
          monthlyAttrition: s.monthlyAttrition,
          rampCurve: s.rampCurve,
          leadTimeWeeks: s.leadTimeWeeks,
          trainingWeeks: s.trainingWeeks,
          // The site cap less what its other languages need at their peak, so the languages together fit.
          maxHeadcount: Math.max(current, s.maxHeadcount - (peaks - peak)),
          overtime: { maxShare: s.overtimeMaxShare },
          surge: { availableFte: s.kind === 'vendor' && peaks > 0 ? (s.surgeMaxFte * peak) / peaks : 0 },
        });
        sites.push({ site: s.id, language: l, allocatedHours, requiredFte, headcount });
      }
    }
    t0 = lap('headcount', t0);

    const costs = planCosts({
      config,
      startMs,
      weeks,
      workload,
      sites,
      econ,
      scenario: config.appliedScenario ?? 'base',
    });
    const mix = mixReports(config, workload, sites, econ);
    t0 = lap('cost', t0);
    let checks: SimulationCheck[] = [];
    if (simulating) {
      const done = await simulating;
      checks = done.value;
      timings.simulation = done.ms; // on the worker, beside the allocation
      timings['simulation wait'] = Math.round(performance.now() - t0);
    } else {
      if (options.simulate !== false) checks = simulationChecks(realTime, deferred, seed);
      lap('simulation', t0);
    }
    if (workers > 1) timings.workers = workers;

    return {
      scenario: config.appliedScenario ?? 'base',
      startMs,
      weeks,
      weekLabels: weekLabels(startMs, weeks),
      basis: ws.basis,
      reportingCurrency: config.reportingCurrency,
      workload,
      realTime,
      deferred,
      allocation,
      sites,
      costs,
      mix,
      checks,
      warnings,
      parameters: {
        options,
        siteEconomics: [...econ.values()].map((e) => ({
          site: e.site.id,
          availableHoursPerFteWeek: e.availableHoursPerFteWeek,
          basis: e.basis,
          costPerFteWeek: e.costPerFteWeek,
          currency: e.site.currency,
          rateToReporting: e.rate,
        })),
      },
      stats: { erlangSearches: searches, timingsMs: timings },
    };
  }
}

/**
 * Today's staff per language and week (expected survivors of monthly attrition) and the most headcount each
 * language can have in each week: before hires decided now can have arrived (lead time + training), only the
 * survivors plus overtime (and, at a vendor, its surge); from then on the site maximum.
 */
function reachOf(s: Site, weeks: number) {
  const wa = weeklyAttrition(s.monthlyAttrition);
  const firstHire = Math.ceil(s.leadTimeWeeks) + Math.ceil(s.trainingWeeks);
  const existingHeadcount: Record<string, number[]> = {};
  const maxHeadcountByWeek: Record<string, number[]> = {};
  for (const l of Object.keys(s.languages)) {
    const now = s.currentHeadcount[l] ?? 0;
    existingHeadcount[l] = Array.from({ length: weeks }, (_, w) => now * (1 - wa) ** w);
    maxHeadcountByWeek[l] = existingHeadcount[l].map((e, w) =>
      w >= firstHire
        ? s.maxHeadcount
        : e * (1 + s.overtimeMaxShare) + (s.kind === 'vendor' ? s.surgeMaxFte : 0),
    );
  }
  return { existingHeadcount, maxHeadcountByWeek };
}

/** Real-time segment: a language's hours of one week in which the same set of its sites is open. */
const segmentKey = (language: string, week: number, sites: readonly Site[]) =>
  `rt:${language}:${week}:${sites.map((s) => s.id).join('+')}`;

function addTo(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** Human items handled per demand hour over all workload (for per-item vendor pricing in the allocation). */
function itemsPerHour(workload: readonly Workload[]): number {
  let items = 0;
  let hours = 0;
  for (const w of workload)
    for (let t = 0; t < w.humanItems.length; t++) {
      items += w.humanItems[t];
      hours += w.workloadHours[t];
    }
  return hours > 0 ? items / hours : 0;
}

function truncate(w: Workload, H: number): Workload {
  if (w.volume.length === H) return w;
  return {
    ...w,
    volume: w.volume.subarray(0, H),
    humanItems: w.humanItems.subarray(0, H),
    llmItems: w.llmItems.subarray(0, H),
    workloadHours: w.workloadHours.subarray(0, H),
  };
}
