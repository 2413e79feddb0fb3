/** What every resource module of the API gets: the store, the job queue, the caches and the limits. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../store/types.ts';
import type { KeyResolver } from './auth.ts';
import type { CostCache } from './costs.ts';
import type { JobQueue } from './jobs.ts';
import { ApiError } from './problem.ts';

/** The shared state of one app. */
export interface ApiContext {
  readonly store: Store;
  readonly jobs: JobQueue;
  readonly keys: KeyResolver;
  readonly costs: CostCache;
  /** Largest volumes upload, bytes. */
  readonly uploadLimitBytes: number;
}

/** The Fastify instance with the zod type provider. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A resource module: registers its routes. */
export type Resource = (app: App, ctx: ApiContext) => void;

/** Whether the client asked for CSV (`format=csv` or `Accept: text/csv` before JSON). */
export function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format === 'csv') return true;
  if (format === 'json') return false;
  const accept = request.headers.accept;
  if (typeof accept !== 'string') return false;
  const csv = accept.indexOf('text/csv');
  if (csv < 0) return false;
  const json = accept.indexOf('json');
  return json < 0 || csv < json;
}

/** Sends a CSV answer. */
export function sendCsv(reply: FastifyReply, csv: string, filename: string): FastifyReply {
  return reply
    .header('content-disposition', `attachment; filename="${filename}"`)
    .type('text/csv; charset=utf-8')
    .send(csv);
}

/** Throws NOT_FOUND for a missing record. */
export function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new ApiError('NOT_FOUND', `${what} "${id}" does not exist`, { id });
  return value;
}

/** ISO text of epoch ms (or null). */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
