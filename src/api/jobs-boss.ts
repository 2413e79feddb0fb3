/**
 * The job queue of a shared deployment (PostgreSQL, `DATABASE_URL`): {@link PgBossJobQueue}, a
 * {@link JobQueue} over `pg-boss`, so any number of API processes (`modcap serve`) and worker processes
 * (`modcap worker`), on one or many machines, share the work.
 *
 * Who holds what:
 * - the store's `jobs` table holds the RECORD of each job (status, progress, attempts, worker, result): the API
 *   reads it, and the store's atomic `claimNextJob` decides which worker runs which job (never two);
 * - pg-boss (its own schema, default `pgboss`) carries DELIVERY: every time a job becomes runnable (queued,
 *   re-queued after a lost worker or a retryable failure) one message ("a job is waiting") is sent; a worker
 *   that receives a message claims the oldest queued job of the store and runs it with `runJob`.
 *
 * A message that finds nothing to claim is a no-op, so extra messages are harmless, and the queue makes sure
 * none is missing: each worker sweeps every `sweepMs` — jobs of dead worker processes on its host go back to
 * the queue at once (`recoverDeadLocalJobs`), jobs whose heartbeat is older than `staleAfterMs` (a worker on
 * another machine vanished) through `requeueStale` (which marks them failed once `maxAttempts` are used), and
 * when the store has more queued jobs than pg-boss has waiting messages the difference is sent. pg-boss's own
 * expiry and retry of a message whose worker died add one more wake-up. A killed worker's job is therefore
 * retried, or failed after its attempts, never lost; a plan or forecast is stored in one transaction under
 * the id chosen at enqueue, so a retry never stores twice.
 */

import PgBoss from 'pg-boss';
import type { Job, JobKind, NewJob, Store } from '../store/types.ts';
import {
  type JobQueue,
  newWorkerId,
  type RunClaimedJobOptions,
  recoverDeadLocalJobs,
  runClaimedJob,
} from './jobs.ts';

/** Name of the pg-boss queue of modcap jobs. */
export const BOSS_QUEUE = 'modcap-jobs';

/**
 * Default pg-boss schema for a store schema: `pgboss` beside `public`, `<schema>_pgboss` beside any other
 * (so test schemas and their queues are dropped together).
 * @example bossSchemaFor('public') // => 'pgboss'
 * @example bossSchemaFor('modcap_t1') // => 'modcap_t1_pgboss'
 */
export function bossSchemaFor(storeSchema: string | undefined): string {
  return !storeSchema || storeSchema === 'public' ? 'pgboss' : `${storeSchema}_pgboss`;
}

/** Options of {@link PgBossJobQueue}. */
export interface PgBossJobQueueOptions extends RunClaimedJobOptions {
  /** PostgreSQL URL of pg-boss (normally the store's `DATABASE_URL`). */
  readonly databaseUrl: string;
  /** pg-boss schema (default `pgboss`; see {@link bossSchemaFor}). */
  readonly bossSchema?: string;
  /** Run jobs in this process (default true); false = only enqueue (`modcap serve --no-worker`). */
  readonly worker?: boolean;
  /** Worker id recorded on claimed jobs (default `<host>:<pid>:<random>`). */
  readonly workerId?: string;
  /** Jobs this process runs at the same time (default 1; forecasts already use every core). */
  readonly concurrency?: number;
  /** How often an idle worker asks pg-boss for a message, seconds (default 1; pg-boss minimum 0.5). */
  readonly pollSeconds?: number;
  /** How often a worker sweeps for lost and orphaned jobs, ms (default 30,000). */
  readonly sweepMs?: number;
  /** A running job whose heartbeat is older than this is re-queued, ms (default 10 min). */
  readonly staleAfterMs?: number;
  /** pg-boss expiry of a message being worked on, seconds (default 4 h; pg-boss maximum < 24 h). */
  readonly expireInSeconds?: number;
  /** Job kinds this worker takes (default all). */
  readonly kinds?: readonly JobKind[];
  /** Connections of pg-boss's own pool (default 4). */
  readonly maxConnections?: number;
  /** Logger (job failures, sweeps). */
  readonly log?: { error(obj: unknown, msg?: string): void; info?(obj: unknown, msg?: string): void };
}

/** What a pg-boss message carries: the job that made it (for logs; the worker claims the oldest queued job). */
interface Wake {
  readonly jobId: string;
  readonly kind: JobKind;
}

