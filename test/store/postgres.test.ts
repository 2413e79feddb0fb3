/**
 * The Store contract against PostgreSQL. REQUIRED: this file fails (never skips) when the server is down.
 * Server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. Every backing is a fresh schema
 * `modcap_test_<random>_<n>`, all dropped after the file.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModcapError } from '../../src/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/types.ts';
import { digest, fixture, runChild } from './crash.ts';
import { costRows, makePlan } from './fixtures/plan-data.ts';
import { type Backing, defineStoreContract } from './store.contract.ts';

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const PREFIX = `modcap_test_${randomBytes(4).toString('hex')}`;
const created: string[] = [];
let admin: pg.Pool | undefined;

/** The admin pool; throws a clear error when PostgreSQL cannot be reached (the run is required, not optional). */
async function adminPool(): Promise<pg.Pool> {
  if (admin) return admin;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end();
    throw new Error(
      `PostgreSQL is required for test/store/postgres.test.ts but is not reachable at ${DATABASE_URL} ` +
        `(${(e as Error).message}). Start the server (e.g. \`service postgresql start\`) or set DATABASE_URL.`,
    );
  }
  admin = pool;
  return pool;
}

let n = 0;
async function freshSchema(): Promise<string> {
  await adminPool();
  const schema = `${PREFIX}_${n++}`;
  created.push(schema);
  return schema;
}

function backingIn(schema: string): Backing {
  return {
    open: () => openPostgresStore({ databaseUrl: DATABASE_URL, schema, maxConnections: 4 }),
    async count(table, column, value) {
      const r = await (await adminPool()).query(
        `SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE ${column} = $1`,
        [value],
      );
      return r.rows[0].n;
    },
    async migrations() {
      const r = await (await adminPool()).query(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      return r.rows.map((x) => x.version as number);
    },
  };
}

async function dropAll() {
  if (!admin) return;
  for (const s of created) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
  admin = undefined;
}

beforeAll(async () => {
  await adminPool();
});
afterAll(dropAll);

defineStoreContract('postgres', async () => ({
  fresh: async () => backingIn(await freshSchema()),
  dispose: async () => {},
}));

describe('PostgreSQL store specifics', () => {
  it('openStore chooses PostgreSQL when DATABASE_URL is set', async () => {
    const schema = await freshSchema();
    const store = await openStore({ schema, dataDir: '/nonexistent/never-used' }, { DATABASE_URL });
    expect(store.kind).toBe('postgres');
    await store.close();
    const r = await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(r.rowCount).toBe(1);
  });

  it('fails with a clear message when the server cannot be reached', async () => {
    await expect(
      openPostgresStore({ databaseUrl: 'postgres://postgres:secret@127.0.0.1:1/test', schema: 'x' }),
    ).rejects.toThrow(/cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/);
    await expect(openPostgresStore({ databaseUrl: DATABASE_URL, schema: 'Bad-Name' })).rejects.toThrow(
      /schema/,
    );
  });

  it('refuses U+0000 (which PostgreSQL cannot hold) as bad input, stores nothing, and goes on working', async () => {
    const b = backingIn(await freshSchema());
    const store = await b.open();
    const refused = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ModcapError);
      expect((e as ModcapError).code).toBe('INPUT_INVALID');
      expect((e as ModcapError).message).toMatch(/U\+0000/);
    };
    await refused(store.createDocument('events', { id: 'ev1', name: 'bad\u0000name', doc: [] }));
    await refused(store.getDocument('events', 'ev\u0000'));
    expect(await b.count('documents', 'kind', 'events')).toBe(0);
    // Inside a JSON document NUL is escaped text, which PostgreSQL holds: it round-trips.
    await store.createDocument('events', { id: 'ev2', name: 'ok', doc: [{ note: 'a\u0000b' }] });
    expect((await store.getDocument('events', 'ev2'))?.doc).toEqual([{ note: 'a\u0000b' }]);
    expect(await b.count('documents', 'kind', 'events')).toBe(1);
    await store.close();
  });

  it('concurrent first opens of one schema migrate it once', async () => {
    const b = backingIn(await freshSchema());
    const stores = await Promise.all([b.open(), b.open(), b.open(), b.open()]);
    expect(await b.migrations()).toEqual([1]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a writer killed with SIGKILL mid plan write leaves the earlier plan intact and no half-written plan', async () => {
    const schema = await freshSchema();
    const b = backingIn(schema);
    const COSTS = 100_000;
    let store: Store = await b.open();
    await store.savePlan(makePlan('base', 2_000, 400, 1));
    await store.close();
    const args = { databaseUrl: DATABASE_URL, schema, costs: COSTS, requirements: 10_000, replace: false };
    const full = await runChild(fixture('write-plan.ts'), { ...args, planId: 'full', seed: 99 });
    expect(full.code, full.stderr).toBe(0);
    let killedMidWrite = 0;
    for (const [i, f] of [0.05, 0.3, 0.6, 0.9].entries()) {
      const planId = `crash-${i}`;
      const run = await runChild(
        fixture('write-plan.ts'),
        { ...args, planId, seed: 10 + i },
        Math.round(f * full.writeMs),
      );
      store = await b.open();
      const meta = await store.getPlanMeta(planId);
      if (meta) {
        expect(meta.costRowCount).toBe(COSTS);
        expect(digest(await store.getPlanCosts(planId))).toBe(digest(costRows(COSTS, 10 + i)));
      } else {
        expect(run.signal).toBe('SIGKILL');
        killedMidWrite++;
      }
      // The server rolls the killed transaction back; no rows of it are ever visible.
      expect(await b.count('plan_costs', 'plan_id', planId)).toBe(meta ? COSTS : 0);
      expect(digest(await store.getPlanCosts('base'))).toBe(digest(costRows(2_000, 1)));
      await store.close();
    }
    expect(killedMidWrite).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
