/**
 * Volumes datasets: upload (CSV or JSON lines, streamed through the library reader, validated whole, nothing
 * stored on any bad row), append actuals (all or nothing), read; anomaly detection on a stored history.
 */

import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ModcapError } from '../../errors.ts';
import { detectAnomaliesMany } from '../../forecast/anomalies/index.ts';
import type { EventSpec } from '../../forecast/events/schema.ts';
import { canonicalTimeZone, type VolumeFormat } from '../../forecast/io/index.ts';
import { detectAnomaliesParallel } from '../../parallel/anomalies.ts';
import type { DatasetMeta, StoredResult, VolumeRow } from '../../store/types.ts';
import { type ApiContext, found, isoOrNull, type Resource } from '../context.ts';
import {
  datasetSeries,
  loadStoredEvents,
  parseUpload,
  rowsToSeries,
  sha256Json,
  visibleKeyColumns,
  ZONE_COLUMN,
} from '../data.ts';
import { ApiError } from '../problem.ts';
import { Dataset, ERROR_RESPONSES, IdParams } from '../schemas.ts';

/** Content types of volumes uploads and the reader format each means. */
export const UPLOAD_TYPES: Readonly<Record<string, VolumeFormat>> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
};

/** The dataset as the API shows it. */
export function datasetOut(m: DatasetMeta) {
  return {
    id: m.id,
    name: m.name,
    keyColumns: visibleKeyColumns(m),
    timeZone: m.timeZone,
    perSeriesTimeZones: m.keyColumns.includes(ZONE_COLUMN),
    rowCount: m.rowCount,
    seriesCount: m.seriesCount,
    firstTimestamp: isoOrNull(m.firstTimestampMs),
    lastTimestamp: isoOrNull(m.lastTimestampMs),
    sha256: m.sha256,
    version: m.version,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

/** The upload stream of a request with its format; fails with 413 past `limit` bytes. */
function uploadOf(req: FastifyRequest, limit: number): { stream: Readable; format: VolumeFormat } {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const format = UPLOAD_TYPES[type];
  const body = req.body as Readable | undefined;
  if (!format || !body || typeof (body as Readable).pipe !== 'function')
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `upload volumes as text/csv or application/x-ndjson (JSON lines), not "${type || 'nothing'}"`,
    );
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > limit) cb(new ApiError('PAYLOAD_TOO_LARGE', `the upload is larger than ${limit} bytes`));
      else cb(null, chunk);
    },
  });
  body.on('error', (e) => limiter.destroy(e));
  return { stream: body.pipe(limiter), format };
}

/** Reads an upload; an over-size upload is a 413, whatever the reader made of the cut stream. */
async function readUpload(req: FastifyRequest, ctx: ApiContext, file: string, timeZone: string) {
  const { stream, format } = uploadOf(req, ctx.uploadLimitBytes);
  let tooLarge: unknown;
  stream.on('error', (e) => {
    if (e instanceof ApiError) tooLarge = e;
  });
  try {
    return await parseUpload(stream, { file, format, timeZone });
  } catch (e) {
    throw tooLarge ?? e;
  } finally {
    if (tooLarge) (req.body as Readable).resume();
  }
}

const UploadQuery = z.object({
  name: z.string().min(1).max(200).describe('Dataset name'),
  timeZone: z.string().default('UTC').describe('IANA zone of rows without a timezone column'),
  file: z
    .string()
    .max(200)
    .optional()
    .describe('File name used in row errors (default upload.csv / upload.jsonl)'),
});

const AnomaliesIn = z
  .object({
    eventsId: z.string().optional().describe('Events calendar that labels explained anomalies'),
    level: z.number().gt(50).lt(100).optional().describe('Interval level of the expected ranges, percent'),
  })
  .strict();

const ResultMeta = z.object({
  id: z.string(),
  datasetId: z.string().nullable(),
  forecastId: z.string().nullable(),
  params: z.unknown(),
  createdAt: z.string(),
});

const resultMeta = (r: Omit<StoredResult, 'doc'>) => ({
  id: r.id,
  datasetId: r.datasetId,
  forecastId: r.forecastId,
  params: r.params,
  createdAt: r.createdAt,
});

