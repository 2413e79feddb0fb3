/** Forecasts (a background job), job status, and investigations of a forecast miss against actuals. */

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ModcapError } from '../../errors.ts';
import { CANDIDATE_FAMILIES, PRESETS } from '../../forecast/candidates.ts';
import type { EventSpec } from '../../forecast/events/schema.ts';
import { explainJson, explainMiss } from '../../forecast/explain/index.ts';
import { parseDuration } from '../../forecast/io/index.ts';
import type { ForecastMeta, Job } from '../../store/types.ts';
import { found, type Resource } from '../context.ts';
import { datasetSeries, loadStoredEvents, loadStoredForecast } from '../data.ts';
import { Accepted, ERROR_RESPONSES, IdParams, JobOut } from '../schemas.ts';
import type { ForecastJobParams } from '../work.ts';
import { enqueueAccepted } from './accepted.ts';
import { ResultMeta, resultMeta } from './datasets.ts';

const ForecastIn = z
  .object({
    datasetId: z.string().min(1),
    horizon: z.string().describe('Duration: 48h, 14d, 8w (steps of each series grid)'),
    levels: z
      .array(z.number().gt(0).lt(100))
      .min(1)
      .max(5)
      .default([80, 95])
      .describe('Interval levels, percent'),
    eventsId: z.string().optional(),
    preset: z.enum(PRESETS).optional(),
    models: z
      .array(z.enum(CANDIDATE_FAMILIES))
      .min(1)
      .optional()
      .describe('Model families (overrides preset)'),
    clean: z.boolean().optional().describe('Clean anomalies from history before fitting (default true)'),
  })
  .strict();

const ForecastMetaOut = z.object({
  id: z.string(),
  datasetId: z.string().nullable(),
  datasetVersion: z.number().nullable(),
  jobId: z.string().nullable(),
  params: z.unknown(),
  seriesCount: z.number().int(),
  createdAt: z.string(),
});

const forecastMeta = (m: ForecastMeta) => ({
  id: m.id,
  datasetId: m.datasetId,
  datasetVersion: m.datasetVersion,
  jobId: m.jobId,
  params: m.params,
  seriesCount: m.seriesCount,
  createdAt: m.createdAt,
});

/** The job as the API shows it. */
export function jobOut(j: Job) {
  const p = (j.params ?? {}) as { forecastId?: string; planId?: string };
  const ref = j.resultRef ?? (j.kind === 'forecast' ? p.forecastId : p.planId) ?? null;
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    progress: j.progress,
    progressMessage: j.progressMessage,
    attempts: j.attempts,
    error: j.error,
    resultRef: j.resultRef,
    result:
      j.status === 'succeeded' && ref ? `/v1/${j.kind === 'forecast' ? 'forecasts' : 'plans'}/${ref}` : null,
    params: j.params,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}

const InvestigationIn = z
  .object({
    forecastId: z.string().min(1),
    datasetId: z.string().min(1).describe('Dataset holding the actuals'),
    eventsId: z.string().optional(),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('Inclusive, ISO'),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('Exclusive, ISO'),
    grain: z.enum(['day', 'week']).optional(),
  })
  .strict();

const toMs = (s: string | undefined) =>
  s === undefined ? undefined : Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);

