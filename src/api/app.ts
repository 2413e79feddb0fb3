/**
 * The HTTP API (issue 5): `buildApp(options)` wires the store, the job queue, auth and the resource modules
 * into a Fastify instance. Versioned routes under `/v1` (roles per route in `routes.ts`), zod schemas through
 * the type provider, the OpenAPI 3 document at `/openapi.json` and the interactive page at `/docs`, RFC 9457
 * problem+json for every error, body limits and per-key rate limiting. `listen` happens elsewhere
 * (`src/cli/serve.ts`, tests).
 */

import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { MODCAP_VERSION } from '../forecast/output.ts';
import type { Role, Store } from '../store/types.ts';
import { authenticate, KeyResolver, type Principal } from './auth.ts';
import type { ApiContext, App } from './context.ts';
import { CostCache } from './costs.ts';
import { InProcessJobQueue, type JobQueue } from './jobs.ts';
import { ApiError, errorHandler, problem, sendProblem } from './problem.ts';
import { chartsResource } from './resources/charts.ts';
import { datasetsResource, UPLOAD_TYPES } from './resources/datasets.ts';
import { documentsResource } from './resources/documents.ts';
import { forecastsResource } from './resources/forecasts.ts';
import { keysResource } from './resources/keys.ts';
import { plansResource } from './resources/plans.ts';
import { ROUTE_TABLE, routeSpec } from './routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the auth hook on `/v1` routes. */
    principal?: Principal;
  }
}

/** Rate limiting per API key (per client address before authentication). */
export interface RateLimitOptions {
  /** Requests per window and key (default 600,000: generous, so load tests are not throttled). */
  readonly max?: number;
  /** Window, ms (default 60,000). */
  readonly timeWindowMs?: number;
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  readonly store: Store;
  /** Fastify logger option (default off); `true` or a pino options object. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Rate limiting; `false` turns it off. */
  readonly rateLimit?: RateLimitOptions | false;
  /** The job queue (default: an in-process runner over the store, started with the app, stopped on close). */
  readonly jobs?: JobQueue;
  /** Options of the default in-process runner (e.g. `{ forecastWorkers: 1, pollMs: 200 }`). */
  readonly runner?: ConstructorParameters<typeof InProcessJobQueue>[1];
  /** Largest JSON body, bytes (default 10 MiB). */
  readonly bodyLimitBytes?: number;
  /** Largest volumes upload, bytes (default 512 MiB). */
  readonly uploadLimitBytes?: number;
  /** How long an API key lookup is cached, ms (default 5,000). */
  readonly keyCacheMs?: number;
}

/**
 * Builds the API. The store stays the caller's (not closed with the app); the default job runner is started
 * when the app is ready and stopped when it closes.
 * @example
 * const app = await buildApp({ store: await openStore({ dataDir: '/tmp/modcap' }) });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { store } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, {
      ...problem('NOT_FOUND', 404, `no route ${req.method} ${req.url.split('?')[0]}`),
      instance: req.url.split('?')[0],
    }),
  );

  const costs = new CostCache(store);
  const ownQueue = options.jobs === undefined;
  const jobs =
    options.jobs ??
    new InProcessJobQueue(store, {
      ...options.runner,
      log: options.runner?.log ?? app.log,
      onPlanStored: (id) => {
        costs.invalidate(id);
        options.runner?.onPlanStored?.(id);
      },
    });
  const ctx: ApiContext = {
    store,
    jobs,
    keys: new KeyResolver(store, { ttlMs: options.keyCacheMs }),
    costs,
    uploadLimitBytes: options.uploadLimitBytes ?? 512 * 1024 * 1024,
  };

  // Volumes uploads arrive as streams; the handler reads them through the library reader.
  app.addContentTypeParser(Object.keys(UPLOAD_TYPES), (_req, payload, done) => done(null, payload));

  // Every /v1 route must be in the route table; its roles and summary go into the OpenAPI document.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      const spec = routeSpec(m, route.url);
      if (!spec) throw new Error(`route ${m} ${route.url} is not in the route table (src/api/routes.ts)`);
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      route.schema = {
        ...schema,
        summary: spec.summary,
        description: `${schema.description ? `${schema.description}\n\n` : ''}Roles: ${spec.roles.join(', ')}.`,
        tags: [spec.url.split('/')[2]],
        security: [{ bearer: [] }, { apiKey: [] }],
      };
    }
  });

  // Authentication and the role check, before the body is read or validated.
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (url === undefined || !url.startsWith('/v1/')) return;
    const spec = routeSpec(req.method, url);
    if (!spec) throw new ApiError('FORBIDDEN', `${req.method} ${url} is not open to any role`);
    const principal = await authenticate(ctx.keys, req.headers);
    if (!spec.roles.includes(principal.role as Role))
      throw new ApiError(
        'FORBIDDEN',
        `role ${principal.role} may not use ${spec.method} ${spec.url} (allowed: ${spec.roles.join(', ')})`,
        {
          role: principal.role,
          allowedRoles: spec.roles,
        },
      );
    req.principal = principal;
  });

  if (options.rateLimit !== false) {
    await app.register(fastifyRateLimit, {
      global: true,
      max: options.rateLimit?.max ?? 600_000,
      timeWindow: options.rateLimit?.timeWindowMs ?? 60_000,
      keyGenerator: (req) => (req.principal ? `key:${req.principal.id}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, c) =>
        new ApiError('RATE_LIMITED', `rate limit of ${c.max} requests per ${c.after} reached for this key`, {
          limit: c.max,
        }),
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'modcap API',
        version: MODCAP_VERSION,
        description:
          'Forecast moderation volume, plan reviewer capacity and cost. Every route needs an API key ' +
          '(`Authorization: Bearer <key>` or `x-api-key`); errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } as never }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  );
  app.get('/healthz', { schema: { hide: true } as never }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send('{"ok":true}'),
  );

  for (const resource of [
    keysResource,
    datasetsResource,
    documentsResource,
    forecastsResource,
    plansResource,
    chartsResource,
  ])
    resource(app, ctx);

  if (ownQueue) {
    app.addHook('onReady', async () => jobs.start());
    app.addHook('onClose', async () => jobs.stop());
  }
  return app;
}

export { ROUTE_TABLE };
