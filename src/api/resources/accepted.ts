/** The 202 answer of a route that queues a background job (forecasts, plans). */

import type { z } from 'zod';
import type { JobKind } from '../../store/types.ts';
import type { ApiContext } from '../context.ts';
import type { Accepted } from '../schemas.ts';

/** What a 202 route sends: the `location` header (the job's URL) and the {@link Accepted} body. */
export interface AcceptedAnswer {
  readonly location: string;
  readonly body: z.infer<typeof Accepted>;
}

/**
 * Queues a job of `kind` with `params` (copied as plain JSON) and builds its 202 answer, which points at the
 * job's status URL and at the URL its result will have.
 * @example const { location, body } = await enqueueAccepted(ctx, 'plan', params, params.planId, `/v1/plans/${params.planId}`);
 */
export async function enqueueAccepted(
  ctx: ApiContext,
  kind: JobKind,
  params: object,
  resultId: string,
  resultUrl: string,
): Promise<AcceptedAnswer> {
  const job = await ctx.jobs.enqueue({ kind, params: JSON.parse(JSON.stringify(params)) });
  const statusUrl = `/v1/jobs/${job.id}`;
  return {
    location: statusUrl,
    body: { jobId: job.id, status: job.status, statusUrl, resultId, resultUrl },
  };
}
