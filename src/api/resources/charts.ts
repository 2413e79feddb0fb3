/**
 * Charts and reports over HTTP (issue 6): the report library's Vega-Lite charts of a stored forecast or plan
 * as Vega-Lite JSON, SVG (vega headless) or PNG (resvg), and the self-contained HTML report of a stored plan
 * (rebuilt from its document by `storedPlanReportHtml`, cached per plan revision). Wiring only: the charts
 * are built and rendered by src/report.
 *
 * Chart files are named `<name>.<svg|png|json>`:
 * - forecasts: `fan-<seriesId>`, `backtest-<seriesId>`, `decomposition-<seriesId>` (the series id
 *   URL-encoded; its slug, as in the report's file names, is accepted too);
 * - plans: `headcount-<site>` (first scenario, or `?scenario=`) and `cost-by-site-month` (every scenario).
 */

import type { FastifyReply } from 'fastify';
import type { TopLevelSpec } from 'vega-lite';
import { z } from 'zod';
import { ModcapError } from '../../errors.ts';
import {
  backtestChart,
  costChart,
  decompositionChart,
  type ForecastDocumentSeries,
  type ForecastView,
  fanChart,
  forecastView,
  headcountChart,
  slug,
} from '../../report/charts/index.ts';
import { plansFromDoc, type SeriesHistory, storedPlanReportHtml } from '../../report/from-doc.ts';
import { toPng, toSvg } from '../../report/render.ts';
import type { Store } from '../../store/types.ts';
import { found, type Resource } from '../context.ts';
import { ZONE_COLUMN } from '../data.ts';
import { PlanCache } from '../plan-cache.ts';
import { ApiError } from '../problem.ts';
import { ERROR_RESPONSES } from '../schemas.ts';

/** Chart file formats and their media types. */
const FORMATS = {
  svg: 'image/svg+xml; charset=utf-8',
  png: 'image/png',
  json: 'application/json; charset=utf-8',
} as const;
type Format = keyof typeof FORMATS;

const FileParams = z.object({
  id: z.string().min(1).max(200),
  file: z
    .string()
    .min(1)
    .max(500)
    .describe('`<chart name>.<svg|png|json>`, e.g. `fan-comments%7Cen%7CUS.svg` (names URL-encoded)'),
});

/** Splits `name.ext`; 404 for an extension that is not svg, png or json. */
function chartFile(file: string): { name: string; format: Format } {
  const dot = file.lastIndexOf('.');
  const ext = dot > 0 ? file.slice(dot + 1).toLowerCase() : '';
  if (!(ext in FORMATS))
    throw new ApiError(
      'NOT_FOUND',
      `no chart file "${file}": charts are served as <name>.svg, .png or .json`,
      {
        file,
      },
    );
  return { name: file.slice(0, dot), format: ext as Format };
}

/** A chart builder's own complaint (e.g. a series with no backtest scores) means that chart does not exist. */
function build(name: string, f: () => TopLevelSpec): TopLevelSpec {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModcapError && e.code === 'BAD_ARGUMENT')
      throw new ApiError('NOT_FOUND', `no chart "${name}": ${e.message}`, { chart: name });
    throw e;
  }
}

/** Sends a spec as Vega-Lite JSON, SVG or PNG. */
async function sendChart(reply: FastifyReply, spec: TopLevelSpec, format: Format): Promise<FastifyReply> {
  reply.header('cache-control', 'private, max-age=60').type(FORMATS[format]);
  if (format === 'json') return reply.send(JSON.stringify(spec));
  const svg = await toSvg(spec);
  return reply.send(format === 'svg' ? svg : toPng(svg));
}

const STEP_MS: Record<string, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/**
 * The observed history of a forecast's series just before the forecast starts (as many periods as the fan
 * chart shows by default), read from the forecast's dataset; `undefined` when there is none. Gaps are
 * missing rows (not drawn as NaN).
 */
async function seriesHistory(
  store: Store,
  datasetId: string | null | undefined,
  view: ForecastView,
): Promise<SeriesHistory | undefined> {
  if (!datasetId || view.timestamps.length === 0) return undefined;
  const meta = await store.getDataset(datasetId);
  if (!meta) return undefined;
  const key: Record<string, string> = {};
  for (const k of meta.keyColumns) key[k] = k === ZONE_COLUMN ? view.timeZone : (view.key[k] ?? '');
  const step = STEP_MS[view.freq] ?? STEP_MS.hour;
  const weekSteps = view.freq === 'hour' ? 672 : view.freq === 'day' ? 28 : 4;
  const tail = Math.max(view.timestamps.length, weekSteps);
  const start = view.timestamps[0];
  const rows = await store.getDatasetRows(datasetId, { key, fromMs: start - tail * step, toMs: start });
  if (!rows || rows.length === 0) return undefined;
  return { timestamps: rows.map((r) => r.timestampMs), values: rows.map((r) => r.volume) };
}

const FORECAST_CHARTS = ['fan', 'backtest', 'decomposition'] as const;

/** Report HTML per plan revision: a small LRU of promises (one render per revision, even when asked at once). */
class ReportCache {
  private readonly max: number;
  private readonly entries = new Map<string, Promise<string>>();

  constructor(max: number) {
    this.max = max;
  }

  get(key: string, make: () => Promise<string>): Promise<string> {
    let p = this.entries.get(key);
    if (p) this.entries.delete(key);
    else {
      p = make();
      p.catch(() => this.entries.get(key) === p && this.entries.delete(key));
    }
    this.entries.set(key, p);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return p;
  }
}

