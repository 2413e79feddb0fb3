/** Cost per site and month, scenario against scenario. */

import type { TopLevelSpec } from 'vega-lite';
import type { CapacityPlan } from '../../capacity/plan/plan.ts';
import { ModcapError } from '../../errors.ts';
import { chartTitle, topLevel } from './common.ts';

/** Options of {@link costChart}. */
export interface CostChartOptions {
  /** Facet columns (default 3). */
  readonly columns?: number;
}

/**
 * Grouped bars of cost per calendar month (UTC) for each site (one small multiple per site), one bar per
 * scenario side by side, in the reporting currency (all components: staff, overtime, surge, vendor
 * minimums, per-item, LLM, automation). Sites are ordered by total cost, largest first; the subtitle gives
 * each scenario's total.
 *
 * @throws ModcapError BAD_ARGUMENT when no plan is given, or the plans report in different currencies
 * @example costChart([base, cheaper]) // bars per month, scenario base vs cheaper, per site
 */
export function costChart(
  plans: readonly Pick<CapacityPlan, 'scenario' | 'costs' | 'reportingCurrency'>[],
  options: CostChartOptions = {},
): TopLevelSpec {
  if (plans.length === 0) throw new ModcapError('BAD_ARGUMENT', 'costChart needs at least one plan');
  const currency = plans[0].reportingCurrency;
  const other = plans.find((p) => p.reportingCurrency !== currency);
  if (other)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `plans report in different currencies (${currency}, ${other.reportingCurrency}); cost charts need one`,
      { field: 'reportingCurrency', value: other.reportingCurrency },
    );
  const sums = new Map<string, { scenario: string; site: string; month: string; cost: number }>();
  const siteTotals = new Map<string, number>();
  const scenarioTotals = new Map<string, number>();
  for (const p of plans)
    for (const c of p.costs) {
      const k = `${p.scenario}|${c.site}|${c.month}`;
      const acc = sums.get(k) ?? { scenario: p.scenario, site: c.site, month: c.month, cost: 0 };
      acc.cost += c.costReporting;
      sums.set(k, acc);
      siteTotals.set(c.site, (siteTotals.get(c.site) ?? 0) + c.costReporting);
      scenarioTotals.set(p.scenario, (scenarioTotals.get(p.scenario) ?? 0) + c.costReporting);
    }
  const rows = [...sums.values()].map((r) => ({ ...r, cost: Math.round(r.cost) }));
  const sites = [...siteTotals.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
  const scenarios = plans.map((p) => p.scenario);
  const fmt = (v: number) => `${Math.round(v).toLocaleString('en-US')} ${currency}`;
  return topLevel({
    title: chartTitle(`Cost per site and month, by scenario (${currency})`, [
      `Totals: ${scenarios.map((s) => `${s} ${fmt(scenarioTotals.get(s) ?? 0)}`).join(' · ')}.`,
      'All cost components, converted to the reporting currency; months are UTC calendar months.',
    ]),
    data: { values: rows },
    facet: { field: 'site', type: 'nominal', title: 'Site', sort: sites, header: { labelFontSize: 13 } },
    columns: options.columns ?? 3,
    spec: {
      width: 260,
      height: 170,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'month', type: 'ordinal', title: 'Month (UTC)', axis: { labelAngle: -45 } },
        xOffset: { field: 'scenario', type: 'nominal', sort: scenarios },
        y: {
          field: 'cost',
          type: 'quantitative',
          title: `Cost (${currency} per month)`,
          axis: { format: '~s' },
        },
        color: {
          field: 'scenario',
          type: 'nominal',
          title: 'Scenario',
          sort: scenarios,
          scale: { scheme: 'tableau10' },
          legend: { orient: 'top', direction: 'horizontal' },
        },
        tooltip: [
          { field: 'site', title: 'Site' },
          { field: 'month', title: 'Month' },
          { field: 'scenario', title: 'Scenario' },
          { field: 'cost', type: 'quantitative', title: `Cost (${currency})`, format: ',d' },
        ],
      },
    },
    resolve: { axis: { x: 'independent' } },
  });
}
