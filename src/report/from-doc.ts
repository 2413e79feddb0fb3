/**
 * Reports of stored results: the plan JSON document (`planJson` in src/capacity/plan/output.ts) turned back
 * into the parts of `CapacityPlan` the report's tables, headcount charts and cost chart read, and the
 * self-contained HTML report of a stored plan built from it.
 *
 * The document keeps, per scenario, the weekly tables (sites × languages: allocated hours, required FTE and
 * the whole headcount plan), the cost rows, the allocation (without its LP text), the moderation mix, the
 * simulation checks, the parameters and warnings. It does NOT keep the hourly arrays: workload per hour,
 * real-time staffing per hour, deferred backlog and oldest-item age per hour (only their summaries:
 * `realTime[]` and `deferred[]`). So a plan rebuilt here has empty `workload`, `realTime` and `deferred`
 * lists, and the report of a stored plan has no backlog or service-level charts; it lists the queue
 * summaries the document does keep instead, and says so.
 */

import type { CapacityPlan } from '../capacity/plan/plan.ts';
import { ModcapError } from '../errors.ts';
import {
  costChart,
  decompositionChart,
  type ForecastDocumentSeries,
  type ForecastView,
  fanChart,
  forecastView,
  headcountChart,
  keyLabel,
  largestSeries,
  slug,
} from './charts/index.ts';
import { escapeHtml, forecastSummary, planReportHtml, type ReportChart } from './html.ts';

/** One scenario of the stored plan document, as `planJson` writes it (JSON: typed arrays are arrays). */
interface DocScenario {
  summary?: { scenario?: string; weeks?: number; currency?: string };
  basis?: CapacityPlan['basis'];
  parameters?: CapacityPlan['parameters'];
  warnings?: string[];
  stats?: CapacityPlan['stats'];
  weekLabels?: string[];
  realTime?: Record<string, unknown>[];
  deferred?: Record<string, unknown>[];
  allocation?: CapacityPlan['allocation'];
  sites?: {
    site: string;
    language: string;
    allocatedHours?: number[];
    requiredFte?: number[];
    headcount: CapacityPlan['sites'][number]['headcount'];
  }[];
  costs?: CapacityPlan['costs'];
  mix?: CapacityPlan['mix'];
  checks?: CapacityPlan['checks'];
}

function scenariosOf(doc: unknown): DocScenario[] {
  const list = (doc as { scenarios?: unknown } | null)?.scenarios;
  if (!Array.isArray(list) || list.length === 0)
    throw new ModcapError('INPUT_INVALID', 'the plan document has no scenarios (expected planJson output)', {
      field: 'scenarios',
    });
  return list as DocScenario[];
}

const EMPTY_ALLOCATION: CapacityPlan['allocation'] = {
  status: 'no-solution',
  allocations: [],
  unusedCommitments: [],
  shortfalls: [],
  totalCost: 0,
  objective: 0,
  lpBound: 0,
  gap: 0,
  seconds: { build: 0, lp: 0, integer: 0, total: 0 },
  integerPlans: { byRounding: 0, byMip: 0 },
  size: { variables: 0, constraints: 0, integerVariables: 0, nonzeros: 0 },
  warnings: [],
};

/**
 * The plans of a stored plan document, one per scenario, rebuilt as far as the document allows: weeks,
 * week labels, basis, reporting currency, sites × languages with their weekly headcount plans, costs,
 * allocation, mix, checks, parameters, warnings and stats. `workload`, `realTime` and `deferred` are empty
 * (the document keeps no hourly arrays), and `startMs` is midnight UTC of the first week label (the
 * document keeps the label, not the hour). Enough for `headcountChart`, `costChart` and `planReportHtml`;
 * not for `backlogChart` or `serviceLevelChart`.
 *
 * @param names scenario names by position (e.g. the plan record's `scenarios`), used when a summary lacks one
 * @throws ModcapError INPUT_INVALID when the document has no scenarios or a scenario has no week labels
 * @example plansFromDoc(record.doc, record.scenarios)[0].sites[0].headcount.weeks.length // => 4
 */
