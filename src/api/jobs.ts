/**
 * Background jobs behind one seam, {@link JobQueue}: the API only calls `enqueue`; who runs the job is the
 * queue's business. {@link InProcessJobQueue} is the embedded default: a loop in this process that claims
 * jobs from the store (`claimNextJob`) and runs them with {@link runClaimedJob} (forecasts use worker threads
 * through `forecastMany`). `PgBossJobQueue` (`jobs-boss.ts`, PostgreSQL) delivers jobs to any number of
 * `modcap worker` / `modcap serve` processes and runs them with the same {@link runClaimedJob}. Jobs of a
 * worker process that died on this host go back to the queue at once ({@link recoverDeadLocalJobs}); others
 * when their heartbeat goes stale (`requeueStale`).
 */

import { hostname } from 'node:os';
import { ZodError } from 'zod';
import { ModcapError } from '../errors.ts';
import { isStoreConflict } from '../store/errors.ts';
import type { Job, JobKind, NewJob, Store } from '../store/types.ts';
import { runJob, type WorkOptions } from './work.ts';

/** A job queue: records jobs and gets them run. */
export interface JobQueue {
  /** Records a job (status `queued`) and makes it runnable; answers the stored record at once. */
  enqueue(job: NewJob): Promise<Job>;
  /** Starts running jobs (no-op for a queue whose workers live elsewhere). */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (at most `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Options of {@link InProcessJobQueue}. */
export interface InProcessJobQueueOptions extends WorkOptions {
  /** Worker id recorded on claimed jobs (default `<host>:<pid>:<random>`). */
  readonly workerId?: string;
  /** Jobs run at the same time (default 1; forecasts already use every core). */
  readonly concurrency?: number;
  /** How often an idle runner looks for jobs queued by other processes, ms (default 1000). */
  readonly pollMs?: number;
  /** A running job whose heartbeat is older than this is requeued (its worker died), ms (default 10 min). */
  readonly staleAfterMs?: number;
  /** Job kinds this runner takes (default all). */
  readonly kinds?: readonly JobKind[];
  /** Heartbeat of a running job, ms (default 30,000). */
  readonly heartbeatMs?: number;
  /** Logger for job failures (default none). */
  readonly log?: { error(obj: unknown, msg?: string): void; info?(obj: unknown, msg?: string): void };
}

/** A message for the job record: ModcapErrors keep their code; other errors only their message. */
export function jobErrorText(e: unknown): string {
  if (e instanceof ModcapError) return `${e.code}: ${e.message}`;
  const err = e as { code?: unknown; message?: unknown } | null;
  if (typeof err?.code === 'string' && typeof err.message === 'string') return `${err.code}: ${err.message}`;
  return `INTERNAL: ${typeof err?.message === 'string' ? err.message : String(e)}`;
}

/** Whether a failure is worth another attempt (input errors are not). */
export function retryable(e: unknown): boolean {
  if (e instanceof ModcapError || e instanceof ZodError) return false; // bad input stays bad
  const code = (e as { code?: unknown } | null)?.code;
  return !(code === 'STORE_NOT_FOUND' || code === 'STORE_CONFLICT');
}

/**
 * A worker id `<host>:<pid>:<label>` (label default: 6 random characters). The host and pid let a later
 * process on the same host see that the worker is gone ({@link recoverDeadLocalJobs}).
 * @example newWorkerId('a') // => 'build-1:4242:a'
 */
export function newWorkerId(label?: string): string {
  return `${hostname()}:${process.pid}:${label ?? Math.random().toString(36).slice(2, 8)}`;
}

/** Host and process id of a worker id made by {@link newWorkerId}; `undefined` for other ids. */
export function workerProcess(workerId: string): { host: string; pid: number } | undefined {
  const parts = workerId.split(':');
  if (parts.length < 3) return undefined;
  const pid = Number(parts[parts.length - 2]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { host: parts.slice(0, -2).join(':'), pid };
}

/** Whether a process with this id exists on this host. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Jobs left `running` by a worker process of THIS host that no longer exists (killed, crashed): each goes
 * back to the queue (or is marked failed when it used all its attempts) at once, without waiting for its
 * heartbeat to go stale. Workers on other hosts are left to `requeueStale`.
 * @example await recoverDeadLocalJobs(store) // => { requeued: ['9f…'], failed: [] }
 */
export async function recoverDeadLocalJobs(store: Store): Promise<{ requeued: string[]; failed: string[] }> {
  const requeued: string[] = [];
  const failed: string[] = [];
  const host = hostname();
  for (const job of await store.listJobs({ status: 'running', limit: 1000 })) {
    const w = job.workerId ? workerProcess(job.workerId) : undefined;
    if (!w || w.host !== host || w.pid === process.pid || processAlive(w.pid)) continue;
    try {
      const after = await store.failJob(
        job.id,
        job.workerId as string,
        `worker ${job.workerId} died during attempt ${job.attempts} (process ${w.pid} is gone)`,
        { retry: true },
      );
      (after.status === 'queued' ? requeued : failed).push(job.id);
    } catch (e) {
      // another process recovered it first, or it finished meanwhile
      if (!isStoreConflict(e)) throw e;
    }
  }
  return { requeued, failed };
}

/** Options of {@link runClaimedJob}. */
export interface RunClaimedJobOptions extends WorkOptions {
  /** How often the progress (and so the heartbeat) is refreshed while the library computes, ms (default 30,000). */
  readonly heartbeatMs?: number;
  /** Logger for job failures. */
  readonly log?: { error(obj: unknown, msg?: string): void };
}

/**
 * Runs a job this worker has claimed (`claimNextJob`): `runJob` with progress reports (also the heartbeat),
 * then `completeJob`, or `failJob` (retried when the failure is not an input error and attempts are left).
 * Never throws for a job failure; answers the job record after, or `undefined` when even that could not be
 * written (the job stays `running` until `requeueStale` or {@link recoverDeadLocalJobs} sees it).
 */
export async function runClaimedJob(
  store: Store,
  job: Job,
  workerId: string,
  options: RunClaimedJobOptions = {},
): Promise<Job | undefined> {
  let lastProgress = 0;
  let lastMessage = 'started';
  const progress = async (share: number, message: string) => {
    lastProgress = Math.min(1, Math.max(0, share));
    lastMessage = message;
    try {
      await store.updateJobProgress(job.id, workerId, lastProgress, message);
    } catch (e) {
      options.log?.error({ err: e, jobId: job.id }, 'progress update failed');
    }
  };
  // heartbeat while the library computes between progress reports
  const heartbeat = setInterval(
    () => void progress(lastProgress, lastMessage),
    options.heartbeatMs ?? 30_000,
  );
  heartbeat.unref();
  try {
    const ref = await runJob(store, job, progress, options);
    clearInterval(heartbeat);
    return await store.completeJob(job.id, workerId, ref);
  } catch (e) {
    clearInterval(heartbeat);
    options.log?.error({ err: e, jobId: job.id }, 'job failed');
    try {
      return await store.failJob(job.id, workerId, jobErrorText(e), { retry: retryable(e) });
    } catch (e2) {
      options.log?.error({ err: e2, jobId: job.id }, 'failJob failed');
      return undefined;
    }
  }
}

/** The embedded job runner: claims jobs from the store and runs them in this process. */
export class InProcessJobQueue implements JobQueue {
  readonly workerId: string;
  private readonly store: Store;
  private readonly options: InProcessJobQueueOptions;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(store: Store, options: InProcessJobQueueOptions = {}) {
    this.store = store;
    this.options = options;
    this.workerId = options.workerId ?? newWorkerId();
  }

  async enqueue(job: NewJob): Promise<Job> {
    const rec = await this.store.createJob(job);
    this.wakeAll();
    return rec;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const stale = this.options.staleAfterMs ?? 600_000;
    try {
      await recoverDeadLocalJobs(this.store);
    } catch (e) {
      this.options.log?.error({ err: e }, 'recovering jobs of dead workers failed');
    }
    await this.requeue(stale);
    this.staleTimer = setInterval(() => void this.requeue(stale), Math.min(stale, 60_000));
    this.staleTimer.unref();
    for (let i = 0; i < (this.options.concurrency ?? 1); i++) this.loops.push(this.loop());
  }

  async stop(timeoutMs = 30_000): Promise<void> {
    this.running = false;
    if (this.staleTimer) clearInterval(this.staleTimer);
    this.wakeAll();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.loops),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.loops.length = 0;
  }

  private async requeue(olderThanMs: number): Promise<void> {
    try {
      await this.store.requeueStale(olderThanMs);
    } catch (e) {
      this.options.log?.error({ err: e }, 'requeueStale failed');
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs ?? 1000);
      timer.unref();
      this.waiters.add(done);
    });
  }

  /** Wakes every idle loop (a job was queued, or the queue stops). */
  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let job: Job | undefined;
      try {
        job = await this.store.claimNextJob(this.workerId, { kinds: this.options.kinds });
      } catch (e) {
        this.options.log?.error({ err: e }, 'claimNextJob failed');
      }
      if (!job) {
        await this.idle();
        continue;
      }
      await this.runOne(job);
    }
  }

  private async runOne(job: Job): Promise<void> {
    await runClaimedJob(this.store, job, this.workerId, this.options);
  }
}
