/**
 * The self-contained HTML report of a plan: vega, vega-lite and vega-embed inlined from node_modules, the
 * chart specs inlined as JSON, tables for the numbers, and the parameters and models that produced them.
 * It opens from a file with no network: nothing is loaded from anywhere, and a Content-Security-Policy
 * forbids any fetch.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { planSummary } from '../capacity/plan/output.ts';
import type { CapacityPlan } from '../capacity/plan/plan.ts';
import { ModcapError } from '../errors.ts';
import { type ForecastView, keyLabel } from './charts/index.ts';

/** One chart of the report. */
export interface ReportChart {
  /** File-safe name, e.g. `fan-comments-en-us`; also the element id. */
  readonly name: string;
  /** Heading above the chart. */
  readonly title: string;
  readonly spec: TopLevelSpec;
  /** One sentence under the chart. */
  readonly caption?: string;
  /** Relative paths of the same chart as files (SVG, PNG, Vega-Lite JSON), linked under it. */
  readonly files?: readonly { readonly label: string; readonly href: string }[];
}

/** One row of the forecast summary table. */
export interface ForecastSummaryRow {
  readonly series: string;
  readonly model: string;
  readonly chosen: readonly string[];
  /** Sum of the point forecast over the horizon, items. */
  readonly totalForecast: number;
  readonly horizonPeriods: number;
  readonly freq: string;
  readonly events: readonly string[];
  readonly anomaliesCleaned: number;
  readonly fallback?: string;
}

/** Everything {@link planReportHtml} shows. */
export interface PlanReportInput {
  /** Page title (default "Capacity plan"). */
  readonly title?: string;
  /** The plans, one per scenario; the first is the one the per-site charts show. */
  readonly plans: readonly CapacityPlan[];
  readonly charts: readonly ReportChart[];
  /** The forecast the plans were built on: one row per series, and its provenance block. */
  readonly forecast?: { readonly rows: readonly ForecastSummaryRow[]; readonly provenance?: unknown };
  /** Provenance of the plan run (inputs, versions, options). */
  readonly provenance?: unknown;
  /** Time the report was made (default now), ISO. */
  readonly createdAt?: string;
}

/**
 * The forecast summary rows of a set of forecasts.
 * @example forecastSummary([forecastView(doc.series[0])])[0].model // => 'mean(regression(log1p), ar)'
 */
export function forecastSummary(views: readonly ForecastView[]): ForecastSummaryRow[] {
  return views.map((v) => ({
    series: keyLabel(v.key),
    model: v.model,
    chosen: v.selection.chosen,
    totalForecast: v.point.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0),
    horizonPeriods: v.timestamps.length,
    freq: v.freq,
    events: v.eventImpacts.map((e) => e.name),
    anomaliesCleaned: v.cleaned.length,
    ...(v.fallback && { fallback: `${v.fallback.model}: ${v.fallback.reason}` }),
  }));
}

const require = createRequire(import.meta.url);