export function plansFromDoc(doc: unknown, names: readonly string[] = []): CapacityPlan[] {
  return scenariosOf(doc).map((s, i) => {
    const weekLabels = s.weekLabels ?? [];
    if (weekLabels.length === 0)
      throw new ModcapError('INPUT_INVALID', `scenario ${i} of the plan document has no weekLabels`, {
        field: `scenarios[${i}].weekLabels`,
      });
    const scenario = s.summary?.scenario ?? names[i] ?? String(i);
    const costs = s.costs ?? [];
    return {
      scenario,
      startMs: Date.parse(`${weekLabels[0]}T00:00:00Z`),
      weeks: s.summary?.weeks ?? weekLabels.length,
      weekLabels,
      basis: s.basis ?? 'mean',
      reportingCurrency: s.summary?.currency ?? costs[0]?.currency ?? '',
      workload: [],
      realTime: [],
      deferred: [],
      allocation: { ...EMPTY_ALLOCATION, ...(s.allocation ?? {}) },
      sites: (s.sites ?? []).map((x) => ({
        site: x.site,
        language: x.language,
        allocatedHours: Float64Array.from(x.allocatedHours ?? []),
        requiredFte: Float64Array.from(x.requiredFte ?? []),
        headcount: x.headcount,
      })),
      costs,
      mix: s.mix ?? [],
      checks: s.checks ?? [],
      warnings: s.warnings ?? [],
      parameters: s.parameters ?? { options: {}, siteEconomics: [] },
      stats: s.stats ?? { erlangSearches: 0, timingsMs: {} },
    };
  });
}

