import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { digest, fixture, runChild } from './crash.ts';
import { costRows, makePlan, requirementRows } from './fixtures/plan-data.ts';
import { type Backing, defineStoreContract } from './store.contract.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'modcap-store-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A raw read connection to the file, bypassing the Store. */
function raw(dir: string): Database.Database {
  return new Database(join(dir, SQLITE_FILE), { readonly: true });
}

function backingIn(dir: string): Backing {
  return {
    open: () => openSqliteStore({ dataDir: dir }),
    async count(table, column, value) {
      const db = raw(dir);
      try {
        return (
          db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(value) as { n: number }
        ).n;
      } finally {
        db.close();
      }
    },
    async migrations() {
      const db = raw(dir);
      try {
        return db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
      } finally {
        db.close();
      }
    },
  };
}

defineStoreContract('sqlite', async () => ({
  fresh: async () => backingIn(tempDir()),
  dispose: async () => {},
}));

describe('embedded store (sqlite) specifics', () => {
  it('opens <dataDir>/modcap.sqlite (creating the directory) in WAL mode', async () => {
    const dir = tempDir();
    const store = await openStore({ dataDir: join(dir, 'nested') }, {});
    expect(store.kind).toBe('sqlite');
    await store.close();
    const db = new Database(join(dir, 'nested', SQLITE_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('openStore picks the data dir from MODCAP_DATA_DIR and PostgreSQL only when DATABASE_URL is set', async () => {
    const dir = tempDir();
    const s = await openStore({}, { MODCAP_DATA_DIR: dir });
    await s.createDocument('events', { id: 'e', name: 'e', doc: [] });
    await s.close();
    const again = await openSqliteStore({ dataDir: dir });
    expect((await again.getDocument('events', 'e'))?.doc).toEqual([]);
    await again.close();
  });

  it('several processes claiming from one file never get the same job', async () => {
    const dir = tempDir();
    const store = await openSqliteStore({ dataDir: dir });
    const n = 300;
    for (let i = 0; i < n; i++) await store.createJob({ id: `job-${i}`, kind: i % 3 ? 'forecast' : 'plan' });
    const peers = 4;
    const runs = await Promise.all(
      Array.from({ length: peers }, (_, k) =>
        runChild(fixture('claim-jobs.ts'), { dataDir: dir, workerId: `proc-${k}`, peers }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const claimed = runs.map((r) => JSON.parse(r.stdout.trim()) as string[]);
    const all = claimed.flat();
    expect(all).toHaveLength(n);
    expect(new Set(all).size).toBe(n);
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(2);
    const jobs = await store.listJobs({ limit: 1000 });
    expect(
      jobs.every((j) => j.status === 'succeeded' && j.resultRef === `result-${j.id}` && j.attempts === 1),
    ).toBe(true);
    await store.close();
  }, 120_000);

  it('a writer killed with SIGKILL mid plan write leaves the earlier plan intact and never a half-written plan', async () => {
    const dir = tempDir();
    const COSTS = 60_000;
    const REQS = 10_000;
    let store: Store = await openSqliteStore({ dataDir: dir });
    const base = makePlan('base', 2_000, 400, 1);
    await store.savePlan(base);
    await store.close();
    let expectedBase = { seed: 1, costs: 2_000, reqs: 400, revision: 1 };

    // Calibrate: one uninterrupted write, to know how long a write takes here.
    const full = await runChild(fixture('write-plan.ts'), {
      dataDir: dir,
      planId: 'full',
      costs: COSTS,
      requirements: REQS,
      seed: 99,
      replace: false,
    });
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toContain('done');

    // Kill moments from just after the write began to well after it should have ended (then it commits).
    const fractions = [0.02, 0.15, 0.3, 0.5, 3];
    let killedMidWrite = 0;
    for (const [i, f] of fractions.entries()) {
      const replace = i % 2 === 1;
      const planId = replace ? 'base' : `crash-${i}`;
      const seed = 10 + i;
      const run = await runChild(
        fixture('write-plan.ts'),
        { dataDir: dir, planId, costs: COSTS, requirements: REQS, seed, replace },
        Math.round(f * full.writeMs),
      );
      const finished = run.stdout.includes('done');
      if (process.env.STORE_CRASH_DEBUG)
        console.log({
          i,
          replace,
          killAfter: Math.round(f * full.writeMs),
          full: full.writeMs,
          signal: run.signal,
          finished,
        });
      expect(run.signal === 'SIGKILL' || finished, run.stderr).toBe(true);

      const db = raw(dir);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      store = await openSqliteStore({ dataDir: dir });
      const meta = await store.getPlanMeta(planId);
      if (replace) {
        // Either the old plan whole or the new one whole.
        const costs = await store.getPlanCosts('base');
        const reqs = await store.getPlanRequirements('base');
        if (meta?.revision === expectedBase.revision + 1) {
          expect(digest(costs)).toBe(digest(costRows(COSTS, seed)));
          expect(digest(reqs)).toBe(digest(requirementRows(REQS, seed)));
          expectedBase = { seed, costs: COSTS, reqs: REQS, revision: expectedBase.revision + 1 };
        } else {
          expect(meta?.revision).toBe(expectedBase.revision);
          expect(digest(costs)).toBe(digest(costRows(expectedBase.costs, expectedBase.seed)));
          expect(digest(reqs)).toBe(digest(requirementRows(expectedBase.reqs, expectedBase.seed)));
          killedMidWrite++;
        }
      } else {
        const b = backingIn(dir);
        if (meta) {
          expect(meta).toMatchObject({ costRowCount: COSTS, requirementRowCount: REQS });
          expect(digest(await store.getPlanCosts(planId))).toBe(digest(costRows(COSTS, seed)));
        } else {
          expect(await b.count('plan_costs', 'plan_id', planId)).toBe(0);
          expect(await b.count('plan_requirements', 'plan_id', planId)).toBe(0);
          killedMidWrite++;
        }
        // The earlier plan is untouched.
        expect(digest(await store.getPlanCosts('base'))).toBe(
          digest(costRows(expectedBase.costs, expectedBase.seed)),
        );
      }
      expect(digest(await store.getPlanCosts('full'))).toBe(digest(costRows(COSTS, 99)));
      await store.close();
    }
    expect(killedMidWrite).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