/** Routes `/v1/forecasts/{id}/charts/{file}`, `/v1/plans/{id}/charts/{file}` and `/v1/plans/{id}/report.html`. */
export const chartsResource: Resource = (app, ctx) => {
  const plans = new PlanCache(ctx.store);
  const reports = new ReportCache(8);

  app.get(
    '/v1/forecasts/:id/charts/:file',
    {
      schema: {
        description:
          'A chart of one forecast series: `fan-<seriesId>` (history tail from the dataset, point forecast, ' +
          'intervals, events, anomalies), `backtest-<seriesId>` (backtest MAE per candidate model), ' +
          '`decomposition-<seriesId>` (trend, seasonalities, event effects), as `.json` (Vega-Lite spec), ' +
          '`.svg` (image/svg+xml) or `.png` (image/png).',
        params: FileParams,
        response: { ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { id, file } = req.params;
      const { name, format } = chartFile(file);
      const kind = FORECAST_CHARTS.find((k) => name.startsWith(`${k}-`));
      if (!kind)
        throw new ApiError(
          'NOT_FOUND',
          `no chart "${name}": forecast charts are ${FORECAST_CHARTS.map((k) => `${k}-<seriesId>`).join(', ')}`,
          { chart: name },
        );
      const meta = found(await ctx.store.getForecastMeta(id), 'forecast', id);
      const wanted = name.slice(kind.length + 1);
      let doc = await ctx.store.getForecastSeries(id, wanted);
      if (!doc) {
        const list = (await ctx.store.listForecastSeries(id)) ?? [];
        const bySlug = list.find((s) => slug(s.id) === wanted);
        if (bySlug) doc = await ctx.store.getForecastSeries(id, bySlug.id);
      }
      if (!doc)
        throw new ApiError('NOT_FOUND', `forecast "${id}" has no series "${wanted}"`, { series: wanted });
      const view = forecastView(doc as unknown as ForecastDocumentSeries);
      let spec: TopLevelSpec;
      if (kind === 'backtest') spec = build(name, () => backtestChart(view));
      else {
        const history = await seriesHistory(ctx.store, meta.datasetId, view);
        spec =
          kind === 'fan'
            ? build(name, () => fanChart(view, { history }))
            : build(name, () => decompositionChart(view, { history }));
      }
      return sendChart(reply, spec, format);
    },
  );

  app.get(
    '/v1/plans/:id/charts/:file',
    {
      schema: {
        description:
          'A chart of a stored plan: `headcount-<site>` (required vs available FTE per language and week, gap ' +
          'cover, hires and attrition; first scenario unless `scenario` is given) or `cost-by-site-month` ' +
          '(every scenario), as `.json`, `.svg` or `.png`.',
        params: FileParams,
        querystring: z.object({ scenario: z.string().optional() }),
        response: { ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { id, file } = req.params;
      const { name, format } = chartFile(file);
      if (name !== 'cost-by-site-month' && !name.startsWith('headcount-'))
        throw new ApiError(
          'NOT_FOUND',
          `no chart "${name}": plan charts are headcount-<site> and cost-by-site-month`,
          { chart: name },
        );
      const rec = found(await plans.get(id), 'plan', id);
      const all = plansFromDoc(rec.doc, rec.scenarios);
      let spec: TopLevelSpec;
      if (name === 'cost-by-site-month') spec = build(name, () => costChart(all));
      else {
        const want = req.query.scenario;
        const plan = want === undefined ? all[0] : all.find((p) => p.scenario === want);
        if (!plan)
          throw new ApiError('NOT_FOUND', `plan "${id}" has no scenario "${want}"`, { scenario: want });
        const wanted = name.slice('headcount-'.length);
        const sites = [...new Set(plan.sites.map((s) => s.site))];
        const site = sites.find((s) => s === wanted) ?? sites.find((s) => slug(s) === wanted);
        if (site === undefined)
          throw new ApiError(
            'NOT_FOUND',
            `plan "${id}" has no site "${wanted}" (sites: ${sites.join(', ')})`,
            {
              site: wanted,
            },
          );
        spec = build(name, () => headcountChart(plan, site));
      }
      return sendChart(reply, spec, format);
    },
  );

  app.get(
    '/v1/plans/:id/report.html',
    {
      schema: {
        description:
          'The self-contained HTML report of a stored plan (vega inlined, no network): summary, fan charts of ' +
          'the three largest forecast series, headcount per site, cost per site × month by scenario, hiring, ' +
          'costs, shortfalls, checks, models, parameters, provenance. The stored document keeps no hourly ' +
          'arrays, so backlog and service-level charts are replaced by the queue summaries.',
        params: z.object({ id: z.string().min(1).max(200) }),
        response: { ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      const rec = found(await plans.get(id), 'plan', id);
      const html = await reports.get(`${rec.id}@${rec.revision}`, async () => {
        const forecast = await ctx.store.getForecast(rec.forecastId);
        return storedPlanReportHtml({
          title: `Capacity plan ${rec.id}`,
          planDoc: rec.doc,
          scenarios: rec.scenarios,
          forecastDoc: forecast
            ? {
                series: forecast.doc.series as unknown as ForecastDocumentSeries[],
                provenance: forecast.doc.provenance,
              }
            : undefined,
          loadHistory: (view) => seriesHistory(ctx.store, forecast?.datasetId, view),
        });
      });
      return reply
        .header('cache-control', 'private, max-age=60')
        .header('etag', `W/"${rec.id}-r${rec.revision}"`)
        .type('text/html; charset=utf-8')
        .send(html as never);
    },
  );
};