/** A job queue over pg-boss; see the module comment. */
export class PgBossJobQueue implements JobQueue {
  readonly workerId: string;
  private readonly store: Store;
  private readonly options: PgBossJobQueueOptions;
  private readonly boss: PgBoss;
  private starting: Promise<void> | undefined;
  private running = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly active = new Set<Promise<unknown>>();
  /** Ids of the jobs this process ran (in order), for logs and tests. */
  readonly ran: string[] = [];

  constructor(store: Store, options: PgBossJobQueueOptions) {
    this.store = store;
    this.options = options;
    this.workerId = options.workerId ?? newWorkerId();
    const worker = options.worker ?? true;
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: options.bossSchema ?? 'pgboss',
      max: options.maxConnections ?? 4,
      application_name: `modcap ${worker ? 'worker' : 'api'} ${this.workerId}`,
      schedule: false,
      supervise: worker, // expiry and retention run where workers run
      maintenanceIntervalSeconds: 60,
      pollingIntervalSeconds: options.pollSeconds ?? 1,
    });
    this.boss.on('error', (e) => options.log?.error({ err: e }, 'pg-boss error'));
  }

  /** Starts pg-boss (creating its schema and the queue when missing); idempotent. */
  private ready(): Promise<void> {
    this.starting ??= (async () => {
      await this.boss.start();
      await this.boss.createQueue(BOSS_QUEUE, {
        name: BOSS_QUEUE,
        retryLimit: 3,
        retryDelay: 1,
        expireInSeconds: this.options.expireInSeconds ?? 4 * 3600,
      });
    })();
    return this.starting;
  }

  private async wake(job: Pick<Job, 'id' | 'kind'>): Promise<void> {
    await this.boss.send(BOSS_QUEUE, { jobId: job.id, kind: job.kind } satisfies Wake, {
      expireInSeconds: this.options.expireInSeconds ?? 4 * 3600,
    });
  }

  async enqueue(job: NewJob): Promise<Job> {
    await this.ready();
    const rec = await this.store.createJob(job);
    try {
      await this.wake(rec);
    } catch (e) {
      // the record is queued; a worker's sweep sends the missing message
      this.options.log?.error(
        { err: e, jobId: rec.id },
        'pg-boss send failed; the sweep will deliver the job',
      );
    }
    return rec;
  }

  async start(): Promise<void> {
    await this.ready();
    if (this.running || this.options.worker === false) return;
    this.running = true;
    await this.sweep();
    const every = this.options.sweepMs ?? 30_000;
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }, every);
    this.sweepTimer.unref();
    for (let i = 0; i < (this.options.concurrency ?? 1); i++)
      await this.boss.work<Wake>(
        BOSS_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds ?? 1 },
        async (messages) => {
          for (const _ of messages) await this.track(this.takeOne());
        },
      );
    this.options.log?.info?.({ workerId: this.workerId }, 'pg-boss worker started');
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    return p.finally(() => this.active.delete(p));
  }

  /** One message: claim the oldest queued job and run it. Throws only when the store cannot be reached. */
  private async takeOne(): Promise<string | null> {
    if (!this.running) throw new Error('worker stopping'); // pg-boss retries the message elsewhere
    const job = await this.store.claimNextJob(this.workerId, { kinds: this.options.kinds });
    if (!job) return null;
    this.ran.push(job.id);
    const after = await runClaimedJob(this.store, job, this.workerId, this.options);
    if (after?.status === 'queued') await this.wake(after); // a retryable failure: run again
    return job.id;
  }

  /**
   * Re-queues the jobs of dead local workers and of stale heartbeats, and sends a message for every queued
   * job pg-boss has no waiting message for.
   */
  async sweep(): Promise<void> {
    const log = this.options.log;
    try {
      const local = await recoverDeadLocalJobs(this.store);
      const stale = await this.store.requeueStale(this.options.staleAfterMs ?? 600_000);
      const requeued = [...local.requeued, ...stale.requeued];
      const failed = [...local.failed, ...stale.failed];
      if (requeued.length || failed.length)
        log?.info?.({ requeued, failed }, 'jobs of lost workers re-queued or failed');
      const queued = await this.store.listJobs({ status: 'queued', limit: 1000 });
      const waiting = (await this.boss.getQueueSize(BOSS_QUEUE)) ?? 0;
      // oldest first, like claimNextJob; a message is a wake-up, not a reservation
      for (const job of queued.slice(0, Math.max(0, queued.length - waiting)).reverse()) await this.wake(job);
    } catch (e) {
      log?.error({ err: e }, 'job sweep failed');
    }
  }

  async stop(timeoutMs = 30_000): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (!this.starting) return;
    try {
      await this.starting;
    } catch {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.active, this.sweeping]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, timeoutMs) });
  }
}
