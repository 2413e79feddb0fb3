/** A plan as files: CSV tables for spreadsheets, one JSON document with everything and its provenance. */

import { HOUR_MS } from '../../forecast/io/calendar.ts';
import { csvCell } from '../../forecast/io/csv.ts';
import type { Provenance } from '../../forecast/output.ts';
import { costTotals } from './cost.ts';
import type { CapacityPlan } from './plan.ts';

type Cell = string | number | undefined;

function table(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const out = [header.join(',')];
  for (const r of rows) out.push(r.map((c) => (typeof c === 'number' ? fmt(c) : csvCell(c))).join(','));
  return `${out.join('\n')}\n`;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 1e4) / 1e4));
const iso = (ms: number) => new Date(ms).toISOString();

/** `requirements.csv`: per scenario × site × language × week, what is needed and how it is covered. */
export function requirementsCsv(plans: readonly CapacityPlan[]): string {
  return table(
    [
      'scenario',
      'site',
      'language',
      'week',
      'week_start',
      'allocated_hours',
      'required_fte',
      'headcount_start',
      'attrition',
      'hires_decided',
      'hires_starting',
      'in_training',
      'ramping',
      'effective_fte',
      'overtime_fte',
      'surge_fte',
      'uncovered_fte',
      'surplus_fte',
      'paid_headcount',
    ],
    (function* () {
      for (const p of plans)
        for (const s of p.sites)
          for (const w of s.headcount.weeks)
            yield [
              p.scenario,
              s.site,
              s.language,
              w.week,
              p.weekLabels[w.week],
              s.allocatedHours[w.week],
              w.required,
              w.headcountStart,
              w.attritionLoss,
              w.hiresDecided,
              w.hiresStarting,
              w.inTraining,
              w.ramping,
              w.effectiveFte,
              w.overtimeFte,
              w.surgeFte,
              w.uncoveredFte,
              w.surplusFte,
              w.paidHeadcount,
            ];
    })(),
  );
}

/** `hiring.csv`: every hiring decision (decide in week, start in week, how many, for which week's need). */
export function hiringCsv(plans: readonly CapacityPlan[]): string {
  return table(
    [
      'scenario',
      'site',
      'language',
      'decision_week',
      'decision_date',
      'start_week',
      'hires',
      'for_week',
      'productivity_at_for_week',
      'capped',
    ],
    (function* () {
      for (const p of plans)
        for (const s of p.sites)
          for (const d of s.headcount.decisions)
            yield [
              p.scenario,
              s.site,
              s.language,
              d.decisionWeek,
              p.weekLabels[d.decisionWeek] ?? '',
              d.startWeek,
              d.hires,
              d.forWeek,
              d.productivityAtForWeek,
              String(d.capped),
            ];
    })(),
  );
}

/** `costs.csv`: per scenario × site × language × month × component, site currency and reporting currency. */
export function costsCsv(plans: readonly CapacityPlan[]): string {
  const cur = plans[0]?.reportingCurrency ?? 'reporting';
  return table(
    ['scenario', 'site', 'language', 'month', 'component', 'currency', 'cost', `cost_${cur}`],
    (function* () {
      for (const p of plans)
        for (const r of [...p.costs].sort((a, b) =>
          (a.site + a.language + a.month).localeCompare(b.site + b.language + b.month),
        ))
          yield [r.scenario, r.site, r.language, r.month, r.component, r.currency, r.cost, r.costReporting];
    })(),
  );
}

/** `scenarios.csv`: total cost per scenario and month in the reporting currency, side by side. */
export function scenariosCsv(plans: readonly CapacityPlan[]): string {
  const months = [...new Set(plans.flatMap((p) => p.costs.map((c) => c.month)))].sort();
  const totals = plans.map((p) => costTotals(p.costs, (r) => r.month));
  return table(
    ['month', ...plans.map((p) => p.scenario)],
    [
      ...months.map((m) => [m, ...totals.map((t) => t.get(m) ?? 0)]),
      ['total', ...totals.map((t) => [...t.values()].reduce((a, b) => a + b, 0))],
    ],
  );
}

