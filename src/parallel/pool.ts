/**
 * Worker threads for the heavy library calls (tasks.ts): a fixed pool that hands each call to its least busy
 * worker. The same functions run there as here, so the numbers are the same; a ModcapError thrown on a worker
 * comes back as a ModcapError with its code and details.
 */

import { Worker } from 'node:worker_threads';
import { type ErrorCode, ModcapError } from '../errors.ts';
import type { TaskName, Tasks } from './tasks.ts';

/** A call for a worker (worker.ts). */
export interface TaskRequest {
  readonly id: number;
  readonly name: TaskName;
  readonly args: readonly unknown[];
}

/** An error thrown on a worker, as it crosses back. */
export interface TaskError {
  readonly message: string;
  readonly code?: ErrorCode;
  readonly details?: Record<string, unknown>;
}

/** A worker's answer. */
export type TaskReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: TaskError };

/** A fixed set of worker threads taking calls in turn. */
export class TaskPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  private readonly pending = new Map<
    number,
    { resolve: (r: TaskReply) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(size: number) {
    this.workers = Array.from(
      { length: Math.max(1, size) },
      () => new Worker(new URL('./worker-entry.mjs', import.meta.url)),
    );
    this.busy = this.workers.map(() => 0);
    this.workers.forEach((w, i) => {
      w.on('message', (reply: TaskReply) => {
        this.busy[i]--;
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        p?.resolve(reply);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
    });
  }

  /** Runs task `name` with `args` on the least busy worker. */
  async run<N extends TaskName>(name: N, ...args: Parameters<Tasks[N]>): Promise<ReturnType<Tasks[N]>> {
    let k = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i] < this.busy[k]) k = i;
    this.busy[k]++;
    const id = this.nextId++;
    const reply = await new Promise<TaskReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[k].postMessage({ id, name, args } satisfies TaskRequest);
    });
    if ('error' in reply) throw rebuild(reply.error);
    return reply.value as ReturnType<Tasks[N]>;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The error as it should cross to another thread. */
export function taskError(e: unknown): TaskError {
  const err = e as Error;
  if (e instanceof ModcapError) return { message: err.message, code: e.code, details: { ...e.details } };
  return { message: err?.message ?? String(e) };
}

/** A worker's error as an Error of this thread: a ModcapError again when it was one. */
function rebuild(e: TaskError): Error {
  if (!e.code) return new Error(e.message);
  const err = new ModcapError(e.code, e.message); // no details here, so the message is not prefixed twice
  Object.assign(err, { details: e.details ?? {} });
  return err;
}
