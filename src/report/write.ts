/** Writes a plan's report: `report.html` and each chart as Vega-Lite JSON, SVG and PNG. */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapacityPlan } from '../capacity/plan/plan.ts';
import { ModcapError } from '../errors.ts';
import type { Anomaly } from '../forecast/anomalies/types.ts';
import type { EventSpec } from '../forecast/events/index.ts';
import type { ExplainResult } from '../forecast/explain/index.ts';
import type { SeriesForecast } from '../forecast/pipeline.ts';
import {
  actualsChart,
  backlogChart,
  backtestChart,
  costChart,
  decompositionChart,
  type ForecastDocument,
  fanChart,
  forecastView,
  headcountChart,
  keyLabel,
  largestSeries,
  serviceLevelChart,
  slug,
} from './charts/index.ts';
import { forecastSummary, planReportHtml, type ReportChart } from './html.ts';
import { toPng, toSvg } from './render.ts';

/** Inputs of {@link writePlanReport}. */
export interface WritePlanReportInput {
  /** The plans, one per scenario; per-site and per-queue charts show the first. */
  readonly plans: readonly CapacityPlan[];
  /** The forecast the plans were built on: the stored document, or the in-memory results. */
  readonly forecastDoc?: Pick<ForecastDocument, 'series'> & { readonly provenance?: unknown };
  readonly forecasts?: readonly SeriesForecast[];
  readonly outDir: string;
  /** Observed history per series (matched by `id`), for the history tail of fan and decomposition charts. */
  readonly history?: readonly {
    readonly id: string;
    readonly timestamps: readonly number[];
    readonly values: readonly number[];
  }[];
  /** The events calendar, marked on fan charts. */
  readonly events?: readonly EventSpec[];
  /** Anomalies found in history, highlighted on fan charts. */
  readonly anomalies?: readonly Anomaly[];
  /** A forecast-vs-actuals comparison, charted when given. */
  readonly explain?: ExplainResult;
  /** Provenance of the plan run. */
  readonly provenance?: unknown;
  readonly title?: string;
  /** Fan charts for this many of the largest series (default 3). */
  readonly fanSeries?: number;
  /** Called with a line of progress per chart, and with any rendering warning. */
  readonly onProgress?: (message: string) => void;
}

/** What {@link writePlanReport} wrote. */
export interface WrittenReport {
  /** Path of `report.html`. */
  readonly html: string;
  /** Every file written, report first. */
  readonly files: readonly string[];
  /** Chart names, in report order. */
  readonly charts: readonly string[];
}

const sum = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

/**
 * Builds the report's charts, renders each to SVG (vega headless) and PNG (resvg, DejaVu fonts), and
 * writes `outDir/report.html` (self-contained) and `outDir/charts/<name>.vl.json|.svg|.png`. Charts: a fan
 * chart for each of the largest series, the decomposition and backtest of the largest, headcount per site,
 * the backlog of the largest deferred queue, the service level of the largest real-time queue, cost per site
 * × month by scenario, and forecast vs actuals when `explain` is given.
 *
 * @throws ModcapError BAD_ARGUMENT when no plan is given
 * @example const r = await writePlanReport({ plans, forecastDoc, outDir: 'out' }); r.html // => 'out/report.html'
 */
