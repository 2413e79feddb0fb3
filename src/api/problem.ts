/**
 * RFC 9457 problem+json answers: the one place where every error (ModcapError, store errors, request
 * validation, Fastify's own errors, rate limiting, anything unexpected) becomes an HTTP status and a stable
 * `code`. Unexpected errors answer 500 with a request reference only: never a message, path or stack.
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CODES, ModcapError } from '../errors.ts';
import { isStoreConflict, isStoreNotFound } from '../store/errors.ts';

/** Codes the API answers besides the library's `ErrorCode`s. */
export const API_ERROR_CODES = {
  UNAUTHORIZED: {
    status: 401,
    title: 'Unauthorized',
    hint: 'Send `Authorization: Bearer <key>` or `x-api-key`.',
  },
  FORBIDDEN: { status: 403, title: 'Forbidden', hint: 'Your key’s role may not use this route.' },
  NOT_FOUND: { status: 404, title: 'Not found', hint: 'Check the id and the path.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', hint: 'See /openapi.json.' },
  NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable', hint: 'Ask for application/json or text/csv.' },
  STORE_CONFLICT: {
    status: 409,
    title: 'Conflict',
    hint: 'Someone wrote first or the record exists: read it again (GET) and retry with its version.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', hint: 'Send a smaller body.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    hint: 'Use application/json, or text/csv / application/x-ndjson for volume uploads.',
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    title: 'Precondition required',
    hint: 'Send If-Match with the version (the ETag) you read.',
  },
  RATE_LIMITED: { status: 429, title: 'Too many requests', hint: 'Wait for the time in Retry-After.' },
  INTERNAL: { status: 500, title: 'Internal error', hint: 'Retry later; report the instance reference.' },
} as const;

/** A code the API can answer with. */
export type ProblemCode = keyof typeof API_ERROR_CODES | keyof typeof ERROR_CODES;

/** One item of a problem's `errors` list: where (upload file/line/column or body field) and why. */
export const ProblemItem = z
  .object({
    code: z.string().optional(),
    field: z
      .string()
      .optional()
      .describe('Path of the offending field, e.g. `body.horizon` or `sites[2].shrinkage`'),
    file: z.string().optional(),
    line: z.number().optional().describe('1-based line of an upload (a CSV header is line 1)'),
    column: z.string().optional(),
    value: z.unknown().optional(),
    reason: z.string(),
  })
  .passthrough();
export type ProblemItem = z.infer<typeof ProblemItem>;

/** The problem+json body (RFC 9457) with modcap's extensions `code`, `hint`, `field` and `errors`. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().describe('Stable machine-readable code, e.g. INPUT_INVALID, STORE_CONFLICT'),
    hint: z.string().optional(),
    field: z.string().optional(),
    errors: z.array(ProblemItem).optional(),
  })
  .passthrough();
export type Problem = z.infer<typeof Problem>;

/** An error the API raises itself (auth, media types, preconditions), with a stable code. */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(code: keyof typeof API_ERROR_CODES, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERROR_CODES[code].status;
    this.extra = extra;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  409: 'Conflict',
  422: 'Unprocessable content',
};