/** Observed history of one series (epoch ms, items per period; NaN = gap). */
export interface SeriesHistory {
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/** Inputs of {@link storedPlanReportHtml}. */
export interface StoredPlanReportInput {
  /** The plan document (`planJson`). */
  readonly planDoc: unknown;
  /** Scenario names by position (the plan record's `scenarios`). */
  readonly scenarios?: readonly string[];
  /** The forecast document the plan was built on (its `series` and `provenance`), when it still exists. */
  readonly forecastDoc?: {
    readonly series: readonly ForecastDocumentSeries[];
    readonly provenance?: unknown;
  };
  /** Loads the observed history of a series for its fan and decomposition charts (none when it answers undefined). */
  readonly loadHistory?: (view: ForecastView) => Promise<SeriesHistory | undefined>;
  readonly title?: string;
  /** Fan charts for this many of the largest series (default 3). */
  readonly fanSeries?: number;
  /** Time the report was made, ISO (default now). */
  readonly createdAt?: string;
}

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');
const n1 = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : '–';
const str = (v: unknown) => escapeHtml(String(v ?? ''));

/** The note on charts a stored plan cannot show, with the queue summaries the document keeps. */
function queueNote(scenarios: readonly DocScenario[], names: readonly string[]): string {
  const rt: string[] = [];
  const df: string[] = [];
  scenarios.forEach((s, i) => {
    const name = str(s.summary?.scenario ?? names[i] ?? i);
    for (const r of s.realTime ?? [])
      rt.push(
        `<tr><td>${name}</td><td>${str(r.queue)} · ${str(r.language)}</td><td class="n">${pct(r.meanServiceLevel)}</td><td class="n">${n1(r.peakAgents)}</td><td class="n">${n1(r.unservedContacts)}</td></tr>`,
      );
    for (const d of s.deferred ?? [])
      df.push(
        `<tr><td>${name}</td><td>${str(d.queue)} · ${str(d.language)}</td><td class="n">${pct(d.achievedShareWithin)}</td><td class="n">${n1(d.maxBacklog)}</td><td class="n">${n1(d.maxOldestAgeHours)}</td></tr>`,
      );
  });
  const tbl = (head: string[], rows: string[]) =>
    rows.length
      ? `<div class="table"><table><thead><tr>${head.map((h, i) => `<th${i >= 2 ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`
      : '<p class="empty">None.</p>';
  return `<div id="stored-plan-note"><p><b>Stored plan.</b> This report is rebuilt from the stored plan document, which keeps weekly tables and queue summaries but not the hourly staffing: the backlog and service-level charts are therefore not shown. The queue summaries follow.</p>
<h3>Real-time queues</h3>${tbl(['Scenario', 'Queue', 'Mean service level', 'Peak agents', 'Unserved contacts'], rt)}
<h3>Deferred queues</h3>${tbl(['Scenario', 'Queue', 'Share within the SLA', 'Largest backlog (items)', 'Oldest item (hours)'], df)}</div>`;
}

/**
 * The self-contained HTML report of a stored plan (`planReportHtml` over {@link plansFromDoc}): fan charts
 * of the largest series of its forecast (with their history when `loadHistory` gives it), the decomposition
 * of the largest, headcount per site (first scenario), cost per site × month by scenario, and the tables.
 * The backlog and service-level charts are left out (the document keeps no hourly arrays); a note in the
 * Charts section says so and lists the real-time and deferred queue summaries instead.
 *
 * @throws ModcapError INPUT_INVALID when the plan document has no scenarios
 * @example const html = await storedPlanReportHtml({ planDoc: rec.doc, scenarios: rec.scenarios, forecastDoc });
 */
export async function storedPlanReportHtml(input: StoredPlanReportInput): Promise<string> {
  const names = input.scenarios ?? [];
  const plans = plansFromDoc(input.planDoc, names);
  const base = plans[0];
  const views = (input.forecastDoc?.series ?? []).map(forecastView);
  const charts: ReportChart[] = [];
  const used = new Set<string>();
  const unique = (name: string) => {
    let out = name;
    for (let k = 2; used.has(out); k++) out = `${name}-${k}`;
    used.add(out);
    return out;
  };
  const top = largestSeries(views, Math.max(0, input.fanSeries ?? 3));
  for (const [i, id] of top.entries()) {
    const v = views.find((x) => x.id === id);
    if (!v || v.timestamps.length === 0) continue;
    const history = await input.loadHistory?.(v);
    charts.push({
      name: unique(`fan-${slug(id)}`),
      title: `Forecast fan chart: ${keyLabel(v.key)}`,
      spec: fanChart(v, { history }),
    });
    if (i === 0 && v.timestamps.length >= 3)
      charts.push({
        name: unique(`decomposition-${slug(id)}`),
        title: `Decomposition: ${keyLabel(v.key)}`,
        spec: decompositionChart(v, { history }),
      });
  }
  for (const site of [...new Set(base.sites.map((s) => s.site))])
    charts.push({
      name: unique(`headcount-${slug(site)}`),
      title: `Headcount: ${site}`,
      spec: headcountChart(base, site),
    });
  if (plans.some((p) => p.costs.length > 0))
    charts.push({
      name: unique('cost-by-site-month'),
      title: 'Cost per site and month, scenario against scenario',
      spec: costChart(plans),
    });
  const doc = input.planDoc as { provenance?: unknown };
  const html = planReportHtml({
    title: input.title,
    plans,
    charts,
    forecast: views.length
      ? { rows: forecastSummary(views), provenance: input.forecastDoc?.provenance }
      : undefined,
    provenance: doc.provenance,
    createdAt: input.createdAt,
  });
  const note = queueNote(scenariosOf(input.planDoc), names);
  const anchor = '<section id="charts"><h2>Charts</h2>';
  return html.includes(anchor)
    ? html.replace(anchor, () => `${anchor}\n${note}`)
    : html.replace('</main>', () => `<section id="queues">${note}</section>\n</main>`);
}