/** `intervals.csv`: real-time staffing per queue × language × hour (pooled over the open sites). */
export function intervalsCsv(plans: readonly CapacityPlan[]): string {
  return table(
    [
      'scenario',
      'queue',
      'language',
      'timestamp',
      'contacts',
      'agents',
      'service_level',
      'asa_seconds',
      'occupancy',
      'p_abandon',
    ],
    (function* () {
      for (const p of plans)
        for (const r of p.realTime)
          for (let t = 0; t < r.staffing.contacts.length; t++)
            yield [
              p.scenario,
              r.queue,
              r.language,
              iso(p.startMs + t * HOUR_MS),
              r.staffing.contacts[t],
              r.staffing.agents[t],
              r.staffing.serviceLevel[t],
              r.staffing.asaSeconds[t],
              r.staffing.occupancy[t],
              r.staffing.pAbandon[t],
            ];
    })(),
  );
}

/** `backlog.csv`: deferred queues per hour: arrivals, agents working, backlog and the oldest item's age. */
export function backlogCsv(plans: readonly CapacityPlan[]): string {
  return table(
    ['scenario', 'queue', 'language', 'timestamp', 'arrivals', 'agents', 'backlog', 'oldest_age_hours'],
    (function* () {
      for (const p of plans)
        for (const d of p.deferred)
          for (let t = 0; t < d.arrivals.length; t++)
            yield [
              p.scenario,
              d.queue,
              d.language,
              iso(p.startMs + t * HOUR_MS),
              d.arrivals[t],
              d.agentsPerHour[t],
              d.backlog[t],
              d.oldestAgeHours[t],
            ];
    })(),
  );
}

/** `shortfalls.csv`: demand no site could serve (language, week, segment, hours, why). */
export function shortfallsCsv(plans: readonly CapacityPlan[]): string {
  return table(
    ['scenario', 'language', 'week', 'week_start', 'segment', 'hours', 'reason'],
    (function* () {
      for (const p of plans)
        for (const s of p.allocation.shortfalls)
          yield [p.scenario, s.language, s.week, p.weekLabels[s.week], s.segment ?? '', s.hours, s.reason];
    })(),
  );
}

/** `mix.csv`: current and cheapest moderation mix per queue. */
export function mixCsv(plans: readonly CapacityPlan[]): string {
  return table(
    [
      'scenario',
      'queue',
      'mix',
      'automation_share',
      'llm_share',
      'human_share',
      'cost_per_item',
      'expected_accuracy',
      'quality_target',
      'fte',
      'total_cost',
      'note',
    ],
    (function* () {
      for (const p of plans)
        for (const m of p.mix)
          for (const [name, point] of [
            ['current', m.current],
            ['cheapest', m.cheapest],
          ] as const) {
            if (!point) {
              yield [p.scenario, m.queue, name, '', '', '', '', '', m.qualityTarget, '', '', m.reason];
              continue;
            }
            yield [
              p.scenario,
              m.queue,
              name,
              point.automationShare,
              point.llmShare,
              point.humanShare,
              point.costPerItem,
              point.expectedAccuracy,
              m.qualityTarget,
              point.fte,
              point.totalCost,
              '',
            ];
          }
    })(),
  );
}

/** Headline numbers of a plan, for the CLI and the JSON document. */
export function planSummary(p: CapacityPlan) {
  const totalCost = p.costs.reduce((a, r) => a + r.costReporting, 0);
  const sum = (f: (w: CapacityPlan['sites'][number]['headcount']) => number) =>
    p.sites.reduce((a, s) => a + f(s.headcount), 0);
  return {
    scenario: p.scenario,
    weeks: p.weeks,
    from: p.weekLabels[0],
    totalCost,
    currency: p.reportingCurrency,
    hires: sum((h) => h.totals.hires),
    overtimeFteWeeks: sum((h) => h.totals.overtimeFteWeeks),
    surgeFteWeeks: sum((h) => h.totals.surgeFteWeeks),
    uncoveredFteWeeks: sum((h) => h.totals.uncoveredFteWeeks),
    shortfallHours: p.allocation.shortfalls.reduce((a, s) => a + s.hours, 0),
    allocation: { status: p.allocation.status, gap: p.allocation.gap, seconds: p.allocation.seconds.total },
    worstSimulationGapPoints: p.checks.reduce((a, c) => Math.max(a, Math.abs(c.gapPoints)), 0),
  };
}

