/** Cost of a plan per site × language × month, in the site currency and the reporting currency. */

import type { CapacityConfig } from '../config.ts';
import type { Workload } from '../workload.ts';
import { weeksToMonths } from './months.ts';
import type { SiteLanguagePlan } from './plan.ts';
import type { SiteEconomics } from './sites.ts';

/** What a cost line pays for. */
export type CostComponent =
  | 'staff' // people on payroll (in-house) or contracted hours (vendor by the hour / FTE), trainees included
  | 'overtime'
  | 'surge' // vendor surge FTE at short notice
  | 'vendor-minimum' // top-up to a vendor's contracted minimum hours
  | 'items' // vendor pricing per item
  | 'llm' // LLM reviewer, per item
  | 'automation'; // classifier decisions, per item

/** One line of the cost table. `site` is `llm` / `automation` for per-item review outside the sites. */
export interface CostRow {
  readonly scenario: string;
  readonly site: string;
  readonly language: string;
  readonly month: string;
  readonly component: CostComponent;
  readonly currency: string;
  readonly cost: number;
  readonly costReporting: number;
}

/** Inputs of {@link planCosts}. */
export interface CostInput {
  readonly config: CapacityConfig;
  readonly startMs: number;
  readonly weeks: number;
  readonly workload: readonly Workload[];
  readonly sites: readonly SiteLanguagePlan[];
  readonly econ: ReadonlyMap<string, SiteEconomics>;
  readonly scenario: string;
}

/**
 * Costs every site × language × month:
 * - in-house and vendors paid by the hour or by FTE-month: paid heads (trainees included) × the weekly FTE cost,
 *   overtime FTE × cost × `overtimeCostMultiplier`, surge FTE × cost × `surgeCostMultiplier`;
 * - a vendor's contracted minimum paid hours: the hours short of it are paid too (spread over its languages by
 *   their paid heads);
 * - vendors priced per item: the human items of the language in proportion to the hours the site serves ×
 *   `costPerItem`;
 * - the LLM share at the queue's `llmCostPerItem`, automation at `quality.automationCostPerItem` (both in the
 *   reporting currency).
 * Weekly amounts are spread over calendar months by days.
 */
export function planCosts(input: CostInput): CostRow[] {
  const { config, startMs, weeks, workload, sites, econ, scenario } = input;
  const rows: CostRow[] = [];
  const push = (
    site: string,
    language: string,
    component: CostComponent,
    currency: string,
    rate: number,
    weekly: Float64Array,
  ) => {
    for (const [month, cost] of weeksToMonths(startMs, weekly))
      rows.push({ scenario, site, language, month, component, currency, cost, costReporting: cost * rate });
  };

  // Human items per language × week, and each site's share of a language's served hours.
  const itemsByLanguage = new Map<string, Float64Array>();
  for (const w of workload) {
    const a = itemsByLanguage.get(w.language) ?? new Float64Array(weeks);
    for (let t = 0; t < weeks * 168; t++) a[Math.floor(t / 168)] += w.humanItems[t];
    itemsByLanguage.set(w.language, a);
  }
  const hoursByLanguage = new Map<string, Float64Array>();
  for (const p of sites) {
    const a = hoursByLanguage.get(p.language) ?? new Float64Array(weeks);
    for (let w = 0; w < weeks; w++) a[w] += p.allocatedHours[w];
    hoursByLanguage.set(p.language, a);
  }

  for (const s of config.sites) {
    const e = econ.get(s.id) as SiteEconomics;
    const plans = sites.filter((p) => p.site === s.id);
    const paidHeads = plans.map((p) => Float64Array.from(p.headcount.weeks, (w) => w.paidHeadcount));
    for (const [i, p] of plans.entries()) {
      if (e.basis === 'item') {
        const items = itemsByLanguage.get(p.language);
        const hours = hoursByLanguage.get(p.language);
        const weekly = new Float64Array(weeks);
        if (items && hours)
          for (let w = 0; w < weeks; w++)
            weekly[w] = hours[w] > 0 ? (items[w] * p.allocatedHours[w] * (s.costPerItem ?? 0)) / hours[w] : 0;
        push(s.id, p.language, 'items', s.currency, e.rate, weekly);
        continue;
      }
      push(
        s.id,
        p.language,
        'staff',
        s.currency,
        e.rate,
        paidHeads[i].map((h) => h * e.costPerFteWeek),
      );
      const ot = Float64Array.from(
        p.headcount.weeks,
        (w) => w.overtimeFte * e.costPerFteWeek * s.overtimeCostMultiplier,
      );
      push(s.id, p.language, 'overtime', s.currency, e.rate, ot);
      const surge = Float64Array.from(
        p.headcount.weeks,
        (w) => w.surgeFte * e.costPerFteWeek * s.surgeCostMultiplier,
      );
      push(s.id, p.language, 'surge', s.currency, e.rate, surge);
    }
    if (s.kind === 'vendor' && s.vendorMinimumHoursPerWeek && e.basis !== 'item' && plans.length > 0) {
      for (let w = 0; w < weeks; w++) {
        const heads = paidHeads.reduce((a, h) => a + h[w], 0);
        const shortHours = Math.max(0, s.vendorMinimumHoursPerWeek - heads * s.paidHoursPerWeek);
        if (shortHours <= 0) continue;
        const costPerHour = e.costPerFteWeek / s.paidHoursPerWeek;
        for (const [i, p] of plans.entries()) {
          const share = heads > 0 ? paidHeads[i][w] / heads : 1 / plans.length;
          const weekly = new Float64Array(weeks);
          weekly[w] = shortHours * costPerHour * share;
          push(s.id, p.language, 'vendor-minimum', s.currency, e.rate, weekly);
        }
      }
    }
  }

  for (const w of workload) {
    const q = config.queues.find((x) => x.id === w.queue);
    if (!q) continue;
    const llm = new Float64Array(weeks);
    const auto = new Float64Array(weeks);
    const autoCost = q.quality?.automationCostPerItem ?? 0;
    for (let t = 0; t < weeks * 168; t++) {
      const week = Math.floor(t / 168);
      llm[week] += w.llmItems[t] * (q.llmCostPerItem ?? 0);
      auto[week] += w.volume[t] * w.automationShare * autoCost;
    }
    if (q.llmCostPerItem) push('llm', w.language, 'llm', config.reportingCurrency, 1, llm);
    if (autoCost > 0) push('automation', w.language, 'automation', config.reportingCurrency, 1, auto);
  }
  return mergeRows(rows);
}

/** Sums rows with the same scenario, site, language, month and component. */
function mergeRows(rows: readonly CostRow[]): CostRow[] {
  const m = new Map<string, CostRow>();
  for (const r of rows) {
    const k = [r.scenario, r.site, r.language, r.month, r.component].join('|');
    const prev = m.get(k);
    m.set(
      k,
      prev ? { ...prev, cost: prev.cost + r.cost, costReporting: prev.costReporting + r.costReporting } : r,
    );
  }
  return [...m.values()].filter((r) => r.cost !== 0);
}

/**
 * Totals of cost rows by a grouping function, in the reporting currency.
 * @example costTotals(plan.costs, (r) => r.month).get('2026-12') // => 812345.6
 */
export function costTotals(rows: readonly CostRow[], by: (r: CostRow) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(by(r), (m.get(by(r)) ?? 0) + r.costReporting);
  return m;
}
