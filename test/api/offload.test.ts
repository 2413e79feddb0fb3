/**
 * Anomaly detection on a dataset of several 2-year hourly series takes seconds; the API runs it on a worker
 * thread, so the server goes on answering meanwhile, and the result is the library's own.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLOAD_POINTS } from '../../src/api/resources/datasets.ts';
import { detectAnomaliesMany } from '../../src/forecast/anomalies/index.ts';
import { readVolumes } from '../../src/forecast/io/index.ts';
import { demoSlice, type Server, sqliteServer } from './helpers.ts';

describe('anomaly detection of a large dataset over HTTP', () => {
  let s: Server;
  const history = demoSlice(
    ['comments', 'reviews'],
    ['en', 'es'],
    '2024-11-01T00:00:00Z',
    '2026-11-01T00:00:00Z',
  );
  beforeAll(async () => {
    s = await sqliteServer();
  });
  afterAll(async () => s?.close());

  it('keeps answering other requests while it runs, and returns what the library finds', async () => {
    let r = await s.call('planner', 'POST', '/v1/datasets?name=two-years&timeZone=UTC', {
      body: history,
      headers: { 'content-type': 'text/csv' },
    });
    expect(r.status, await r.clone().text()).toBe(201);
    const ds = (await r.json()) as { id: string; rowCount: number; seriesCount: number };
    expect(ds.seriesCount).toBe(4);
    expect(ds.rowCount).toBeGreaterThanOrEqual(OFFLOAD_POINTS); // large enough to go to a worker

    const order: string[] = [];
    const detecting = s
      .call('analyst', 'POST', `/v1/datasets/${ds.id}/anomalies`, { body: {} })
      .then(async (res) => {
        order.push('anomalies');
        return res;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await s.call(null, 'GET', '/healthz');
    order.push('healthz');
    expect(health.status).toBe(200);
    r = await detecting;
    expect(r.status, await r.clone().text()).toBe(201);
    // Had detection run on the event loop, /healthz would have waited for it.
    expect(order).toEqual(['healthz', 'anomalies']);

    const body = (await r.json()) as {
      doc: { anomalies: { seriesId: string; kind: string; start: string }[] };
    };
    const file = join(mkdtempSync(join(tmpdir(), 'modcap-offload-')), 'history.csv');
    writeFileSync(file, history);
    const series = await readVolumes(file);
    const expected = detectAnomaliesMany(series).map((a) => [
      a.seriesId,
      a.kind,
      new Date(a.start).toISOString(),
    ]);
    expect(body.doc.anomalies.map((a) => [a.seriesId, a.kind, a.start])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  }, 120_000);
});