/** The folder of an installed package (its `exports` may hide `package.json`, so walk up from its entry). */
function packageRoot(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg
    )
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json named ${pkg} above ${require.resolve(pkg)}`);
    dir = up;
  }
}

let bundles: { vega: string; vegaLite: string; vegaEmbed: string } | undefined;

/**
 * The browser bundles of vega, vega-lite and vega-embed, read from their packages' `build/` folders.
 * @throws ModcapError BAD_ARGUMENT when a package or its bundle is missing
 */
export function vegaBundles(): { vega: string; vegaLite: string; vegaEmbed: string } {
  if (bundles) return bundles;
  const read = (pkg: string, file: string) => {
    let path = '';
    try {
      path = join(packageRoot(pkg), 'build', file);
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new ModcapError(
        'BAD_ARGUMENT',
        `cannot read the ${pkg} browser bundle ${path || file}: ${(e as Error).message}`,
        {
          package: pkg,
        },
      );
    }
  };
  bundles = {
    vega: read('vega', 'vega.min.js'),
    vegaLite: read('vega-lite', 'vega-lite.min.js'),
    vegaEmbed: read('vega-embed', 'vega-embed.min.js'),
  };
  return bundles;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A script body that cannot end its `<script>` element early. */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
/** JSON safe inside a `<script type="application/json">` element. */
const inlineJson = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const num = (v: number, digits = 1) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';

type Cell = string | number;
function table(header: readonly string[], rows: readonly (readonly Cell[])[], numericFrom = 1): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  const th = header
    .map((h, i) => `<th${i >= numericFrom ? ' class="n"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r
          .map(
            (c, i) =>
              `<td${typeof c === 'number' || i >= numericFrom ? ' class="n"' : ''}>${escapeHtml(typeof c === 'number' ? num(c) : c)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table"><table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

function summaryTable(plans: readonly CapacityPlan[]): string {
  const rows = plans.map((p) => {
    const s = planSummary(p);
    return [
      s.scenario,
      `${s.weeks} weeks from ${s.from}`,
      Math.round(s.totalCost),
      s.hires,
      s.overtimeFteWeeks,
      s.surgeFteWeeks,
      s.uncoveredFteWeeks,
      s.shortfallHours,
      `${s.allocation.status} (gap ${(s.allocation.gap * 100).toFixed(2)} %)`,
      s.worstSimulationGapPoints,
    ] as Cell[];
  });
  const cur = plans[0]?.reportingCurrency ?? '';
  return table(
    [
      'Scenario',
      'Horizon',
      `Total cost (${cur})`,
      'Hires (people)',
      'Overtime (FTE-weeks)',
      'Surge (FTE-weeks)',
      'Uncovered (FTE-weeks)',
      'Shortfall (hours)',
      'Allocation',
      'Worst simulation gap (points)',
    ],
    rows,
    2,
  );
}

function hiringTable(plans: readonly CapacityPlan[]): string {
  const rows: Cell[][] = [];
  for (const p of plans)
    for (const s of p.sites)
      for (const d of s.headcount.decisions)
        rows.push([
          p.scenario,
          s.site,
          s.language,
          p.weekLabels[d.decisionWeek] ?? `week ${d.decisionWeek}`,
          p.weekLabels[d.startWeek] ?? `week ${d.startWeek}`,
          d.hires,
          p.weekLabels[d.forWeek] ?? `week ${d.forWeek}`,
          `${Math.round(d.productivityAtForWeek * 100)} %`,
          d.capped ? 'yes' : 'no',
        ]);
  return table(
    [
      'Scenario',
      'Site',
      'Language',
      'Decide (week of)',
      'Start (week of)',
      'Hires (people)',
      'For the need of',
      'Productivity then',
      'Capped',
    ],
    rows,
    5,
  );
}

function costTables(plans: readonly CapacityPlan[]): string {
  return plans
    .map((p) => {
      const months = [...new Set(p.costs.map((c) => c.month))].sort();
      const bySite = new Map<string, Map<string, number>>();
      for (const c of p.costs) {
        const m = bySite.get(c.site) ?? new Map<string, number>();
        m.set(c.month, (m.get(c.month) ?? 0) + c.costReporting);
        bySite.set(c.site, m);
      }
      const rows: Cell[][] = [...bySite.entries()]
        .map(([site, m]) => [
          site,
          ...months.map((mo) => Math.round(m.get(mo) ?? 0)),
          Math.round([...m.values()].reduce((a, b) => a + b, 0)),
        ])
        .sort((a, b) => (b[b.length - 1] as number) - (a[a.length - 1] as number));
      const totals = months.map((_, i) => rows.reduce((a, r) => a + (r[i + 1] as number), 0));
      rows.push(['Total', ...totals, totals.reduce((a, b) => a + b, 0)]);
      return `<h3>Scenario ${escapeHtml(p.scenario)} (${escapeHtml(p.reportingCurrency)})</h3>\n${table(['Site', ...months, 'Total'], rows)}`;
    })
    .join('\n');
}

function shortfallTable(plans: readonly CapacityPlan[]): string {
  const agg = new Map<
    string,
    { scenario: string; language: string; reason: string; hours: number; weeks: Set<number> }
  >();
  for (const p of plans)
    for (const s of p.allocation.shortfalls) {
      const k = `${p.scenario}|${s.language}|${s.reason}`;
      const a = agg.get(k) ?? {
        scenario: p.scenario,
        language: s.language,
        reason: s.reason,
        hours: 0,
        weeks: new Set<number>(),
      };
      a.hours += s.hours;
      a.weeks.add(s.week);
      agg.set(k, a);
    }
  const rows = [...agg.values()].map(
    (a) => [a.scenario, a.language, a.reason, a.weeks.size, a.hours] as Cell[],
  );
  return table(['Scenario', 'Language', 'Why', 'Weeks', 'Hours short'], rows, 3);
}

function checksTable(plans: readonly CapacityPlan[]): string {
  const rows: Cell[][] = [];
  for (const p of plans)
    for (const c of p.checks)
      rows.push([
        p.scenario,
        `${c.queue} · ${c.language}`,
        c.kind,
        `hours ${c.fromHour}–${c.fromHour + c.hours}`,
        `${(c.planned * 100).toFixed(1)} %`,
        `${(c.simulated * 100).toFixed(1)} %`,
        c.gapPoints,
      ]);
  return table(
    [
      'Scenario',
      'Queue',
      'Kind',
      'Simulated',
      'Planned service level',
      'Simulated service level',
      'Gap (points)',
    ],
    rows,
    4,
  );
}

function parametersSection(plans: readonly CapacityPlan[]): string {
  const p = plans[0];
  if (!p) return '';
  const econ = p.parameters.siteEconomics.map(
    (e) =>
      [
        e.site,
        e.basis,
        e.availableHoursPerFteWeek,
        e.costPerFteWeek,
        e.currency,
        e.rateToReporting,
      ] as Cell[],
  );
  const warnings = plans.flatMap((x) => x.warnings.map((w) => `${x.scenario}: ${w}`));
  return `<h3>Plan options</h3><pre>${escapeHtml(JSON.stringify({ basis: p.basis, ...p.parameters.options }, null, 2))}</pre>
<h3>Site economics (scenario ${escapeHtml(p.scenario)})</h3>
${table(['Site', 'Cost basis', 'Productive hours per FTE-week', 'Cost per FTE-week', 'Currency', `Rate to ${p.reportingCurrency}`], econ, 2)}
<h3>Warnings</h3>${warnings.length ? `<ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '<p class="empty">None.</p>'}`;
}

function forecastSection(f: PlanReportInput['forecast']): string {
  if (!f) return '<p class="empty">No forecast summary was given.</p>';
  const rows = [...f.rows]
    .sort((a, b) => b.totalForecast - a.totalForecast)
    .map(
      (r) =>
        [
          r.series,
          r.model + (r.fallback ? ` (fallback: ${r.fallback})` : ''),
          r.chosen.join(', '),
          Math.round(r.totalForecast),
          `${r.horizonPeriods} ${r.freq}s`,
          r.events.join(', ') || '–',
          r.anomaliesCleaned,
        ] as Cell[],
    );
  return `${table(['Series', 'Model', 'Chosen members', 'Forecast volume (items over the horizon)', 'Horizon', 'Events applied', 'Anomalies cleaned'], rows, 3)}`;
}

const STYLE = `
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3b5a;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.85}
nav{padding:8px 28px;background:#eef2f6;border-bottom:1px solid #d8dee6;font-size:14px}nav a{margin-right:14px;color:#1f3b5a}
main{padding:8px 28px 40px;max-width:1400px}
section{margin-top:26px}h2{border-bottom:2px solid #1f3b5a;padding-bottom:4px}
figure{margin:18px 0 30px;background:#fff;border:1px solid #e2e6ea;padding:10px;overflow-x:auto}
figcaption{font-size:13px;color:#555;margin-top:6px}figcaption a{margin-left:8px}
.table{overflow-x:auto}table{border-collapse:collapse;font-size:13px;background:#fff;margin:6px 0 16px}
th,td{border:1px solid #dde2e7;padding:4px 8px;text-align:left;white-space:nowrap}th{background:#eef2f6}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tbody tr:nth-child(even){background:#f7f9fb}
pre{background:#fff;border:1px solid #e2e6ea;padding:10px;font-size:12px;overflow-x:auto;max-height:420px}
.empty{color:#777;font-style:italic}
`;

/**
 * The HTML report of a plan as one self-contained string: summary, charts (interactive through vega-embed,
 * drawn as SVG), hiring plan, costs by site × month per scenario, shortfalls, simulation checks, the
 * forecast's models per series, the parameters, warnings, and provenance. vega, vega-lite and vega-embed
 * are inlined; a Content-Security-Policy allows no network request at all. When the page has drawn, it
 * sets `window.modcapCharts = { total, done, failed, finished }` (a chart that fails to draw shows its
 * error in place and logs it to the console).
 *
 * @throws ModcapError BAD_ARGUMENT when no plan is given, or two charts share a name
 * @example writeFileSync('report.html', planReportHtml({ plans, charts }))
 */
export function planReportHtml(input: PlanReportInput): string {
  const { plans, charts } = input;
  if (plans.length === 0) throw new ModcapError('BAD_ARGUMENT', 'planReportHtml needs at least one plan');
  const names = new Set<string>();
  for (const c of charts) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(c.name))
      throw new ModcapError(
        'BAD_ARGUMENT',
        `chart name "${c.name}" must be lower-case letters, digits and dashes`,
        {
          field: 'name',
          value: c.name,
        },
      );
    if (names.has(c.name))
      throw new ModcapError('BAD_ARGUMENT', `two charts are named "${c.name}"`, {
        field: 'name',
        value: c.name,
      });
    names.add(c.name);
  }
  const title = input.title ?? 'Capacity plan';
  const createdAt = input.createdAt ?? new Date().toISOString();
  const b = vegaBundles();
  const p0 = plans[0];
  const figures = charts
    .map(
      (c) => `<figure>
<div class="chart" id="chart-${c.name}" data-chart="${c.name}" role="img" aria-label="${escapeHtml(c.title)}"></div>
<figcaption>${escapeHtml(c.caption ?? c.title)}${(c.files ?? []).map((f) => `<a href="${escapeHtml(f.href)}">${escapeHtml(f.label)}</a>`).join('')}</figcaption>
</figure>`,
    )
    .join('\n');
  const specs = charts.map((c) => ({ id: c.name, spec: c.spec }));
  const provenance = { plan: input.provenance ?? null, forecast: input.forecast?.provenance ?? null };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>
<p>${plans.length} scenario${plans.length === 1 ? '' : 's'} (${plans.map((p) => escapeHtml(p.scenario)).join(', ')}) · ${p0.weeks} weeks from ${escapeHtml(p0.weekLabels[0] ?? '')} · volume basis ${escapeHtml(p0.basis)} · made ${escapeHtml(createdAt)}</p></header>
<nav><a href="#summary">Summary</a><a href="#charts">Charts</a><a href="#hiring">Hiring plan</a><a href="#costs">Costs</a><a href="#shortfalls">Shortfalls</a><a href="#checks">Simulation checks</a><a href="#forecast">Forecast models</a><a href="#parameters">Parameters</a><a href="#provenance">Provenance</a></nav>
<main>
<section id="summary"><h2>Summary</h2>${summaryTable(plans)}</section>
<section id="charts"><h2>Charts</h2>
<p>Per-site and per-queue charts show scenario <b>${escapeHtml(p0.scenario)}</b>; the cost chart compares every scenario. Hover for values; each chart's menu exports it as SVG or PNG.</p>
${figures}
</section>
<section id="hiring"><h2>Hiring plan</h2>${hiringTable(plans)}</section>
<section id="costs"><h2>Costs by site and month</h2>${costTables(plans)}</section>
<section id="shortfalls"><h2>Shortfalls</h2><p>Demand no site could serve, by language and reason.</p>${shortfallTable(plans)}</section>
<section id="checks"><h2>Simulation checks</h2><p>Service level the plan's formulas promise against a discrete-event simulation of the same staffing.</p>${checksTable(plans)}</section>
<section id="forecast"><h2>Forecast models</h2>${forecastSection(input.forecast)}</section>
<section id="parameters"><h2>Parameters</h2>${parametersSection(plans)}</section>
<section id="provenance"><h2>Provenance</h2><pre>${escapeHtml(JSON.stringify(provenance, null, 2))}</pre></section>
</main>
<script>${inlineScript(b.vega)}</script>
<script>${inlineScript(b.vegaLite)}</script>
<script>${inlineScript(b.vegaEmbed)}</script>
<script type="application/json" id="modcap-chart-specs">${inlineJson(specs)}</script>
<script>
(function () {
  var specs = JSON.parse(document.getElementById('modcap-chart-specs').textContent);
  var status = { total: specs.length, done: 0, failed: [], finished: false };
  window.modcapCharts = status;
  var options = { renderer: 'svg', mode: 'vega-lite', actions: { export: true, source: false, compiled: false, editor: false } };
  Promise.all(specs.map(function (c) {
    var el = document.getElementById('chart-' + c.id);
    return vegaEmbed(el, c.spec, options).then(function () { status.done++; }).catch(function (e) {
      status.failed.push(c.id);
      el.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : e);
      console.error('modcap chart ' + c.id + ': ' + (e && e.message ? e.message : e));
    });
  })).then(function () { status.finished = true; });
})();
</script>
</body>
</html>
`;
}
