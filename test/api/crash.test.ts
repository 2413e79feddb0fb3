/**
 * Crash during a plan write, embedded store: the real `modcap serve` process (jobs in-process) is killed with
 * SIGKILL while its plan job is INSIDE the savePlan transaction, then restarted. The earlier plan must be
 * intact, the interrupted plan must have no row stored, and the interrupted job must be retried (or failed),
 * never half-stored.
 *
 * Making the kill land inside the write: the test adds a trigger to the SQLite file that fires on the first
 * requirement row of a plan — after the plan row and all its cost rows are written, before the commit — and
 * burns CPU for tens of seconds (a cross join). The server's event loop is then stuck in that synchronous
 * write, so once the job reports "storing the plan" and /healthz stops answering, the kill lands inside the
 * transaction. The trigger is dropped before the restart. No code under test is changed or mocked.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { digest } from '../store/crash.ts';
import { type Child, repoPath, startChild, stopChild } from './fixtures/children.ts';
import { type Call, fetchCall, queuePlan, seedForecast, waitJob } from './fixtures/seed.ts';
import { makeKeys } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'modcap-crash-api-'));
const children: Child[] = [];

async function serve(): Promise<{ child: Child; url: string }> {
  const child = startChild(repoPath('bin/modcap.mjs'), ['serve', '--port', '0', '--data-dir', dir]);
  children.push(child);
  const url = await child.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 60_000);
  return { child, url };
}

/** A plan as stored: meta, document, cost and requirement rows (digests). */
async function planState(store: Store, id: string) {
  const plan = await store.getPlan(id);
  return {
    revision: plan?.revision,
    doc: digest(plan?.doc),
    costs: digest(await store.getPlanCosts(id)),
    requirements: digest(await store.getPlanRequirements(id)),
  };
}

/** Whether /healthz answers within `ms`. */
async function answers(url: string, ms: number): Promise<boolean> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(ms) });
    return r.ok;
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const c of children) await stopChild(c, 5_000);
  rmSync(dir, { recursive: true, force: true });
});

describe('modcap serve killed during a plan write (embedded store)', () => {
  it('keeps the earlier plan, stores nothing of the interrupted one, and retries its job on restart', async () => {
    const setup = await openSqliteStore({ dataDir: dir });
    const keys = await makeKeys(setup);
    await setup.close();

    // 1. a first server makes the inputs and plan A
    let { child, url } = await serve();
    let call: Call = fetchCall(url, keys.planner);
    const seeded = await seedForecast(call);
    const a = await queuePlan(call, seeded);
    const aDone = await waitJob(call, a.jobId);
    expect(aDone.status, String(aDone.error)).toBe('succeeded');
    let check = await openSqliteStore({ dataDir: dir });
    const before = await planState(check, a.planId);
    expect((await check.getPlanMeta(a.planId))?.costRowCount).toBeGreaterThan(0);
    await check.close();

    // 2. the trigger that holds the next plan write open
    const raw = new Database(join(dir, SQLITE_FILE), { timeout: 10_000 });
    raw.exec(`CREATE TABLE crash_spin (x INTEGER);
      INSERT INTO crash_spin SELECT value FROM json_each('[${Array.from({ length: 600 }, (_, i) => i).join(',')}]');
      CREATE TRIGGER crash_stall AFTER INSERT ON plan_requirements WHEN NEW.seq = 0 BEGIN
        SELECT count(*) FROM crash_spin p, crash_spin q, crash_spin r WHERE p.x + q.x + r.x >= 0;
      END;`);
    raw.close();

    // 3. plan B: once the server neither answers nor lets another connection take the write lock, it is
    //    inside the plan write (progress updates hold the lock for microseconds; planCapacity holds none)
    const b = await queuePlan(call, seeded);
    const probe = new Database(join(dir, SQLITE_FILE), { timeout: 0 });
    const writeLocked = () => {
      try {
        probe.exec('BEGIN IMMEDIATE; ROLLBACK;');
        return false;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
        return true;
      }
    };
    const until = Date.now() + 120_000;
    for (let stuck = 0; stuck < 2; ) {
      stuck = !(await answers(url, 500)) && writeLocked() ? stuck + 1 : 0;
      if (Date.now() > until) throw new Error('the server never stalled inside the plan write');
    }
    child.proc.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    // 4. after the crash: A intact, nothing of B, B's job left running by the dead worker
    const raw2 = new Database(join(dir, SQLITE_FILE), { timeout: 10_000 });
    raw2.exec('DROP TRIGGER crash_stall; DROP TABLE crash_spin;');
    const count = (table: string) =>
      (
        raw2
          .prepare(`SELECT count(*) AS n FROM ${table} WHERE ${table === 'plans' ? 'id' : 'plan_id'} = ?`)
          .get(b.planId) as {
          n: number;
        }
      ).n;
    expect([count('plans'), count('plan_costs'), count('plan_requirements')]).toEqual([0, 0, 0]);
    raw2.close();
    probe.close();
    check = await openSqliteStore({ dataDir: dir });
    expect(await planState(check, a.planId)).toEqual(before);
    expect(await check.getPlanMeta(b.planId)).toBeUndefined();
    const lost = await check.getJob(b.jobId);
    expect(lost?.status).toBe('running');
    expect(lost?.attempts).toBe(1);
    await check.close();

    // 5. restart: the job of the dead process is retried and the plan stored whole
    ({ child, url } = await serve());
    call = fetchCall(url, keys.planner);
    const bDone = await waitJob(call, b.jobId);
    expect(bDone.status, String(bDone.error)).toBe('succeeded');
    expect(bDone.attempts).toBe(2);
    expect(bDone.resultRef).toBe(b.planId);
    check = await openSqliteStore({ dataDir: dir });
    const meta = await check.getPlanMeta(b.planId);
    expect(meta?.revision).toBe(1);
    expect((await check.getPlanCosts(b.planId))?.length).toBe(meta?.costRowCount);
    expect((await check.getPlanRequirements(b.planId))?.length).toBe(meta?.requirementRowCount);
    // the same inputs give the same plan: B's stored rows equal A's
    const after = await planState(check, b.planId);
    expect(after.costs).toBe(before.costs);
    expect(after.requirements).toBe(before.requirements);
    expect(await planState(check, a.planId)).toEqual(before);
    await check.close();
    expect((await stopChild(child)).code).toBe(0);
  }, 240_000);
});
