/**
 * Crash during a plan write, PostgreSQL + pg-boss worker (REQUIRED: fails, never skips, without a server).
 * The API runs in this process (`worker: false`); a `modcap worker` child runs the jobs. The worker is killed
 * with SIGKILL while its plan job is INSIDE the savePlan transaction, and a new worker is started. The
 * earlier plan must be intact, the interrupted plan must have no row stored, and the job must be retried by
 * the new worker and stored whole.
 *
 * Making the kill land inside the write: the test adds a statement trigger on plan_requirements that sleeps
 * (pg_sleep) — it fires after the plan row and all cost rows are written, before the commit. The test waits
 * until pg_stat_activity shows that insert sleeping, then kills the worker. The server rolls the orphaned
 * transaction back when the sleep ends and it finds the client gone. No code under test is changed or mocked.
 * Server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh schema, dropped after.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { App } from '../../src/api/context.ts';
import { bossSchemaFor, PgBossJobQueue } from '../../src/api/jobs-boss.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Role, Store } from '../../src/store/types.ts';
import { digest } from '../store/crash.ts';
import { type Child, repoPath, startChild, stopChild } from './fixtures/children.ts';
import { type Call, queuePlan, seedForecast, waitJob } from './fixtures/seed.ts';
import { makeKeys } from './helpers.ts';

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `modcap_crash_test_${randomBytes(4).toString('hex')}`;
const BOSS = bossSchemaFor(SCHEMA);

describe('modcap worker killed during a plan write (PostgreSQL + pg-boss)', () => {
  let store: Store;
  let queue: PgBossJobQueue;
  let app: App;
  let keys: Record<Role, string>;
  let admin: pg.Pool;
  const workers: Child[] = [];

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    admin.on('error', () => {});
    try {
      await admin.query('SELECT 1');
    } catch (e) {
      throw new Error(
        `PostgreSQL is required for test/api/crash.postgres.test.ts but is not reachable at ${DATABASE_URL} ` +
          `(${(e as Error).message}). Start the server (e.g. \`service postgresql start\`) or set DATABASE_URL.`,
      );
    }
    store = await openPostgresStore({ databaseUrl: DATABASE_URL, schema: SCHEMA, maxConnections: 4 });
    queue = new PgBossJobQueue(store, { databaseUrl: DATABASE_URL, bossSchema: BOSS, worker: false });
    app = await buildApp({ store, jobs: queue });
    await queue.start();
    keys = await makeKeys(store);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await stopChild(w, 5_000);
    await app?.close();
    await queue?.stop();
    await store?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${BOSS}" CASCADE`);
    await admin.end();
  }, 60_000);

  const worker = async () => {
    const w = startChild(
      repoPath('test/api/fixtures/worker.ts'),
      ['--schema', SCHEMA, '--boss-schema', BOSS, '--workers', '1', '--poll', '0.5'],
      { DATABASE_URL },
    );
    workers.push(w);
    const id = await w.waitFor(/^\S+:\d+:\S+$/m, 60_000);
    return { w, id };
  };

  const planState = async (id: string) => {
    const plan = await store.getPlan(id);
    return {
      revision: plan?.revision,
      doc: digest(plan?.doc),
      costs: digest(await store.getPlanCosts(id)),
      requirements: digest(await store.getPlanRequirements(id)),
    };
  };

  const rows = async (table: string, column: string, id: string) =>
    (await admin.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."${table}" WHERE ${column} = $1`, [id]))
      .rows[0].n as number;

  it('keeps the earlier plan, stores nothing of the interrupted one, and a new worker retries the job', async () => {
    const call: Call = async (method, path, body, headers = {}) => {
      const r = await app.inject({
        method: method as 'GET',
        url: path,
        headers: { authorization: `Bearer ${keys.planner}`, ...headers },
        payload: body as string | object | undefined,
      });
      return { status: r.statusCode, body: r.json() };
    };
    const first = await worker();
    const seeded = await seedForecast(call);
    const a = await queuePlan(call, seeded);
    const aDone = await waitJob(call, a.jobId);
    expect(aDone.status, String(aDone.error)).toBe('succeeded');
    expect((await store.getJob(a.jobId))?.workerId).toBe(first.id);
    const before = await planState(a.planId);
    expect(await rows('plan_costs', 'plan_id', a.planId)).toBeGreaterThan(0);

    await admin.query(`CREATE FUNCTION "${SCHEMA}".crash_stall() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(5); RETURN NULL; END $$;
      CREATE TRIGGER crash_stall AFTER INSERT ON "${SCHEMA}".plan_requirements
        FOR EACH STATEMENT EXECUTE FUNCTION "${SCHEMA}".crash_stall();`);

    const b = await queuePlan(call, seeded);
    const until = Date.now() + 120_000;
    for (;;) {
      const r = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event = 'PgSleep' AND query ILIKE 'INSERT INTO plan_requirements%'`,
      );
      if (r.rows[0].n > 0) break;
      if (Date.now() > until) throw new Error('the plan write never reached the trigger');
      await new Promise((res) => setTimeout(res, 25));
    }
    // the plan row and cost rows are written but not committed: invisible
    expect(await rows('plans', 'id', b.planId)).toBe(0);
    first.w.proc.kill('SIGKILL');
    expect((await first.w.exited).signal).toBe('SIGKILL');
    // waits for the orphaned transaction (its locks) to end: rolled back
    await admin.query(`DROP TRIGGER crash_stall ON "${SCHEMA}".plan_requirements`);

    expect(await rows('plans', 'id', b.planId)).toBe(0);
    expect(await rows('plan_costs', 'plan_id', b.planId)).toBe(0);
    expect(await rows('plan_requirements', 'plan_id', b.planId)).toBe(0);
    expect(await planState(a.planId)).toEqual(before);
    const lost = await store.getJob(b.jobId);
    expect(lost?.status).toBe('running');
    expect(lost?.workerId).toBe(first.id);

    const second = await worker();
    const bDone = await waitJob(call, b.jobId);
    expect(bDone.status, String(bDone.error)).toBe('succeeded');
    expect(bDone.attempts).toBe(2);
    expect((await store.getJob(b.jobId))?.workerId).toBe(second.id);
    const meta = await store.getPlanMeta(b.planId);
    expect(meta?.revision).toBe(1);
    expect(await rows('plan_costs', 'plan_id', b.planId)).toBe(meta?.costRowCount);
    expect(await rows('plan_requirements', 'plan_id', b.planId)).toBe(meta?.requirementRowCount);
    const after = await planState(b.planId);
    expect(after.costs).toBe(before.costs); // same inputs, same plan
    expect(after.requirements).toBe(before.requirements);
    expect(await planState(a.planId)).toEqual(before);
    expect((await stopChild(second.w)).code).toBe(0);
  }, 240_000);
});
