/**
 * The contract every Store adapter passes. `defineStoreContract(name, makeTarget)` defines the suite; each
 * adapter's test file calls it with a target that creates empty, isolated backing databases.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModcapError } from '../../src/errors.ts';
import type { forecastJson } from '../../src/forecast/output.ts';
import { apiKeyHash } from '../../src/store/common.ts';
import type { ForecastDocument, NewPlan, Store, VolumeRow } from '../../src/store/types.ts';
import { costRows, makePlan } from './fixtures/plan-data.ts';

// The forecast document `modcap forecast` writes is a ForecastDocument (checked by the compiler).
export const forecastJsonIsStorable = (d: ReturnType<typeof forecastJson>): ForecastDocument => d;

/** One empty backing database (a SQLite file, a PostgreSQL schema). */
export interface Backing {
  /** Opens a new connection (a new Store instance) to this backing. */
  open(): Promise<Store>;
  /** Raw row count of `table` where `column = value`, bypassing the Store. */
  count(table: string, column: string, value: string): Promise<number>;
  /** Rows of `schema_migrations`: the applied versions. */
  migrations(): Promise<number[]>;
}

/** What an adapter's test file supplies. */
export interface StoreTarget {
  fresh(): Promise<Backing>;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Expects `p` to reject with the given code (and conflict reason). */
async function expectCode(p: Promise<unknown>, code: string, reason?: string) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(Error);
  expect((e as { code?: string }).code).toBe(code);
  if (reason) expect((e as { reason?: string }).reason).toBe(reason);
  return e as Error & Record<string, unknown>;
}

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function volumeRows(keys: { queue: string; language: string }[], hours: number, from = 0): VolumeRow[] {
  const rows: VolumeRow[] = [];
  for (const key of keys)
    for (let h = from; h < from + hours; h++)
      rows.push({ key, timestampMs: T0 + h * HOUR, volume: (h * 37 + key.queue.length * 11) % 500 });
  return rows;
}

const REVIEWS_JA = { queue: 'reviews', language: 'ja' };
const LIVE_EN = { queue: 'live', language: 'en' };