/** Points (series × periods) from which anomaly detection runs on a worker thread. */
export const OFFLOAD_POINTS = 50_000;

/** Routes under /v1/datasets and /v1/anomalies. */
export const datasetsResource: Resource = (app, ctx) => {
  app.post(
    '/v1/datasets',
    {
      schema: {
        description:
          'Body: the volumes file itself, `text/csv` or `application/x-ndjson` (gzip allowed), long format ' +
          '`timestamp,queue,language[,market][,timezone],volume`. Streamed and validated whole: any bad row → 400 ' +
          'with every row error (file, line, column, value, reason) and nothing stored.',
        querystring: UploadQuery,
        response: { 201: Dataset, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const zone = canonicalTimeZone(req.query.timeZone);
      if (zone === null)
        throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', `unknown time zone "${req.query.timeZone}"`, {
          field: 'query.timeZone',
          value: req.query.timeZone,
        });
      const type = String(req.headers['content-type'] ?? '');
      const file = req.query.file ?? (type.includes('csv') ? 'upload.csv' : 'upload.jsonl');
      const up = await readUpload(req, ctx, file, zone);
      const meta = await ctx.store.createDataset({
        name: req.query.name,
        keyColumns: up.keyColumns,
        timeZone: zone,
        rows: up.rows,
      });
      return reply.code(201).header('location', `/v1/datasets/${meta.id}`).send(datasetOut(meta));
    },
  );

  app.get(
    '/v1/datasets',
    { schema: { response: { 200: z.object({ datasets: z.array(Dataset) }), ...ERROR_RESPONSES } } },
    async () => ({ datasets: (await ctx.store.listDatasets()).map(datasetOut) }),
  );

  app.get(
    '/v1/datasets/:id',
    { schema: { params: IdParams, response: { 200: Dataset, ...ERROR_RESPONSES } } },
    async (req, reply) => {
      const m = found(await ctx.store.getDataset(req.params.id), 'dataset', req.params.id);
      return reply.header('etag', `"${m.version}"`).send(datasetOut(m));
    },
  );

  app.post(
    '/v1/datasets/:id/actuals',
    {
      schema: {
        description:
          'Appends actuals (same format as the upload). All or nothing: a bad row → 400 with row errors; a ' +
          'period already stored → 409; the combined series must stay on their grids. Optional If-Match: version.',
        params: IdParams,
        querystring: z.object({ file: z.string().max(200).optional() }),
        response: { 200: Dataset, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const meta = found(await ctx.store.getDataset(req.params.id), 'dataset', req.params.id);
      const type = String(req.headers['content-type'] ?? '');
      const file = req.query.file ?? (type.includes('csv') ? 'actuals.csv' : 'actuals.jsonl');
      const up = await readUpload(req, ctx, file, meta.timeZone);
      const want = visibleKeyColumns(meta);
      const got = up.keyColumns.filter((c) => c !== ZONE_COLUMN);
      if (want.length !== got.length || want.some((c) => !got.includes(c)))
        throw new ModcapError(
          'INPUT_INVALID',
          `key columns ${got.join(', ')} differ from the dataset's ${want.join(', ')}`,
          {
            file,
            line: 1,
            reason: `key columns must be ${want.join(', ')}`,
          },
        );
      // rows in the dataset's key layout (zone column when the dataset keeps one)
      const zoned = meta.keyColumns.includes(ZONE_COLUMN);
      const rows: VolumeRow[] = up.series.flatMap((s) => {
        const key: Record<string, string> = {};
        for (const c of want) key[c] = s.key[c] ?? '';
        if (zoned) key[ZONE_COLUMN] = s.timeZone;
        const out: VolumeRow[] = [];
        for (let i = 0; i < s.values.length; i++)
          if (!Number.isNaN(s.values[i]))
            out.push({ key, timestampMs: s.timestamps[i], volume: s.values[i] });
        return out;
      });
      // the combined history must still read as regular series (same grid, same zone)
      const existing = (await ctx.store.getDatasetRows(meta.id)) ?? [];
      await rowsToSeries([...existing, ...rows], meta.timeZone, file).catch((e: unknown) => {
        if (e instanceof ModcapError) {
          const list =
            (e.details as { errors?: { code: string; reason: string; series?: string; value?: unknown }[] })
              .errors ?? [];
          // periods already stored are the store's conflict (409), not a grid problem
          if (list.length > 0 && list.every((x) => x.code === 'INPUT_DUPLICATE_KEY')) return;
          const errs = list.map((x) => ({
            file,
            column: 'timestamp',
            value: x.value,
            series: x.series,
            reason: x.reason,
          }));
          throw new ModcapError(
            e.code,
            `the actuals do not continue the dataset's series: ${errs[0]?.reason ?? e.message}`,
            {
              file,
              errors: errs.length > 0 ? errs : undefined,
            },
          );
        }
        throw e;
      });
      const ifMatch = parseIfMatch(req.headers['if-match']);
      return datasetOut(
        await ctx.store.appendRows(meta.id, rows, ifMatch === undefined ? {} : { ifVersion: ifMatch }),
      );
    },
  );

  app.post(
    '/v1/datasets/:id/anomalies',
    {
      schema: {
        description:
          'Detects anomalies in the stored history (library `detectAnomaliesMany`) and stores the result.',
        params: IdParams,
        body: AnomaliesIn.optional(),
        response: { 201: ResultMeta.extend({ doc: z.unknown() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const body = req.body ?? {};
      const { meta, series } = await datasetSeries(ctx.store, req.params.id).catch((e) => {
        throw e instanceof ModcapError && e.code === 'INPUT_NOT_FOUND'
          ? new ApiError('NOT_FOUND', e.message)
          : e;
      });
      let events: EventSpec[] = [];
      const inputs = [{ path: `dataset:${meta.id}@v${meta.version}`, sha256: meta.sha256 }];
      if (body.eventsId) {
        const e = await loadStoredEvents(ctx.store, body.eventsId);
        events = e.events;
        inputs.push({ path: `events:${body.eventsId}@v${e.version}`, sha256: sha256Json(e.doc) });
      }
      // Detection takes about half a second per 2-year hourly series: past a few series it runs on worker
      // threads (all cores), so the server keeps answering other requests meanwhile.
      const points = series.reduce((n, x) => n + x.values.length, 0);
      const detectOptions = { events, level: body.level };
      const anomalies =
        points >= OFFLOAD_POINTS
          ? await detectAnomaliesParallel(series, detectOptions, Math.max(2, availableParallelism()))
          : detectAnomaliesMany(series, detectOptions);
      const doc = {
        inputs,
        anomalies: anomalies.map((a) => ({
          ...a,
          start: new Date(a.start).toISOString(),
          end: new Date(a.end).toISOString(),
        })),
      };
      const rec = await ctx.store.saveResult('anomalies', {
        datasetId: meta.id,
        params: { ...body, datasetVersion: meta.version },
        doc: JSON.parse(JSON.stringify(doc)),
      });
      return reply
        .code(201)
        .header('location', `/v1/anomalies/${rec.id}`)
        .send({ ...resultMeta(rec), doc: rec.doc });
    },
  );

  app.get(
    '/v1/datasets/:id/anomalies',
    {
      schema: {
        params: IdParams,
        response: { 200: z.object({ results: z.array(ResultMeta) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      found(await ctx.store.getDataset(req.params.id), 'dataset', req.params.id);
      return {
        results: (await ctx.store.listResults('anomalies', { datasetId: req.params.id })).map(resultMeta),
      };
    },
  );

  app.get(
    '/v1/anomalies/:id',
    {
      schema: {
        params: IdParams,
        response: { 200: ResultMeta.extend({ doc: z.unknown() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const r = found(await ctx.store.getResult('anomalies', req.params.id), 'anomaly result', req.params.id);
      return { ...resultMeta(r), doc: r.doc };
    },
  );
};

/**
 * The version in an If-Match header: `"3"`, `W/"3"` or `3`; `undefined` when absent.
 * @throws ModcapError BAD_ARGUMENT for anything else
 * @example parseIfMatch('W/"3"') // => 3
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header[0] : header;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(text);
  if (!m)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `If-Match: "${text}" is not a version (send the ETag you read, e.g. "3")`,
      {
        field: 'headers.if-match',
        value: text,
      },
    );
  return Number(m[1]);
}

export { ResultMeta, resultMeta };
