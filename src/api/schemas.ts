/** zod schemas shared by the resource modules (the single source of the API's types and of /openapi.json). */

import { z } from 'zod';
import { Problem } from './problem.ts';

/** A path `{ id }`. */
export const IdParams = z.object({ id: z.string().min(1).max(200) });

/** Error answers every route may give (documented once, served as application/problem+json). */
export const ERROR_RESPONSES = {
  '4xx': Problem.describe('RFC 9457 problem+json'),
  '5xx': Problem.describe('RFC 9457 problem+json (no internals)'),
} as const;

/** A stored dataset as the API shows it. */
export const Dataset = z.object({
  id: z.string(),
  name: z.string(),
  keyColumns: z.array(z.string()).describe('Series key columns, e.g. queue, language, market'),
  timeZone: z.string().describe('Declared IANA zone (series may carry their own from a timezone column)'),
  perSeriesTimeZones: z.boolean(),
  rowCount: z.number().int(),
  seriesCount: z.number().int(),
  firstTimestamp: z.string().nullable(),
  lastTimestamp: z.string().nullable(),
  sha256: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A job record. */
export const JobOut = z.object({
  id: z.string(),
  kind: z.enum(['forecast', 'plan']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.number().describe('Share done, 0..1'),
  progressMessage: z.string(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  resultRef: z.string().nullable().describe('Forecast id or plan id once succeeded'),
  result: z.string().nullable().describe('URL of the result once succeeded'),
  params: z.unknown(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

/** What a POST that starts a job answers (202). */
export const Accepted = z.object({
  jobId: z.string(),
  status: z.string(),
  statusUrl: z.string(),
  resultId: z.string().describe('Id the result will have (forecast or plan)'),
  resultUrl: z.string(),
});

/** Meta of a stored document (events calendar or configuration). */
export const DocumentMetaOut = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Output format switch of table routes. */
export const Format = z
  .enum(['json', 'csv'])
  .optional()
  .describe('json (default) or csv; or send Accept: text/csv');