/** Defines the shared Store suite. */
export function defineStoreContract(name: string, makeTarget: () => Promise<StoreTarget>): void {
  describe(`Store contract: ${name}`, () => {
    let target: StoreTarget;
    let opened: Store[] = [];

    beforeAll(async () => {
      target = await makeTarget();
    });
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });
    afterAll(async () => {
      await target?.dispose();
    });

    /** A fresh backing and one open store on it (closed after the test). */
    async function setup(): Promise<{ store: Store; backing: Backing; open: () => Promise<Store> }> {
      const backing = await target.fresh();
      const open = async () => {
        const s = await backing.open();
        opened.push(s);
        return s;
      };
      return { store: await open(), backing, open };
    }

    describe('volumes datasets', () => {
      it('round-trips a dataset: metadata, rows, filters', async () => {
        const { store } = await setup();
        const rows = volumeRows([REVIEWS_JA, LIVE_EN], 48);
        const meta = await store.createDataset({
          id: 'ds-1',
          name: 'history',
          keyColumns: ['queue', 'language'],
          timeZone: 'Asia/Tokyo',
          rows,
        });
        expect(meta).toMatchObject({
          id: 'ds-1',
          name: 'history',
          keyColumns: ['queue', 'language'],
          timeZone: 'Asia/Tokyo',
          rowCount: 96,
          seriesCount: 2,
          firstTimestampMs: T0,
          lastTimestampMs: T0 + 47 * HOUR,
          version: 1,
        });
        expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.getDataset('ds-1')).toEqual(meta);
        expect((await store.listDatasets()).map((d) => d.id)).toEqual(['ds-1']);

        const back = await store.getDatasetRows('ds-1');
        const sortKey = (r: VolumeRow) => `${JSON.stringify(r.key)}|${r.timestampMs}`;
        expect(back).toHaveLength(96);
        expect(back?.map(sortKey)).toEqual([...back!.map(sortKey)].sort());
        expect([...(back ?? [])].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
          [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
        );

        const one = await store.getDatasetRows('ds-1', {
          key: { language: 'ja', queue: 'reviews' },
          fromMs: T0 + 10 * HOUR,
          toMs: T0 + 20 * HOUR,
        });
        expect(one).toEqual(rows.filter((r) => r.key === REVIEWS_JA).slice(10, 20));
        expect(await store.getDatasetRows('missing')).toBeUndefined();
        expect(await store.getDataset('missing')).toBeUndefined();
      });

      it('gives the same sha256 to the same content and another to different content', async () => {
        const { store } = await setup();
        const rows = volumeRows([REVIEWS_JA], 24);
        const base = { keyColumns: ['queue', 'language'], timeZone: 'UTC', name: 'x' };
        const a = await store.createDataset({ ...base, id: 'a', rows });
        const b = await store.createDataset({ ...base, id: 'b', rows });
        const c = await store.createDataset({
          ...base,
          id: 'c',
          rows: rows.map((r, i) => (i === 5 ? { ...r, volume: r.volume + 1 } : r)),
        });
        expect(a.sha256).toBe(b.sha256);
        expect(c.sha256).not.toBe(a.sha256);
        const more = volumeRows([REVIEWS_JA], 5, 24);
        const a2 = await store.appendRows('a', more);
        const b2 = await store.appendRows('b', more);
        expect(a2.sha256).toBe(b2.sha256);
        expect(a2.sha256).not.toBe(a.sha256);
      });

      it('appends actuals in one transaction and bumps the version', async () => {
        const { store } = await setup();
        await store.createDataset({
          id: 'ds',
          name: 'h',
          keyColumns: ['queue', 'language'],
          timeZone: 'UTC',
          rows: volumeRows([REVIEWS_JA], 24),
        });
        const after = await store.appendRows('ds', volumeRows([REVIEWS_JA, LIVE_EN], 6, 24), {
          ifVersion: 1,
        });
        expect(after).toMatchObject({
          rowCount: 36,
          seriesCount: 2,
          version: 2,
          lastTimestampMs: T0 + 29 * HOUR,
        });
        expect(await store.getDatasetRows('ds', { key: LIVE_EN })).toHaveLength(6);
        await expectCode(
          store.appendRows('ds', volumeRows([LIVE_EN], 1, 40), { ifVersion: 1 }),
          'STORE_CONFLICT',
          'version',
        );
        await expectCode(store.appendRows('nope', volumeRows([LIVE_EN], 1)), 'STORE_NOT_FOUND');
      });

      it('rejects a whole append when one row (the last) duplicates a stored row: nothing is stored', async () => {
        const { store, backing } = await setup();
        const before = await store.createDataset({
          id: 'ds',
          name: 'h',
          keyColumns: ['queue', 'language'],
          timeZone: 'UTC',
          rows: volumeRows([REVIEWS_JA], 24),
        });
        const batch = [
          ...volumeRows([REVIEWS_JA, LIVE_EN], 500, 24),
          { key: REVIEWS_JA, timestampMs: T0 + 3 * HOUR, volume: 1 },
        ];
        const e = await expectCode(store.appendRows('ds', batch), 'STORE_CONFLICT', 'duplicate');
        expect(e.message).toMatch(/nothing was stored/);
        expect(await store.getDataset('ds')).toEqual(before);
        expect(await backing.count('volume_rows', 'dataset_id', 'ds')).toBe(24);
        expect(await backing.count('dataset_series', 'dataset_id', 'ds')).toBe(1);
      });

      it('rejects a batch with a duplicate inside it, and a bad row, storing nothing', async () => {
        const { store, backing } = await setup();
        await store.createDataset({
          id: 'ds',
          name: 'h',
          keyColumns: ['queue', 'language'],
          timeZone: 'UTC',
          rows: [],
        });
        const batch = volumeRows([LIVE_EN], 100);
        await expectCode(store.appendRows('ds', [...batch, batch[50]]), 'STORE_CONFLICT', 'duplicate');
        expect(await backing.count('volume_rows', 'dataset_id', 'ds')).toBe(0);
        const bad = await expectCode(
          store.appendRows('ds', [...batch, { key: LIVE_EN, timestampMs: T0 - HOUR, volume: -3 }]),
          'INPUT_INVALID',
        );
        expect(bad).toBeInstanceOf(ModcapError);
        expect(bad.message).toMatch(/row 100: volume/);
        await expectCode(
          store.appendRows('ds', [{ key: { queue: 'live' }, timestampMs: T0, volume: 1 }]),
          'INPUT_INVALID',
        );
        expect(await backing.count('volume_rows', 'dataset_id', 'ds')).toBe(0);
        expect((await store.getDataset('ds'))?.version).toBe(1);
      });

      it('rejects a whole upload with a duplicate row: the dataset does not exist afterwards', async () => {
        const { store, backing } = await setup();
        const rows = volumeRows([REVIEWS_JA], 100);
        await expectCode(
          store.createDataset({
            id: 'dup',
            name: 'h',
            keyColumns: ['queue', 'language'],
            timeZone: 'UTC',
            rows: [...rows, rows[99]],
          }),
          'STORE_CONFLICT',
          'duplicate',
        );
        expect(await store.getDataset('dup')).toBeUndefined();
        expect(await backing.count('volume_rows', 'dataset_id', 'dup')).toBe(0);
        await expectCode(
          store.createDataset({ name: 'h', keyColumns: ['queue'], timeZone: 'Mars/Olympus', rows: [] }),
          'INPUT_UNKNOWN_TIMEZONE',
        );
      });

      it('renames with ifVersion and deletes with the rows', async () => {
        const { store, backing } = await setup();
        await store.createDataset({
          id: 'ds',
          name: 'h',
          keyColumns: ['queue', 'language'],
          timeZone: 'UTC',
          rows: volumeRows([LIVE_EN], 3),
        });
        const r = await store.renameDataset('ds', 'history 2025', { ifVersion: 1 });
        expect(r).toMatchObject({ name: 'history 2025', version: 2, rowCount: 3 });
        await expectCode(store.renameDataset('ds', 'x', { ifVersion: 1 }), 'STORE_CONFLICT', 'version');
        await expectCode(store.renameDataset('none', 'x', { ifVersion: 1 }), 'STORE_NOT_FOUND');
        expect(await store.deleteDataset('ds')).toBe(true);
        expect(await store.deleteDataset('ds')).toBe(false);
        expect(await backing.count('volume_rows', 'dataset_id', 'ds')).toBe(0);
      });
    });

    describe('versioned documents', () => {
      it('round-trips events calendars and configurations with their versions', async () => {
        const { store } = await setup();
        const cfg = {
          queues: [{ id: 'reviews', ahtSeconds: 45 }],
          sites: [{ id: 'lisbon', currency: 'EUR' }],
        };
        const c1 = await store.createDocument('config', { id: 'cfg', name: 'Q3 plan', doc: cfg });
        expect(c1).toMatchObject({ kind: 'config', id: 'cfg', name: 'Q3 plan', version: 1, doc: cfg });
        const cfg2 = { ...cfg, queues: [{ id: 'reviews', ahtSeconds: 50 }] };
        const c2 = await store.updateDocument('config', 'cfg', { doc: cfg2 }, { ifVersion: 1 });
        expect(c2).toMatchObject({ version: 2, name: 'Q3 plan', doc: cfg2, createdAt: c1.createdAt });
        expect((await store.getDocument('config', 'cfg'))?.doc).toEqual(cfg2);
        expect((await store.getDocument('config', 'cfg', 1))?.doc).toEqual(cfg);
        expect(await store.getDocument('config', 'cfg', 3)).toBeUndefined();
        expect((await store.listDocumentVersions('config', 'cfg'))?.map((v) => v.version)).toEqual([1, 2]);

        const ev = { events: [{ kind: 'launch', date: '2026-03-01', name: 'Live shopping' }] };
        await store.createDocument('events', { id: 'cal', name: 'launches', doc: ev });
        expect(await store.getDocument('config', 'cal')).toBeUndefined();
        expect((await store.getDocument('events', 'cal'))?.doc).toEqual(ev);
        expect((await store.listDocuments('config')).map((d) => [d.id, d.version])).toEqual([['cfg', 2]]);
        await expectCode(
          store.createDocument('events', { id: 'cal', name: 'again', doc: {} }),
          'STORE_CONFLICT',
          'exists',
        );
        await expectCode(
          store.updateDocument('events', 'nope', { doc: {} }, { ifVersion: 1 }),
          'STORE_NOT_FOUND',
        );
        await expectCode(
          store.deleteDocument('config', 'cfg', { ifVersion: 1 }),
          'STORE_CONFLICT',
          'version',
        );
        expect(await store.deleteDocument('config', 'cfg', { ifVersion: 2 })).toBe(true);
        expect(await store.getDocument('config', 'cfg', 1)).toBeUndefined();
        expect(await store.listDocumentVersions('config', 'cfg')).toBeUndefined();
      });

      it('two writers read v1 and both write: one wins, the other gets STORE_CONFLICT, nothing is lost', async () => {
        const { store, open } = await setup();
        const other = await open();
        await store.createDocument('config', { id: 'cfg', name: 'c', doc: { sites: ['lisbon'] } });
        const [ra, rb] = await Promise.all([
          store.getDocument('config', 'cfg'),
          other.getDocument('config', 'cfg'),
        ]);
        expect(ra?.version).toBe(1);
        expect(rb?.version).toBe(1);
        const results = await Promise.allSettled([
          store.updateDocument('config', 'cfg', { doc: { sites: ['lisbon', 'manila'] } }, { ifVersion: 1 }),
          other.updateDocument('config', 'cfg', { doc: { sites: ['lisbon', 'berlin'] } }, { ifVersion: 1 }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const err = (lost[0] as PromiseRejectedResult).reason;
        expect(err.code).toBe('STORE_CONFLICT');
        expect(err.reason).toBe('version');
        expect(err.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        const winner = (won[0] as PromiseFulfilledResult<{ doc: { sites: string[] } }>).value.doc;
        expect((await store.getDocument('config', 'cfg'))?.doc).toEqual(winner);
        // The loser re-reads and merges its change: both changes are kept.
        const cur = await other.getDocument<{ sites: string[] }>('config', 'cfg');
        const loserSite = results[0].status === 'rejected' ? 'manila' : 'berlin';
        const merged = await other.updateDocument(
          'config',
          'cfg',
          { doc: { sites: [...(cur?.doc.sites ?? []), loserSite] } },
          { ifVersion: cur?.version ?? 0 },
        );
        expect(merged.version).toBe(3);
        expect([...merged.doc.sites].sort()).toEqual(['berlin', 'lisbon', 'manila']);
      });

      it('concurrent read-modify-write loops with retry lose no update', async () => {
        const { store, open } = await setup();
        const stores = [store, await open()];
        await store.createDocument('events', { id: 'counter', name: 'n', doc: { n: 0, by: [] as string[] } });
        let conflicts = 0;
        const writer = async (s: Store, who: string, times: number) => {
          for (let i = 0; i < times; i++)
            for (;;) {
              const cur = await s.getDocument<{ n: number; by: string[] }>('events', 'counter');
              if (!cur) throw new Error('missing');
              await sleep(0);
              try {
                await s.updateDocument(
                  'events',
                  'counter',
                  { doc: { n: cur.doc.n + 1, by: [...cur.doc.by, who] } },
                  { ifVersion: cur.version },
                );
                break;
              } catch (e) {
                if ((e as { code?: string }).code !== 'STORE_CONFLICT') throw e;
                conflicts++;
              }
            }
        };
        await Promise.all([
          writer(stores[0], 'a', 15),
          writer(stores[1], 'b', 15),
          writer(stores[0], 'c', 15),
        ]);
        const end = await store.getDocument<{ n: number; by: string[] }>('events', 'counter');
        expect(end?.doc.n).toBe(45);
        expect(end?.version).toBe(46);
        expect(end?.doc.by.filter((w) => w === 'b')).toHaveLength(15);
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('forecasts and results', () => {
      const doc = {
        provenance: {
          modcap: '0.1.0',
          node: 'v20',
          createdAt: '2026-01-01T00:00:00.000Z',
          inputs: [],
          request: { h: 3 },
        },
        failures: [{ id: 'broken|xx', error: 'too short' }],
        series: ['reviews|ja', 'live|en', 'comments|de'].map((id, i) => ({
          id,
          key: { queue: id.split('|')[0], language: id.split('|')[1] },
          freq: 'hour',
          timeZone: 'UTC',
          model: i === 1 ? 'mstl' : 'ets',
          selection: { candidates: [{ model: 'ets', mase: 0.8 + i / 10 }] },
          forecast: [0, 1, 2].map((t) => ({
            timestamp: new Date(T0 + t * HOUR).toISOString(),
            point: 100 + t + i,
            intervals: { 80: [90 + t, 110 + t], 95: [80 + t, 120 + t] },
          })),
        })),
      };

      it('round-trips a forecast document, its series list and one series', async () => {
        const { store } = await setup();
        const meta = await store.saveForecast({
          id: 'f1',
          datasetId: 'ds',
          datasetVersion: 2,
          jobId: 'j1',
          params: { horizon: 3 },
          doc,
        });
        expect(meta).toMatchObject({
          id: 'f1',
          datasetId: 'ds',
          datasetVersion: 2,
          jobId: 'j1',
          params: { horizon: 3 },
          seriesCount: 3,
        });
        const got = await store.getForecast('f1');
        expect(got?.doc).toEqual(doc);
        expect(JSON.stringify(got?.doc)).toBe(JSON.stringify(doc));
        expect(await store.listForecastSeries('f1')).toEqual(
          doc.series.map((s) => ({ id: s.id, key: s.key, model: s.model })),
        );
        expect(await store.getForecastSeries('f1', 'live|en')).toEqual(doc.series[1]);
        expect(await store.getForecastSeries('f1', 'nope')).toBeUndefined();
        expect(await store.getForecastMeta('f1')).toEqual(meta);
        await store.saveForecast({ id: 'f2', doc: { ...doc, series: [] } });
        expect((await store.getForecast('f2'))?.doc.series).toEqual([]);
        expect(await store.listForecastSeries('f2')).toEqual([]);
        expect((await store.listForecasts({ datasetId: 'ds' })).map((f) => f.id)).toEqual(['f1']);
        expect((await store.listForecasts()).map((f) => f.id).sort()).toEqual(['f1', 'f2']);
        await expectCode(store.saveForecast({ id: 'f1', doc }), 'STORE_CONFLICT', 'exists');
        await expectCode(
          store.saveForecast({ id: 'f3', doc: { ...doc, series: [doc.series[0], doc.series[0]] } }),
          'STORE_CONFLICT',
          'duplicate',
        );
        expect(await store.getForecast('f3')).toBeUndefined();
        expect(await store.deleteForecast('f1')).toBe(true);
        expect(await store.getForecast('f1')).toBeUndefined();
        expect(await store.listForecastSeries('f1')).toBeUndefined();
      });

      it('round-trips anomaly results and investigations', async () => {
        const { store } = await setup();
        const anomalies = {
          series: [
            { id: 'reviews|ja', anomalies: [{ start: '2026-01-02T00:00:00Z', kind: 'spike', score: 5.1 }] },
          ],
        };
        const inv = { miss: { total: -1200 }, attribution: [{ key: { language: 'ja' }, share: 0.7 }] };
        const a = await store.saveResult('anomalies', {
          id: 'a1',
          datasetId: 'ds',
          params: { method: 'stl' },
          doc: anomalies,
        });
        expect(a).toMatchObject({
          kind: 'anomalies',
          id: 'a1',
          datasetId: 'ds',
          forecastId: null,
          doc: anomalies,
        });
        await store.saveResult('investigation', { id: 'i1', forecastId: 'f1', datasetId: 'ds', doc: inv });
        expect((await store.getResult('investigation', 'i1'))?.doc).toEqual(inv);
        expect(await store.getResult('anomalies', 'i1')).toBeUndefined();
        expect((await store.listResults('investigation', { forecastId: 'f1' })).map((r) => r.id)).toEqual([
          'i1',
        ]);
        expect(await store.listResults('investigation', { forecastId: 'f9' })).toEqual([]);
        expect((await store.listResults('anomalies', { datasetId: 'ds' }))[0]).not.toHaveProperty('doc');
        await expectCode(store.saveResult('anomalies', { id: 'a1', doc: {} }), 'STORE_CONFLICT', 'exists');
      });
    });

    describe('plans', () => {
      it('round-trips a plan: metadata, document, cost rows and requirement rows', async () => {
        const { store } = await setup();
        const input = makePlan('p1', 700, 300, 1);
        const meta = await store.savePlan(input);
        expect(meta).toMatchObject({
          id: 'p1',
          forecastId: input.forecastId,
          configId: 'config-1',
          configVersion: input.configVersion,
          scenarios: ['base', 'high', 'low'],
          reportingCurrency: 'EUR',
          provenance: input.provenance,
          costRowCount: 700,
          requirementRowCount: 300,
          revision: 1,
        });
        expect((await store.getPlan('p1'))?.doc).toEqual(input.doc);
        expect(await store.getPlanCosts('p1')).toEqual(input.costs);
        expect(await store.getPlanCosts('p1')).toEqual(input.costs); // cached path
        expect(await store.getPlanRequirements('p1')).toEqual(input.requirements);
        expect(await store.getPlanRequirements('p1', { scenario: 'high', site: 'manila' })).toEqual(
          input.requirements.filter((r) => r.scenario === 'high' && r.site === 'manila'),
        );
        expect(await store.getPlanRequirements('p1', { language: 'zz' })).toEqual([]);
        expect(await store.getPlanCosts('nope')).toBeUndefined();
        expect(await store.getPlanRequirements('nope')).toBeUndefined();
        await store.savePlan({ ...makePlan('p2', 0, 0, 2), forecastId: 'other' });
        expect(await store.getPlanCosts('p2')).toEqual([]);
        expect((await store.listPlans({ forecastId: 'other' })).map((p) => p.id)).toEqual(['p2']);
        expect((await store.listPlans()).map((p) => p.id).sort()).toEqual(['p1', 'p2']);
        await expectCode(store.savePlan(makePlan('p1', 1, 1, 3)), 'STORE_CONFLICT', 'exists');
        expect(await store.deletePlan('p2')).toBe(true);
        expect(await store.getPlanCosts('p2')).toBeUndefined();
      });

      it('replace swaps the plan whole, and other connections never serve the old cached rows', async () => {
        const { store, open } = await setup();
        const reader = await open();
        await store.savePlan(makePlan('p', 400, 50, 1));
        expect(await reader.getPlanCosts('p')).toEqual(costRows(400, 1));
        const next = makePlan('p', 250, 20, 2);
        const meta = await store.savePlan(next, { replace: true });
        expect(meta.revision).toBe(2);
        expect(await reader.getPlanCosts('p')).toEqual(next.costs);
        expect(await reader.getPlanRequirements('p')).toEqual(next.requirements);
        await store.deletePlan('p');
        await store.savePlan(makePlan('p', 10, 1, 3));
        expect(await reader.getPlanCosts('p')).toEqual(costRows(10, 3));
      });

      it('a failure in the middle of the cost rows leaves the previous plan intact and no partial rows', async () => {
        const { store, backing } = await setup();
        const base = makePlan('p', 600, 100, 1);
        await store.savePlan(base);
        expect(await store.getPlanCosts('p')).toEqual(base.costs);
        const poison = (input: NewPlan): NewPlan => ({
          ...input,
          costs: input.costs.map((c, i) => (i === 450 ? { ...c, site: null as unknown as string } : c)),
        });
        // Replacing the plan fails at cost row 450: the old plan is still whole.
        await expect(store.savePlan(poison(makePlan('p', 900, 80, 2)), { replace: true })).rejects.toThrow();
        expect(await store.getPlanMeta('p')).toMatchObject({ revision: 1, costRowCount: 600 });
        expect((await store.getPlan('p'))?.doc).toEqual(base.doc);
        expect(await store.getPlanCosts('p')).toEqual(base.costs);
        expect(await store.getPlanRequirements('p')).toEqual(base.requirements);
        expect(await backing.count('plan_costs', 'plan_id', 'p')).toBe(600);
        expect(await backing.count('plan_requirements', 'plan_id', 'p')).toBe(100);
        // A new plan that fails leaves nothing at all.
        await expect(store.savePlan(poison(makePlan('q', 900, 80, 3)))).rejects.toThrow();
        expect(await store.getPlan('q')).toBeUndefined();
        expect(await backing.count('plans', 'id', 'q')).toBe(0);
        expect(await backing.count('plan_costs', 'plan_id', 'q')).toBe(0);
        expect(await backing.count('plan_requirements', 'plan_id', 'q')).toBe(0);
        // A failure in the requirement rows (after all cost rows) too.
        const late = makePlan('q', 900, 80, 3);
        const badReq = {
          ...late,
          requirements: late.requirements.map((r, i) =>
            i === 79 ? { ...r, weekStart: null as unknown as string } : r,
          ),
        };
        await expect(store.savePlan(badReq)).rejects.toThrow();
        expect(await backing.count('plan_costs', 'plan_id', 'q')).toBe(0);
        // NaN money is refused before writing.
        await expectCode(
          store.savePlan({
            ...late,
            costs: late.costs.map((c, i) => (i === 3 ? { ...c, cost: Number.NaN } : c)),
          }),
          'INPUT_INVALID',
        );
        expect(await backing.count('plans', 'id', 'q')).toBe(0);
      });
    });

    describe('jobs', () => {
      it('runs a job through its life: queued, claimed, progress, succeeded', async () => {
        const { store } = await setup();
        const job = await store.createJob({
          id: 'j1',
          kind: 'forecast',
          params: { datasetId: 'ds', horizon: 24 },
        });
        expect(job).toMatchObject({
          id: 'j1',
          kind: 'forecast',
          status: 'queued',
          progress: 0,
          attempts: 0,
          maxAttempts: 3,
          workerId: null,
          params: { datasetId: 'ds', horizon: 24 },
        });
        const claimed = await store.claimNextJob('w1');
        expect(claimed).toMatchObject({ id: 'j1', status: 'running', attempts: 1, workerId: 'w1' });
        expect(claimed?.startedAt).not.toBeNull();
        expect(await store.claimNextJob('w2')).toBeUndefined();
        const p = await store.updateJobProgress('j1', 'w1', 0.4, 'fitting 40 of 100 series');
        expect(p).toMatchObject({ progress: 0.4, progressMessage: 'fitting 40 of 100 series' });
        await expectCode(store.updateJobProgress('j1', 'w2', 0.5), 'STORE_CONFLICT', 'state');
        await expect(store.updateJobProgress('j1', 'w1', 1.5)).rejects.toBeInstanceOf(ModcapError);
        await expectCode(store.updateJobProgress('nope', 'w1', 0.5), 'STORE_NOT_FOUND');
        const done = await store.completeJob('j1', 'w1', 'forecast-123');
        expect(done).toMatchObject({
          status: 'succeeded',
          progress: 1,
          resultRef: 'forecast-123',
          error: null,
        });
        expect(done.finishedAt).not.toBeNull();
        await expectCode(store.completeJob('j1', 'w1', 'again'), 'STORE_CONFLICT', 'state');
        expect(await store.getJob('j1')).toEqual(done);
        expect(await store.getJob('nope')).toBeUndefined();
      });

      it('claims in FIFO order by kind, retries failures while attempts remain, lists by status', async () => {
        const { store } = await setup();
        await store.createJob({ id: 'f1', kind: 'forecast' });
        await store.createJob({ id: 'p1', kind: 'plan', maxAttempts: 2 });
        await store.createJob({ id: 'f2', kind: 'forecast' });
        expect((await store.claimNextJob('w', { kinds: ['plan'] }))?.id).toBe('p1');
        expect((await store.claimNextJob('w'))?.id).toBe('f1');
        const retried = await store.failJob('p1', 'w', 'LP infeasible', { retry: true });
        expect(retried).toMatchObject({
          status: 'queued',
          error: 'LP infeasible',
          workerId: null,
          attempts: 1,
        });
        expect((await store.claimNextJob('w'))?.id).toBe('p1'); // older than f2
        const failed = await store.failJob('p1', 'w', 'LP infeasible again', { retry: true });
        expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: 'LP infeasible again' });
        expect(failed.finishedAt).not.toBeNull();
        const f1 = await store.failJob('f1', 'w', 'boom');
        expect(f1.status).toBe('failed');
        expect((await store.listJobs({ status: 'failed' })).map((j) => j.id).sort()).toEqual(['f1', 'p1']);
        expect((await store.listJobs({ kind: 'forecast' })).map((j) => j.id)).toEqual(['f2', 'f1']);
        expect(await store.listJobs({ limit: 1 })).toHaveLength(1);
        await expectCode(store.createJob({ id: 'f1', kind: 'forecast' }), 'STORE_CONFLICT', 'exists');
      });

      it('never gives the same job to two claimers (two connections, many claims in parallel)', async () => {
        const { store, open } = await setup();
        const other = await open();
        const n = 120;
        for (let i = 0; i < n; i++)
          await store.createJob({
            id: `job-${String(i).padStart(3, '0')}`,
            kind: i % 2 ? 'plan' : 'forecast',
          });
        const claimsBy = new Map<string, string[]>();
        const worker = async (s: Store, id: string) => {
          const mine: string[] = [];
          for (;;) {
            const j = await s.claimNextJob(id);
            if (!j) break;
            expect(j.workerId).toBe(id);
            mine.push(j.id);
          }
          claimsBy.set(id, mine);
        };
        await Promise.all([
          ...[0, 1, 2, 3].map((k) => worker(store, `a${k}`)),
          ...[0, 1, 2, 3].map((k) => worker(other, `b${k}`)),
        ]);
        const all = [...claimsBy.values()].flat();
        expect(all).toHaveLength(n);
        expect(new Set(all).size).toBe(n);
        const jobs = await store.listJobs({ status: 'running', limit: 1000 });
        expect(jobs).toHaveLength(n);
        expect(jobs.every((j) => j.attempts === 1)).toBe(true);
        for (const j of jobs) expect(claimsBy.get(j.workerId as string)).toContain(j.id);
      });

      it('requeues jobs whose worker stopped sending heartbeats, and fails them after the last attempt', async () => {
        const { store } = await setup();
        await store.createJob({ id: 'lost', kind: 'plan', maxAttempts: 2 });
        await store.createJob({ id: 'alive', kind: 'plan' });
        await store.createJob({ id: 'once', kind: 'forecast', maxAttempts: 1 });
        await store.claimNextJob('dead-worker');
        await store.claimNextJob('live-worker', { kinds: ['plan'] });
        await store.claimNextJob('dead-worker-2');
        await sleep(60);
        await store.updateJobProgress('alive', 'live-worker', 0.5, 'half');
        const r = await store.requeueStale(40);
        expect([...r.requeued]).toEqual(['lost']);
        expect([...r.failed]).toEqual(['once']);
        expect(await store.getJob('lost')).toMatchObject({ status: 'queued', workerId: null, attempts: 1 });
        expect((await store.getJob('lost'))?.error).toMatch(/worker lost/);
        expect(await store.getJob('once')).toMatchObject({ status: 'failed', attempts: 1 });
        expect(await store.getJob('alive')).toMatchObject({ status: 'running', workerId: 'live-worker' });
        // The dead worker coming back cannot touch the job any more.
        await expectCode(store.updateJobProgress('lost', 'dead-worker', 0.9), 'STORE_CONFLICT', 'state');
        await expectCode(store.completeJob('lost', 'dead-worker', 'x'), 'STORE_CONFLICT', 'state');
        const again = await store.claimNextJob('new-worker');
        expect(again).toMatchObject({ id: 'lost', attempts: 2, workerId: 'new-worker' });
        expect(await store.requeueStale(60_000)).toEqual({ requeued: [], failed: [] });
        await sleep(30);
        expect(await store.requeueStale(10)).toEqual({ requeued: ['alive'], failed: ['lost'] });
        expect((await store.getJob('lost'))?.error).toMatch(/after 2 of 2 attempts/);
      });
    });

    describe('API keys', () => {
      it('finds keys by hash, never stores the key, and does not find revoked keys', async () => {
        const { store } = await setup();
        const secret = 'mk_live_7c1f0a9e';
        const hash = apiKeyHash(secret);
        // FIPS 180-2 test vector: SHA-256("abc").
        expect(apiKeyHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
        const k = await store.createKey({ id: 'k1', name: 'finance bot', role: 'finance', hash });
        expect(k).toMatchObject({ id: 'k1', name: 'finance bot', role: 'finance', hash, revokedAt: null });
        expect(JSON.stringify(await store.listKeys())).not.toContain(secret);
        expect(await store.findKeyByHash(hash)).toEqual(k);
        expect(await store.findKeyByHash(apiKeyHash('other'))).toBeUndefined();
        await expectCode(store.createKey({ id: 'k2', role: 'admin', hash }), 'STORE_CONFLICT', 'duplicate');
        await expectCode(
          store.createKey({ id: 'k1', role: 'admin', hash: apiKeyHash('x') }),
          'STORE_CONFLICT',
          'exists',
        );
        await expect(store.createKey({ role: 'admin', hash: secret })).rejects.toBeInstanceOf(ModcapError);
        await expect(
          store.createKey({ role: 'root' as 'admin', hash: apiKeyHash('y') }),
        ).rejects.toBeInstanceOf(ModcapError);
        const revoked = await store.revokeKey('k1');
        expect(revoked.revokedAt).not.toBeNull();
        expect(await store.findKeyByHash(hash)).toBeUndefined();
        expect((await store.getKey('k1'))?.revokedAt).toBe(revoked.revokedAt);
        await sleep(5);
        expect((await store.revokeKey('k1')).revokedAt).toBe(revoked.revokedAt);
        await expectCode(store.revokeKey('nope'), 'STORE_NOT_FOUND');
        const admin = await store.createKey({ role: 'admin', hash: apiKeyHash('admin-key') });
        expect(admin.id).toMatch(/^[0-9a-f-]{36}$/);
        expect((await store.findKeyByHash(apiKeyHash('admin-key')))?.role).toBe('admin');
      });
    });

    describe('migrations', () => {
      it('applies each migration once: opening twice changes nothing and keeps the data', async () => {
        const { store, backing, open } = await setup();
        expect(await backing.migrations()).toEqual([1]);
        await store.createDocument('config', { id: 'c', name: 'c', doc: { a: 1 } });
        const [again, third] = await Promise.all([open(), open()]);
        expect(await backing.migrations()).toEqual([1]);
        expect((await again.getDocument('config', 'c'))?.doc).toEqual({ a: 1 });
        expect((await third.getDocument('config', 'c'))?.version).toBe(1);
      });
    });
  });
}