export async function writePlanReport(input: WritePlanReportInput): Promise<WrittenReport> {
  const { plans, outDir } = input;
  if (plans.length === 0) throw new ModcapError('BAD_ARGUMENT', 'writePlanReport needs at least one plan');
  const base = plans[0];
  const views = input.forecasts
    ? input.forecasts.map(forecastView)
    : (input.forecastDoc?.series ?? []).map(forecastView);
  const historyOf = (id: string) => input.history?.find((h) => h.id === id);
  const charts: ReportChart[] = [];
  const add = (name: string, title: string, build: () => ReportChart['spec'], caption?: string) => {
    charts.push({ name, title, spec: build(), caption: caption ?? title });
  };

  const top = largestSeries(views, Math.max(1, input.fanSeries ?? 3));
  for (const id of top) {
    const v = views.find((x) => x.id === id);
    if (!v) continue;
    add(`fan-${slug(id)}`, `Forecast fan chart: ${keyLabel(v.key)}`, () =>
      fanChart(v, { history: historyOf(id), events: input.events, anomalies: input.anomalies }),
    );
  }
  const first = views.find((v) => v.id === top[0]);
  if (first) {
    add(`decomposition-${slug(first.id)}`, `Decomposition: ${keyLabel(first.key)}`, () =>
      decompositionChart(first, { history: historyOf(first.id) }),
    );
    const scored = top
      .map((id) => views.find((v) => v.id === id))
      .find((v) => v?.selection.scores.some((s) => Number.isFinite(s.mae)));
    if (scored)
      add(`backtest-${slug(scored.id)}`, `Backtest accuracy per model: ${keyLabel(scored.key)}`, () =>
        backtestChart(scored),
      );
  }
  if (input.explain)
    add('actuals-attribution', 'Forecast vs actuals and the attribution of the miss', () =>
      actualsChart(input.explain as ExplainResult),
    );
  for (const site of [...new Set(base.sites.map((s) => s.site))])
    add(`headcount-${slug(site)}`, `Headcount: ${site}`, () => headcountChart(base, site));
  const deferred = [...base.deferred].sort((a, b) => sum(b.arrivals) - sum(a.arrivals))[0];
  if (deferred)
    add(
      `backlog-${slug(`${deferred.queue}-${deferred.language}`)}`,
      `Backlog and oldest item: ${deferred.queue} · ${deferred.language} (largest deferred queue)`,
      () => backlogChart(base, deferred.queue, deferred.language),
    );
  const realTime = [...base.realTime].sort((a, b) => sum(b.staffing.contacts) - sum(a.staffing.contacts))[0];
  if (realTime)
    add(
      `service-level-${slug(`${realTime.queue}-${realTime.language}`)}`,
      `Service level per hour: ${realTime.queue} · ${realTime.language} (largest real-time queue)`,
      () => serviceLevelChart(base, realTime.queue, realTime.language),
    );
  add('cost-by-site-month', 'Cost per site and month, scenario against scenario', () => costChart(plans));

  const chartDir = join(outDir, 'charts');
  mkdirSync(chartDir, { recursive: true });
  const files: string[] = [];
  const rendered: ReportChart[] = [];
  for (const c of charts) {
    const t0 = performance.now();
    const svg = await toSvg(c.spec, {
      onWarning: (m) => input.onProgress?.(`chart ${c.name}: warning: ${m}`),
    });
    const paths = {
      json: join(chartDir, `${c.name}.vl.json`),
      svg: join(chartDir, `${c.name}.svg`),
      png: join(chartDir, `${c.name}.png`),
    };
    writeFileSync(paths.json, `${JSON.stringify(c.spec, null, 1)}\n`);
    writeFileSync(paths.svg, svg);
    writeFileSync(paths.png, toPng(svg));
    files.push(paths.json, paths.svg, paths.png);
    rendered.push({
      ...c,
      files: [
        { label: 'SVG', href: `charts/${c.name}.svg` },
        { label: 'PNG', href: `charts/${c.name}.png` },
        { label: 'Vega-Lite', href: `charts/${c.name}.vl.json` },
      ],
    });
    input.onProgress?.(`chart ${c.name}: ${Math.round(performance.now() - t0)} ms`);
  }
  const html = join(outDir, 'report.html');
  writeFileSync(
    html,
    planReportHtml({
      title: input.title,
      plans,
      charts: rendered,
      forecast: views.length
        ? { rows: forecastSummary(views), provenance: input.forecastDoc?.provenance }
        : undefined,
      provenance: input.provenance,
    }),
  );
  return { html, files: [html, ...files], charts: charts.map((c) => c.name) };
}
