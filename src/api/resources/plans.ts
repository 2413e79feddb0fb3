/**
 * Plans (a background job) and what planners and finance read from them: requirements per site × language ×
 * week, hiring decisions, the service-level / backlog projection, and costs grouped in a currency (the hot
 * path: answered from `CostCache` as pre-serialized JSON or CSV).
 */

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ModcapError } from '../../errors.ts';
import type { PlanMeta } from '../../store/types.ts';
import { found, type Resource, sendCsv, wantsCsv } from '../context.ts';
import { type CostQuery, commaList, parseGroupBy, SITE_CURRENCY, toCsv } from '../costs.ts';
import { loadStoredConfig } from '../data.ts';
import { PlanCache } from '../plan-cache.ts';
import { ApiError } from '../problem.ts';
import { Accepted, ERROR_RESPONSES, Format, IdParams } from '../schemas.ts';
import { type PlanJobParams, scenarioConfigs } from '../work.ts';
import { enqueueAccepted } from './accepted.ts';

const PlanIn = z
  .object({
    forecastId: z.string().min(1),
    configId: z.string().min(1),
    configVersion: z.number().int().min(1).optional().describe('Default: the current version'),
    scenarios: z
      .array(z.string().min(1))
      .min(1)
      .max(20)
      .default(['base'])
      .describe(
        '`base` = the configuration as written; other names apply its scenarios; ["all"] = base and every one',
      ),
    basis: z
      .string()
      .regex(/^(mean|point|upper_\d+(\.\d+)?)$/, 'mean, point or upper_L (e.g. upper_80)')
      .optional(),
    weeks: z.number().int().min(1).max(52).optional(),
    qualityWeight: z.number().min(0).optional(),
    seed: z.number().int().optional(),
    simulate: z.boolean().optional().describe('Run the simulation check (default true)'),
  })
  .strict();

const PlanMetaOut = z.object({
  id: z.string(),
  forecastId: z.string(),
  configId: z.string(),
  configVersion: z.number().int(),
  scenarios: z.array(z.string()),
  reportingCurrency: z.string(),
  jobId: z.string().nullable(),
  revision: z.number().int(),
  costRowCount: z.number().int(),
  requirementRowCount: z.number().int(),
  createdAt: z.string(),
});

const planMeta = (m: PlanMeta) => ({
  id: m.id,
  forecastId: m.forecastId,
  configId: m.configId,
  configVersion: m.configVersion,
  scenarios: [...m.scenarios],
  reportingCurrency: m.reportingCurrency,
  jobId: m.jobId,
  revision: m.revision,
  costRowCount: m.costRowCount,
  requirementRowCount: m.requirementRowCount,
  createdAt: m.createdAt,
});

interface PlanDocScenario {
  summary?: unknown;
  weekLabels?: string[];
  sites?: { site: string; language: string; headcount?: { decisions?: Record<string, unknown>[] } }[];
  realTime?: Record<string, unknown>[];
  deferred?: Record<string, unknown>[];
  allocation?: { shortfalls?: unknown[] };
  warnings?: unknown[];
}

const CostsQuery = z.object({
  groupBy: z
    .string()
    .optional()
    .describe('Comma list of scenario, site, language, month, component (default scenario,site,month)'),
  currency: z
    .string()
    .optional()
    .describe('ISO code with a rate in the configuration, or `site` (default: reporting currency)'),
  scenario: z.string().optional().describe('Only these scenarios (comma list)'),
  format: Format,
});

const CostLine = z.record(z.string(), z.union([z.string(), z.number()]));