/** The JSON document of a plan run: provenance, then per scenario the summary, parameters and weekly tables. */
export function planJson(plans: readonly CapacityPlan[], provenance: Provenance) {
  return {
    provenance,
    scenarios: plans.map((p) => ({
      summary: planSummary(p),
      basis: p.basis,
      parameters: p.parameters,
      warnings: p.warnings,
      stats: p.stats,
      weekLabels: p.weekLabels,
      workload: p.workload.map((w) => ({
        queue: w.queue,
        language: w.language,
        markets: w.markets,
        ahtSeconds: w.ahtSeconds,
        automationShare: w.automationShare,
        llmShare: w.llmShare,
        humanShare: w.humanShare,
        weeklyVolume: weekly(w.volume, p.weeks),
        weeklyHumanItems: weekly(w.humanItems, p.weeks),
        weeklyWorkloadHours: weekly(w.workloadHours, p.weeks),
      })),
      realTime: p.realTime.map((r) => ({
        queue: r.queue,
        language: r.language,
        sla: r.sla,
        ahtSeconds: r.ahtSeconds,
        occupancyCap: r.occupancyCap,
        meanServiceLevel: r.meanServiceLevel,
        peakAgents: r.peakAgents,
        unservedContacts: r.unservedContacts,
        weeklyAgentHours: weekly(r.staffing.agents, p.weeks),
      })),
      deferred: p.deferred.map((d) => ({
        queue: d.queue,
        language: d.language,
        sla: d.sla,
        ahtSeconds: d.ahtSeconds,
        occupancyCap: d.occupancyCap,
        achievedShareWithin: d.achievedShareWithin,
        maxBacklog: d.backlog.reduce((a, b) => Math.max(a, b), 0),
        maxOldestAgeHours: d.oldestAgeHours.reduce((a, b) => Math.max(a, b), 0),
        infeasibleWeeks: d.infeasibleWeeks,
      })),
      allocation: { ...p.allocation, lpText: undefined },
      sites: p.sites.map((s) => ({
        site: s.site,
        language: s.language,
        allocatedHours: [...s.allocatedHours],
        requiredFte: [...s.requiredFte],
        headcount: s.headcount,
      })),
      costs: p.costs,
      mix: p.mix,
      checks: p.checks,
    })),
  };
}

/**
 * Every file of a plan run, by name: `plan.json` and the CSV tables (requirements, hiring, costs, scenarios,
 * intervals, backlog, shortfalls, mix), ready to be written together.
 */
export function planFiles(
  plans: readonly CapacityPlan[],
  provenance: Provenance,
  doc: ReturnType<typeof planJson> = planJson(plans, provenance),
): Record<string, string> {
  return {
    'plan.json': `${JSON.stringify(doc, null, 1)}\n`,
    'requirements.csv': requirementsCsv(plans),
    'hiring.csv': hiringCsv(plans),
    'costs.csv': costsCsv(plans),
    'scenarios.csv': scenariosCsv(plans),
    'intervals.csv': intervalsCsv(plans),
    'backlog.csv': backlogCsv(plans),
    'shortfalls.csv': shortfallsCsv(plans),
    'mix.csv': mixCsv(plans),
  };
}

function weekly(x: Float64Array, weeks: number): number[] {
  const out = new Array<number>(weeks).fill(0);
  for (let t = 0; t < Math.min(x.length, weeks * 168); t++) out[Math.floor(t / 168)] += x[t];
  return out;
}
