/**
 * Jobs through pg-boss against PostgreSQL (REQUIRED: fails, never skips, when the server is down). The API
 * (in this process, `worker: false`, as `modcap serve --no-worker`) enqueues a batch of forecast jobs; two
 * `modcap worker` child processes against the same schema share it. Each job must run exactly once (one
 * claim, one stored forecast), and both workers must have taken some (the worker id stays on the job record).
 * Server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh schema, dropped after.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { App } from '../../src/api/context.ts';
import { BOSS_QUEUE, bossSchemaFor, PgBossJobQueue } from '../../src/api/jobs-boss.ts';
import type { Role, Store } from '../../src/store/types.ts';
import { type Child, repoPath, startChild, stopChild } from './fixtures/children.ts';
import { demoSlice, makeKeys, openRequiredPostgres, TEST_DATABASE_URL } from './helpers.ts';

const DATABASE_URL = TEST_DATABASE_URL;
const SCHEMA = `modcap_jobs_test_${randomBytes(4).toString('hex')}`;
const BOSS = bossSchemaFor(SCHEMA);
const JOBS = 8;

describe('pg-boss job queue, two worker processes, one PostgreSQL schema', () => {
  let store: Store;
  let queue: PgBossJobQueue;
  let app: App;
  let keys: Record<Role, string>;
  const workers: Child[] = [];

  beforeAll(async () => {
    store = await openRequiredPostgres(SCHEMA, 'test/api/jobs.postgres.test.ts');
    queue = new PgBossJobQueue(store, { databaseUrl: DATABASE_URL, bossSchema: BOSS, worker: false });
    app = await buildApp({ store, jobs: queue });
    await queue.start();
    keys = await makeKeys(store);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await stopChild(w);
    await app?.close();
    await queue?.stop();
    await store?.close();
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${BOSS}" CASCADE`);
    await pool.end();
  }, 60_000);

  it(`splits a batch of ${JOBS} forecast jobs between two workers, each job exactly once`, async () => {
    const auth = { authorization: `Bearer ${keys.planner}` };
    const csv = demoSlice(
      ['reviews', 'comments'],
      ['en', 'de'],
      '2024-12-01T00:00:00Z',
      '2025-01-10T00:00:00Z',
    );
    let r = await app.inject({
      method: 'POST',
      url: '/v1/datasets?name=jobs&timeZone=UTC',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(r.statusCode, r.body).toBe(201);
    const datasetId = r.json().id as string;

    // both workers take jobs before the batch is queued, so the split is theirs to make
    for (const _ of [0, 1]) {
      const w = startChild(
        repoPath('test/api/fixtures/worker.ts'),
        ['--schema', SCHEMA, '--boss-schema', BOSS, '--workers', '1', '--poll', '0.5'],
        { DATABASE_URL },
      );
      workers.push(w);
    }
    const ids = await Promise.all(workers.map((w) => w.waitFor(/^\S+:\d+:\S+$/m, 60_000)));
    expect(new Set(ids).size).toBe(2);

    const queued: { jobId: string; resultId: string }[] = [];
    for (let i = 0; i < JOBS; i++) {
      r = await app.inject({
        method: 'POST',
        url: '/v1/forecasts',
        headers: auth,
        payload: { datasetId, horizon: `${7 + i}d`, levels: [80], models: ['snaive', 'theta'] },
      });
      expect(r.statusCode, r.body).toBe(202);
      queued.push(r.json());
    }

    const until = Date.now() + 120_000;
    let jobs = await Promise.all(queued.map((q) => store.getJob(q.jobId)));
    while (jobs.some((j) => j?.status !== 'succeeded' && j?.status !== 'failed')) {
      if (Date.now() > until) throw new Error(`jobs not done: ${JSON.stringify(jobs.map((j) => j?.status))}`);
      await new Promise((res) => setTimeout(res, 250));
      jobs = await Promise.all(queued.map((q) => store.getJob(q.jobId)));
    }

    for (const [i, j] of jobs.entries()) {
      expect(j?.status, j?.error ?? '').toBe('succeeded');
      expect(j?.attempts).toBe(1); // claimed once
      expect(j?.resultRef).toBe(queued[i].resultId);
      expect(ids).toContain(j?.workerId);
    }
    // each forecast stored once, under the id chosen at enqueue, with its own horizon
    const forecasts = await store.listForecasts({ datasetId });
    expect(forecasts.map((f) => f.id).sort()).toEqual(queued.map((q) => q.resultId).sort());
    for (const [i, q] of queued.entries()) {
      const f = await store.getForecastMeta(q.resultId);
      expect((f?.params as { horizon?: string } | undefined)?.horizon).toBe(`${7 + i}d`);
    }
    const perWorker = ids.map((id) => jobs.filter((j) => j?.workerId === id).length);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(JOBS);
    for (const n of perWorker) expect(n, `jobs per worker: ${perWorker}`).toBeGreaterThan(0);

    // the pg-boss messages were delivered: none waits any more
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    const waiting = await pool.query(
      `SELECT count(*)::int AS n FROM "${BOSS}".job WHERE name = $1 AND state < 'active'`,
      [BOSS_QUEUE],
    );
    await pool.end();
    expect(waiting.rows[0].n).toBe(0);

    for (const w of workers.splice(0)) {
      const exit = await stopChild(w);
      expect(exit.code, w.stderr).toBe(0);
    }
  }, 180_000);
});