/** Routes under /v1/plans. */
export const plansResource: Resource = (app, ctx) => {
  // plans are immutable (replaced whole, with a new revision): parse each document once
  const plans = new PlanCache(ctx.store);
  const scenarioOf = async (id: string) => {
    const plan = found(await plans.get(id), 'plan', id);
    const doc = (plan.doc ?? {}) as { scenarios?: PlanDocScenario[] };
    return { meta: plan as PlanMeta, scenarios: doc.scenarios ?? [] };
  };

  app.post(
    '/v1/plans',
    {
      schema: {
        description: 'Queues a plan (forecast + configuration + scenarios); answers 202 with the job.',
        body: PlanIn,
        response: { 202: Accepted, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!(await ctx.store.getForecastMeta(b.forecastId)))
        throw new ModcapError('INPUT_NOT_FOUND', `forecast "${b.forecastId}" does not exist`, {
          field: 'body.forecastId',
          value: b.forecastId,
        });
      const { config, version } = await loadStoredConfig(ctx.store, b.configId, b.configVersion);
      scenarioConfigs(config, b.scenarios); // unknown scenario → 400 now, not in the job
      const params: PlanJobParams = { ...b, planId: randomUUID(), configVersion: version };
      const { location, body } = await enqueueAccepted(
        ctx,
        'plan',
        params,
        params.planId,
        `/v1/plans/${params.planId}`,
      );
      return reply.code(202).header('location', location).send(body);
    },
  );

  app.get(
    '/v1/plans',
    {
      schema: {
        querystring: z.object({ forecastId: z.string().optional(), configId: z.string().optional() }),
        response: { 200: z.object({ plans: z.array(PlanMetaOut) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ plans: (await ctx.store.listPlans(req.query)).map(planMeta) }),
  );

  app.get(
    '/v1/plans/:id',
    {
      schema: {
        params: IdParams,
        response: {
          200: PlanMetaOut.extend({
            provenance: z.unknown(),
            summaries: z.array(z.unknown()).describe('Headline numbers per scenario'),
            warnings: z.array(z.unknown()),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const { meta, scenarios } = await scenarioOf(req.params.id);
      return {
        ...planMeta(meta),
        provenance: meta.provenance,
        summaries: scenarios.map((s) => s.summary),
        warnings: scenarios.flatMap((s) => s.warnings ?? []),
      };
    },
  );

  app.get(
    '/v1/plans/:id/requirements',
    {
      schema: {
        params: IdParams,
        querystring: z.object({
          scenario: z.string().optional(),
          site: z.string().optional(),
          language: z.string().optional(),
          format: Format,
        }),
        response: {
          200: z.object({
            planId: z.string(),
            rows: z.array(
              z.object({
                scenario: z.string(),
                site: z.string(),
                language: z.string(),
                week: z.number().int(),
                weekStart: z.string(),
                requiredFte: z.number(),
                paidHeadcount: z.number(),
                detail: z.record(z.string(), z.number()),
              }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const { format, ...filter } = req.query;
      const rows = found(await ctx.store.getPlanRequirements(req.params.id, filter), 'plan', req.params.id);
      if (wantsCsv(req, format)) {
        const flat = rows.map((r) => ({ ...r.detail, ...r, detail: undefined }));
        const detailKeys = [...new Set(rows.flatMap((r) => Object.keys(r.detail)))];
        const header = [
          'scenario',
          'site',
          'language',
          'week',
          'weekStart',
          'requiredFte',
          'paidHeadcount',
          ...detailKeys,
        ];
        return sendCsv(reply, toCsv(header, flat), `requirements-${req.params.id}.csv`);
      }
      return { planId: req.params.id, rows };
    },
  );

  app.get(
    '/v1/plans/:id/hiring',
    {
      schema: {
        params: IdParams,
        querystring: z.object({ scenario: z.string().optional(), format: Format }),
        response: {
          200: z.object({ planId: z.string(), rows: z.array(z.record(z.string(), z.unknown())) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const { meta, scenarios } = await scenarioOf(req.params.id);
      const rows: Record<string, unknown>[] = [];
      scenarios.forEach((s, i) => {
        const name = meta.scenarios[i] ?? String(i);
        if (req.query.scenario && req.query.scenario !== name) return;
        for (const site of s.sites ?? [])
          for (const d of site.headcount?.decisions ?? [])
            rows.push({
              scenario: name,
              site: site.site,
              language: site.language,
              ...d,
              decisionDate: s.weekLabels?.[Number(d.decisionWeek)] ?? null,
            });
      });
      if (wantsCsv(req, req.query.format)) {
        const header = [
          'scenario',
          'site',
          'language',
          'decisionWeek',
          'decisionDate',
          'startWeek',
          'hires',
          'forWeek',
          'productivityAtForWeek',
          'capped',
        ];
        return sendCsv(reply, toCsv(header, rows), `hiring-${req.params.id}.csv`);
      }
      return { planId: meta.id, rows };
    },
  );

  app.get(
    '/v1/plans/:id/sla',
    {
      schema: {
        description:
          'Per scenario: real-time queues (mean service level, peak agents, unserved contacts) and deferred queues (share within the SLA, largest backlog, oldest item), plus shortfalls.',
        params: IdParams,
        response: {
          200: z.object({
            planId: z.string(),
            scenarios: z.array(
              z.object({
                scenario: z.string(),
                realTime: z.array(z.unknown()),
                deferred: z.array(z.unknown()),
                shortfalls: z.array(z.unknown()),
              }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const { meta, scenarios } = await scenarioOf(req.params.id);
      return {
        planId: meta.id,
        scenarios: scenarios.map((s, i) => ({
          scenario: meta.scenarios[i] ?? String(i),
          realTime: s.realTime ?? [],
          deferred: s.deferred ?? [],
          shortfalls: s.allocation?.shortfalls ?? [],
        })),
      };
    },
  );

  const costQuery = (q: z.infer<typeof CostsQuery>, scenarios: string[]): CostQuery => {
    let currency = q.currency;
    if (currency !== undefined && currency !== SITE_CURRENCY) currency = currency.toUpperCase();
    return { groupBy: parseGroupBy(q.groupBy), currency, scenarios };
  };

  app.get(
    '/v1/plans/:id/costs',
    {
      schema: {
        description:
          'Costs grouped by `groupBy`, converted with the configuration’s rates into `currency` (or each site’s ' +
          'currency with currency=site). JSON or CSV (format=csv or Accept: text/csv).',
        params: IdParams,
        querystring: CostsQuery,
        response: {
          200: z.object({
            planId: z.string(),
            revision: z.number().int(),
            currency: z.string(),
            reportingCurrency: z.string(),
            groupBy: z.array(z.string()),
            scenarios: z.array(z.string()),
            rows: z.array(CostLine),
            total: z.number().optional(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const q = costQuery(req.query, commaList(req.query.scenario));
      const answer = await ctx.costs.costs(req.params.id, q);
      if (!answer) throw new ApiError('NOT_FOUND', `plan "${req.params.id}" does not exist`);
      if (wantsCsv(req, req.query.format)) return sendCsv(reply, answer.csv, `costs-${req.params.id}.csv`);
      return reply.type('application/json; charset=utf-8').send(answer.json as never);
    },
  );

  app.get(
    '/v1/plans/:id/costs/compare',
    {
      schema: {
        description: 'Scenarios side by side: one cost per scenario for each group, in one currency.',
        params: IdParams,
        querystring: CostsQuery.omit({ scenario: true }).extend({
          scenarios: z.string().describe('Comma list of at least two scenarios of the plan'),
        }),
        response: {
          200: z.object({
            planId: z.string(),
            revision: z.number().int(),
            currency: z.string(),
            groupBy: z.array(z.string()),
            scenarios: z.array(z.string()),
            rows: z.array(z.record(z.string(), z.unknown())),
            totals: z.record(z.string(), z.number()),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const q = costQuery(req.query, commaList(req.query.scenarios));
      const answer = await ctx.costs.compare(req.params.id, q);
      if (!answer) throw new ApiError('NOT_FOUND', `plan "${req.params.id}" does not exist`);
      if (wantsCsv(req, req.query.format))
        return sendCsv(reply, answer.csv, `costs-compare-${req.params.id}.csv`);
      return reply.type('application/json; charset=utf-8').send(answer.json as never);
    },
  );
};
