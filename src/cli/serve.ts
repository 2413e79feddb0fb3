import { parseArgs } from 'node:util';
import { buildApp } from '../api/app.ts';
import type { JobQueue } from '../api/jobs.ts';
import { bossSchemaFor, PgBossJobQueue } from '../api/jobs-boss.ts';
import { ModcapError } from '../errors.ts';
import { openStore } from '../store/index.ts';

/** Usage of `modcap serve`. */
export const SERVE_USAGE = `modcap serve [--port N] [--host H] [--data-dir DIR] [--rate-limit N] [--no-worker]
             [--schema S] [--boss-schema S] [--log]
  Starts the HTTP API (OpenAPI at /openapi.json, interactive docs at /docs). Storage: PostgreSQL when
  DATABASE_URL is set, else the embedded store in --data-dir (or MODCAP_DATA_DIR, or ./.modcap-data).
  Embedded store: forecast and plan jobs run in this process. PostgreSQL: jobs go through pg-boss; this
  process also works on them unless --no-worker (then run \`modcap worker\` somewhere). --schema is the
  PostgreSQL schema of the tables (default MODCAP_DB_SCHEMA, else public); --boss-schema that of pg-boss
  (default pgboss, or <schema>_pgboss beside another schema). --port defaults to 8080 (0 = any free port),
  --host to 127.0.0.1; --rate-limit is requests per minute per API key (default 600000; 0 turns it off).
  Create the first key with: modcap keys create --role admin`;

/** A PostgreSQL schema name from an option or MODCAP_DB_SCHEMA (checked by the store when opened). */
export function schemaOption(value: string | undefined): string | undefined {
  return value || process.env.MODCAP_DB_SCHEMA || undefined;
}

/**
 * `modcap serve ...`: opens the store, builds the API (with a pg-boss job queue when the store is
 * PostgreSQL), listens, prints the URL, and shuts down cleanly on SIGINT / SIGTERM (running jobs are given
 * 30 s). Resolves when the server has stopped.
 * @throws ModcapError BAD_ARGUMENT for a bad option
 * @example await serveCommand(['--port', '8080']) // prints http://127.0.0.1:8080
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        'rate-limit': { type: 'string' },
        'no-worker': { type: 'boolean', default: false },
        schema: { type: 'string' },
        'boss-schema': { type: 'string' },
        log: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new ModcapError('BAD_ARGUMENT', `${(e as Error).message}\n\n${SERVE_USAGE}`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ModcapError('BAD_ARGUMENT', `--port: "${values.port}" is not a port number (0-65535)`, {
      value: values.port,
    });
  const rateText = (values['rate-limit'] as string | undefined) ?? process.env.MODCAP_RATE_LIMIT;
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 0))
    throw new ModcapError('BAD_ARGUMENT', `--rate-limit: "${rateText}" is not a whole number ≥ 0`, {
      value: rateText,
    });

  const schema = schemaOption(values.schema as string | undefined);
  const store = await openStore({ dataDir: values['data-dir'] as string | undefined, schema });
  const logger = values.log ? { level: 'info' } : { level: 'warn' };
  let jobs: JobQueue | undefined;
  if (store.kind === 'postgres') {
    jobs = new PgBossJobQueue(store, {
      databaseUrl: process.env.DATABASE_URL as string,
      bossSchema: (values['boss-schema'] as string | undefined) || bossSchemaFor(schema),
      worker: !values['no-worker'],
      log: {
        error: (o, m) => console.error(`modcap serve: ${m ?? ''}`, (o as { err?: unknown }).err ?? o),
      },
    });
  }
  const app = await buildApp({
    store,
    jobs,
    logger,
    rateLimit: rate === 0 ? false : rate === undefined ? undefined : { max: rate },
  });
  if (jobs) {
    // buildApp starts and stops only the queue it made itself
    const queue = jobs;
    app.addHook('onClose', async () => queue.stop());
    await queue.start();
  }
  const address = await app.listen({ port, host: values.host as string });
  console.log(address);
  const how =
    store.kind === 'postgres'
      ? `jobs through pg-boss${values['no-worker'] ? ' (no worker in this process)' : ''}`
      : 'jobs in this process';
  console.error(`modcap serve: ${store.kind} store, ${how}; API docs at ${address}/docs`);

  await new Promise<void>((resolve) => {
    const stop = async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error('modcap serve: stopping');
      const force = setTimeout(() => app.server.closeAllConnections(), 30_000);
      force.unref();
      await app.close();
      await store.close();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