/** Routes under /v1/forecasts, /v1/jobs and /v1/investigations. */
export const forecastsResource: Resource = (app, ctx) => {
  app.post(
    '/v1/forecasts',
    {
      schema: {
        description:
          'Queues a forecast of every series of a dataset; answers 202 with the job. Poll GET /v1/jobs/{id}.',
        body: ForecastIn,
        response: { 202: Accepted, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const b = req.body;
      parseDuration(b.horizon); // BAD_ARGUMENT now rather than in the job
      const ds = await ctx.store.getDataset(b.datasetId);
      if (!ds)
        throw new ModcapError('INPUT_NOT_FOUND', `dataset "${b.datasetId}" does not exist`, {
          field: 'body.datasetId',
          value: b.datasetId,
        });
      let eventsVersion: number | undefined;
      if (b.eventsId) eventsVersion = (await loadStoredEvents(ctx.store, b.eventsId)).version;
      const params: ForecastJobParams = {
        forecastId: randomUUID(),
        datasetId: ds.id,
        datasetVersion: ds.version,
        horizon: b.horizon,
        levels: b.levels,
        eventsId: b.eventsId,
        eventsVersion,
        preset: b.preset,
        models: b.models,
        clean: b.clean,
      };
      const { location, body } = await enqueueAccepted(
        ctx,
        'forecast',
        params,
        params.forecastId,
        `/v1/forecasts/${params.forecastId}`,
      );
      return reply.code(202).header('location', location).send(body);
    },
  );

  app.get(
    '/v1/forecasts',
    {
      schema: {
        querystring: z.object({ datasetId: z.string().optional() }),
        response: { 200: z.object({ forecasts: z.array(ForecastMetaOut) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({
      forecasts: (
        await ctx.store.listForecasts(req.query.datasetId ? { datasetId: req.query.datasetId } : {})
      ).map(forecastMeta),
    }),
  );

  app.get(
    '/v1/forecasts/:id',
    {
      schema: {
        params: IdParams,
        response: {
          200: ForecastMetaOut.extend({
            series: z.array(
              z.object({
                id: z.string(),
                key: z.record(z.string(), z.string()),
                model: z.string(),
                url: z.string(),
              }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const m = found(await ctx.store.getForecastMeta(req.params.id), 'forecast', req.params.id);
      const series = (await ctx.store.listForecastSeries(m.id)) ?? [];
      return {
        ...forecastMeta(m),
        series: series.map((s) => ({
          id: s.id,
          key: { ...s.key },
          model: s.model,
          url: `/v1/forecasts/${m.id}/series/${encodeURIComponent(s.id)}`,
        })),
      };
    },
  );

  app.get(
    '/v1/forecasts/:id/series/:seriesId',
    {
      schema: {
        description:
          'One series: the point forecast with its intervals per period, the chosen model and why.',
        params: z.object({ id: z.string().min(1), seriesId: z.string().min(1) }),
        response: { 200: z.looseObject({ id: z.string(), model: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      found(await ctx.store.getForecastMeta(req.params.id), 'forecast', req.params.id);
      return found(
        await ctx.store.getForecastSeries(req.params.id, req.params.seriesId),
        'series',
        req.params.seriesId,
      );
    },
  );

  app.get(
    '/v1/jobs',
    {
      schema: {
        querystring: z.object({
          status: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
          kind: z.enum(['forecast', 'plan']).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ jobs: z.array(JobOut) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ jobs: (await ctx.store.listJobs(req.query)).map(jobOut) }),
  );

  app.get(
    '/v1/jobs/:id',
    { schema: { params: IdParams, response: { 200: JobOut, ...ERROR_RESPONSES } } },
    async (req) => jobOut(found(await ctx.store.getJob(req.params.id), 'job', req.params.id)),
  );

  app.post(
    '/v1/investigations',
    {
      schema: {
        description:
          'Compares a stored forecast with the actuals of a dataset (library `explainMiss`): accuracy, the queues / ' +
          'languages / markets that explain the miss, and whether it looks like an event effect; stored.',
        body: InvestigationIn,
        response: { 201: ResultMeta.extend({ doc: z.unknown() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const from = toMs(b.from);
      const to = toMs(b.to);
      if (from !== undefined && to !== undefined && !(from < to))
        throw new ModcapError('BAD_ARGUMENT', 'from must be before to', {
          field: 'body.from',
          value: { from: b.from, to: b.to },
        });
      const { forecast } = await loadStoredForecast(ctx.store, b.forecastId);
      const { meta, series } = await datasetSeries(ctx.store, b.datasetId);
      let events: EventSpec[] = [];
      if (b.eventsId) events = (await loadStoredEvents(ctx.store, b.eventsId)).events;
      const result = explainMiss(forecast.rows, series, { from, to, grain: b.grain, events });
      if (result.comparison.total.n === 0)
        throw new ModcapError(
          'EXPLAIN_NO_OVERLAP',
          `the forecast and the actuals of dataset "${meta.id}" share no series and period${from !== undefined || to !== undefined ? ' in the from/to window' : ''}`,
          { field: 'body.datasetId', value: meta.id },
        );
      const rec = await ctx.store.saveResult('investigation', {
        datasetId: meta.id,
        forecastId: b.forecastId,
        params: { ...b, datasetVersion: meta.version },
        doc: JSON.parse(JSON.stringify(explainJson(result))),
      });
      return reply
        .code(201)
        .header('location', `/v1/investigations/${rec.id}`)
        .send({ ...resultMeta(rec), doc: rec.doc });
    },
  );

  app.get(
    '/v1/investigations',
    {
      schema: {
        querystring: z.object({ datasetId: z.string().optional(), forecastId: z.string().optional() }),
        response: { 200: z.object({ investigations: z.array(ResultMeta) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({
      investigations: (await ctx.store.listResults('investigation', req.query)).map(resultMeta),
    }),
  );

  app.get(
    '/v1/investigations/:id',
    {
      schema: {
        params: IdParams,
        response: { 200: ResultMeta.extend({ doc: z.unknown() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const r = found(
        await ctx.store.getResult('investigation', req.params.id),
        'investigation',
        req.params.id,
      );
      return { ...resultMeta(r), doc: r.doc };
    },
  );
};
