import { parseArgs } from 'node:util';
import { bossSchemaFor, PgBossJobQueue } from '../api/jobs-boss.ts';
import { ModcapError } from '../errors.ts';
import { openStore } from '../store/index.ts';
import { schemaOption } from './serve.ts';

/** Usage of `modcap worker`. */
export const WORKER_USAGE = `modcap worker [--concurrency N] [--workers N] [--worker-id ID] [--schema S]
              [--boss-schema S] [--poll SECONDS] [--stale-after SECONDS]
  Runs forecast and plan jobs queued by \`modcap serve\` through pg-boss (needs DATABASE_URL). Start as many
  as you like, on one or many machines. A job whose worker dies is re-queued (at once on the same host,
  after --stale-after seconds of silence elsewhere, default 600) until its attempts are used, then failed.
  --concurrency is jobs at a time (default 1), --workers the threads of one forecast (default: all cores).
  Schemas as for modcap serve. Stops cleanly on SIGINT / SIGTERM (the running job is given 30 s).`;

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n))))
    throw new ModcapError(
      'BAD_ARGUMENT',
      `--${name}: "${text}" is not a ${integer ? 'whole ' : ''}number > 0`,
      {
        value: text,
      },
    );
  return n;
}

/**
 * `modcap worker ...`: opens the PostgreSQL store (DATABASE_URL) and works on the pg-boss job queue until
 * SIGINT / SIGTERM. Prints `modcap worker <id> ready` on stderr once it takes jobs, and the id on stdout.
 * @throws ModcapError BAD_ARGUMENT without DATABASE_URL or for a bad option
 * @example await workerCommand(['--concurrency', '1']) // runs until stopped
 */
export async function workerCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        concurrency: { type: 'string' },
        workers: { type: 'string' },
        'worker-id': { type: 'string' },
        schema: { type: 'string' },
        'boss-schema': { type: 'string' },
        poll: { type: 'string' },
        'stale-after': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new ModcapError('BAD_ARGUMENT', `${(e as Error).message}\n\n${WORKER_USAGE}`);
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `modcap worker needs DATABASE_URL (a PostgreSQL URL): the embedded store runs jobs inside modcap serve\n\n${WORKER_USAGE}`,
    );
  const concurrency = positiveNumber('concurrency', values.concurrency as string | undefined, true);
  const forecastWorkers = positiveNumber('workers', values.workers as string | undefined, true);
  const poll = positiveNumber('poll', values.poll as string | undefined, false);
  if (poll !== undefined && poll < 0.5)
    throw new ModcapError('BAD_ARGUMENT', `--poll: ${poll} is below pg-boss's minimum of 0.5 seconds`, {
      value: poll,
    });
  const staleSeconds = positiveNumber('stale-after', values['stale-after'] as string | undefined, false);

  const schema = schemaOption(values.schema as string | undefined);
  const store = await openStore({ databaseUrl, schema });
  const queue = new PgBossJobQueue(store, {
    databaseUrl,
    bossSchema: (values['boss-schema'] as string | undefined) || bossSchemaFor(schema),
    workerId: values['worker-id'] as string | undefined,
    concurrency,
    forecastWorkers,
    pollSeconds: poll,
    staleAfterMs: staleSeconds === undefined ? undefined : staleSeconds * 1000,
    sweepMs: staleSeconds === undefined ? undefined : Math.min(30_000, (staleSeconds * 1000) / 2),
    log: {
      error: (o, m) => console.error(`modcap worker: ${m ?? ''}`, (o as { err?: unknown }).err ?? o),
      info: (o, m) => console.error(`modcap worker: ${m ?? ''} ${JSON.stringify(o)}`),
    },
  });
  await queue.start();
  console.log(queue.workerId);
  console.error(`modcap worker ${queue.workerId} ready`);

  await new Promise<void>((resolve) => {
    const stop = async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error(`modcap worker ${queue.workerId}: stopping`);
      await queue.stop(30_000);
      await store.close();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