function problemType(code: string): string {
  return `urn:modcap:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

function titleFor(code: string, status: number): string {
  return (API_ERROR_CODES as Record<string, { title: string }>)[code]?.title ?? TITLES[status] ?? 'Error';
}

function hintFor(code: string): string | undefined {
  return (
    (API_ERROR_CODES as Record<string, { hint: string }>)[code]?.hint ??
    (ERROR_CODES as Record<string, { hint: string }>)[code]?.hint
  );
}

/** Builds a problem body. @example problem('NOT_FOUND', 404, 'plan "x" not found').type // => 'urn:modcap:problem:not-found' */
export function problem(
  code: string,
  status: number,
  detail: string,
  extra: Partial<Problem> & Record<string, unknown> = {},
): Problem {
  const hint = hintFor(code);
  return {
    type: problemType(code),
    title: titleFor(code, status),
    status,
    detail,
    code,
    ...(hint ? { hint } : {}),
    ...extra,
  };
}

/** JSON-safe copy of an error value (no functions, no huge blobs). */
function safeValue(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  try {
    const s = JSON.stringify(v);
    return s !== undefined && s.length <= 400 ? JSON.parse(s) : `${String(s).slice(0, 200)}…`;
  } catch {
    return undefined;
  }
}

/** The `errors` list of a ModcapError: row errors of uploads (`details.errors`) or config issues (`details.issues`). */
function modcapItems(e: ModcapError): ProblemItem[] | undefined {
  const d = e.details as Record<string, unknown>;
  const out: ProblemItem[] = [];
  if (Array.isArray(d.errors)) {
    for (const r of d.errors as Record<string, unknown>[]) {
      out.push(
        clean({
          code: typeof r.code === 'string' ? r.code : undefined,
          file: typeof r.file === 'string' ? r.file : undefined,
          line: typeof r.line === 'number' ? r.line : undefined,
          column: typeof r.column === 'string' ? r.column : undefined,
          value: safeValue(r.value),
          reason: String(r.reason ?? ''),
          ...(typeof r.series === 'string' ? { series: r.series } : {}),
          ...(typeof r.otherLine === 'number' ? { otherLine: r.otherLine } : {}),
        }),
      );
    }
  } else if (Array.isArray(d.issues)) {
    for (const r of d.issues as Record<string, unknown>[]) {
      const field =
        typeof r.path === 'string'
          ? r.path
          : typeof r.field === 'string'
            ? r.index !== undefined
              ? `[${r.index}].${r.field}`
              : r.field
            : undefined;
      out.push(
        clean({
          field,
          line: typeof r.line === 'number' ? r.line : undefined,
          value: safeValue(r.value),
          reason: String(r.reason ?? r.message ?? ''),
        }),
      );
    }
  } else if (d.line !== undefined || d.column !== undefined || d.reason !== undefined) {
    out.push(
      clean({
        code: e.code,
        file: typeof d.file === 'string' ? d.file : undefined,
        line: typeof d.line === 'number' ? d.line : undefined,
        column: typeof d.column === 'string' ? d.column : undefined,
        value: safeValue(d.value),
        reason: typeof d.reason === 'string' ? d.reason : e.message,
      }),
    );
  }
  return out.length > 0 ? out : undefined;
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Field path of a request-validation issue: `body.levels[0]`, `query.groupBy`. */
function validationField(context: string | undefined, instancePath: string): string {
  const where = context === 'querystring' ? 'query' : (context ?? 'body');
  const parts = instancePath.split('/').filter(Boolean);
  let s = where;
  for (const p of parts) s += /^\d+$/.test(p) ? `[${p}]` : `.${p}`;
  return s;
}

/**
 * Maps any thrown value to a problem body (status inside). Unknown errors become a bare 500.
 * @example toProblem(new ModcapError('BAD_ARGUMENT', 'horizon: "x" is not a duration')).status // => 400
 */
export function toProblem(e: unknown): Problem {
  if (e instanceof ApiError) return problem(e.code, e.status, e.message, e.extra);
  if (e instanceof ModcapError) {
    const errors = modcapItems(e);
    const d = e.details as Record<string, unknown>;
    const field = typeof d.field === 'string' ? d.field : undefined;
    return problem(e.code, e.status, e.message, {
      ...(field ? { field } : {}),
      ...(errors ? { errors } : {}),
      ...(d.truncated === true ? { truncated: true } : {}),
    });
  }
  if (isStoreConflict(e)) {
    return problem('STORE_CONFLICT', 409, e.message, {
      resource: e.resource,
      id: e.id,
      reason: e.reason,
      ...(e.details && Object.keys(e.details).length > 0 ? { conflict: safeValue(e.details) } : {}),
    });
  }
  if (isStoreNotFound(e)) return problem('NOT_FOUND', 404, e.message, { resource: e.resource, id: e.id });
  if (hasZodFastifySchemaValidationErrors(e)) {
    const context = (e as { validationContext?: string }).validationContext;
    const errors = e.validation.map((v) =>
      clean({
        field: validationField(context, v.instancePath),
        reason: v.message ?? 'invalid',
        code: v.keyword,
      }),
    );
    const first = errors[0];
    const detail = `${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors
      .slice(0, 3)
      .map((x) => `${x.field}: ${x.reason}`)
      .join('; ')}`;
    return problem('INPUT_INVALID', 400, detail, { field: first.field, errors });
  }
  const fe = e as Partial<FastifyError> | null;
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('PAYLOAD_TOO_LARGE', 413, 'the request body is larger than this route accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem('UNSUPPORTED_MEDIA_TYPE', 415, 'unsupported Content-Type for this route');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem('INPUT_EMPTY', 400, 'the JSON body is empty', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return problem('INPUT_PARSE', 400, 'the body is not valid JSON', { field: 'body' });
  }
  if (fe instanceof SyntaxError && status === 400) {
    return problem('INPUT_PARSE', 400, 'the body is not valid JSON', { field: 'body' });
  }
  if (status === 429) return problem('RATE_LIMITED', 429, 'rate limit reached for this key');
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad URL encoding, …): their messages describe the request, not internals.
    return problem('BAD_ARGUMENT', status, String(fe?.message ?? 'bad request').slice(0, 300));
  }
  return problem('INTERNAL', 500, 'internal error');
}

/** Sends a problem answer with `application/problem+json`. */
export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/**
 * The Fastify error handler: problem+json for everything; 5xx are logged with the error, answered without it.
 */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const p = toProblem(error);
  p.instance = request.url.split('?')[0];
  if (p.status >= 500) {
    request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    p.detail = `internal error (reference ${request.id})`;
    p.reference = request.id;
  } else if (p.status === 429) {
    const retry = reply.getHeader('retry-after');
    if (retry !== undefined) p.retryAfterSeconds = Number(retry);
  }
  return sendProblem(reply, p);
}
