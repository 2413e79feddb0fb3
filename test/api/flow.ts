/**
 * The three flows of issue 5 over HTTP against a running server (shared by the SQLite and PostgreSQL e2e
 * tests): a planner uploads history and events, forecasts, uploads a configuration and plans; an analyst
 * investigates a miss after actuals are appended and reads anomalies; finance reads costs in EUR as CSV.
 */

import { expect } from 'vitest';
import { demoConfig, demoEvents, demoSlice, pollJob, type Server } from './helpers.ts';

const QUEUES = ['reviews', 'comments'];
const LANGS = ['en', 'de'];

/** Sums a CSV column. */
function csvColumn(csv: string, name: string): { header: string[]; rows: string[][]; sum: number } {
  const lines = csv.trim().split('\n');
  const header = lines[0].split(',');
  const i = header.indexOf(name);
  const rows = lines.slice(1).map((l) => l.split(','));
  return { header, rows, sum: rows.reduce((a, r) => a + Number(r[i]), 0) };
}

/** Runs all three flows; throws (expect) on the first difference. */
export async function walkFlows(s: Server): Promise<void> {
  // ---------------------------------------------------------------- planner: history, events, forecast
  const history = demoSlice(QUEUES, LANGS, '2024-11-01T00:00:00Z', '2025-01-10T00:00:00Z');
  const historyRows = history.trim().split('\n').length - 1;
  let r = await s.call('planner', 'POST', '/v1/datasets?name=demo-slice&timeZone=UTC', {
    body: history,
    headers: { 'content-type': 'text/csv' },
  });
  expect(r.status).toBe(201);
  const ds = (await r.json()) as Record<string, unknown>;
  expect(ds.rowCount).toBe(historyRows);
  expect(ds.seriesCount).toBe(4);
  expect(ds.keyColumns).toEqual(['queue', 'language', 'market']);
  expect(ds.perSeriesTimeZones).toBe(true);
  const datasetId = ds.id as string;
  expect((await s.store.getDatasetRows(datasetId))?.length).toBe(historyRows);

  r = await s.call('planner', 'POST', '/v1/events', { body: { name: 'demo events', events: demoEvents() } });
  expect(r.status).toBe(201);
  expect(r.headers.get('etag')).toBe('"1"');
  const eventsId = ((await r.json()) as { id: string }).id;

  r = await s.call('planner', 'POST', '/v1/forecasts', {
    body: { datasetId, horizon: '2w', levels: [80, 95], eventsId, models: ['snaive'] },
  });
  expect(r.status).toBe(202);
  const fjob = (await r.json()) as { jobId: string; resultId: string };
  const fdone = await pollJob(s, 'planner', fjob.jobId);
  expect(fdone.status, String(fdone.error)).toBe('succeeded');
  expect(fdone.progress).toBe(1);
  expect(fdone.resultRef).toBe(fjob.resultId);
  const forecastId = fjob.resultId;

  r = await s.call('analyst', 'GET', `/v1/forecasts/${forecastId}`);
  expect(r.status).toBe(200);
  const fc = (await r.json()) as {
    series: { id: string; url: string; model: string }[];
    datasetVersion: number;
  };
  expect(fc.series.map((x) => x.id).sort()).toEqual(
    ['comments|de|DE', 'comments|en|US', 'reviews|de|DE', 'reviews|en|US'].sort(),
  );
  r = await s.call('planner', 'GET', fc.series[0].url);
  expect(r.status).toBe(200);
  const one = (await r.json()) as {
    forecast: { timestamp: string; point: number; intervals: Record<string, number[]> }[];
    model: string;
  };
  expect(one.forecast).toHaveLength(14 * 24);
  expect(one.forecast[0].timestamp).toBe('2025-01-10T00:00:00.000Z');
  for (const f of one.forecast) {
    expect(f.intervals['80'][0]).toBeLessThanOrEqual(f.intervals['80'][1]);
    expect(f.intervals['95'][0]).toBeLessThanOrEqual(f.intervals['80'][0]);
  }

  // ---------------------------------------------------------------- planner: configuration and plan
  r = await s.call('planner', 'POST', '/v1/configs', {
    body: { name: 'demo slice', config: demoConfig(QUEUES, LANGS, ['dublin', 'manila']) },
  });
  expect(r.status).toBe(201);
  const configId = ((await r.json()) as { id: string }).id;

  // finance may not create a plan
  r = await s.call('finance', 'POST', '/v1/plans', { body: { forecastId, configId } });
  expect(r.status).toBe(403);
  expect(r.headers.get('content-type')).toContain('application/problem+json');

  r = await s.call('planner', 'POST', '/v1/plans', {
    body: { forecastId, configId, scenarios: ['base', 'automation-plus-10'], simulate: false },
  });
  expect(r.status).toBe(202);
  const pjob = (await r.json()) as { jobId: string; resultId: string };
  const pdone = await pollJob(s, 'planner', pjob.jobId);
  expect(pdone.status, String(pdone.error)).toBe('succeeded');
  const planId = pjob.resultId;

  r = await s.call('planner', 'GET', `/v1/plans/${planId}/requirements?site=dublin&language=en`);
  expect(r.status).toBe(200);
  const req = (await r.json()) as {
    rows: { site: string; language: string; week: number; requiredFte: number; paidHeadcount: number }[];
  };
  const stored = await s.store.getPlanRequirements(planId, { site: 'dublin', language: 'en' });
  expect(req.rows.length).toBeGreaterThan(0);
  expect(req.rows).toEqual(JSON.parse(JSON.stringify(stored)));
  expect(new Set(req.rows.map((x) => `${x.site}/${x.language}`))).toEqual(new Set(['dublin/en']));
  expect(new Set(req.rows.map((x) => x.week))).toEqual(new Set([0, 1]));

  for (const path of ['hiring', 'sla']) {
    r = await s.call('finance', 'GET', `/v1/plans/${planId}/${path}`);
    expect(r.status).toBe(200);
  }
  r = await s.call('finance', 'GET', `/v1/plans/${planId}`);
  const plan = (await r.json()) as {
    scenarios: string[];
    reportingCurrency: string;
    summaries: { totalCost: number }[];
  };
  expect(plan.scenarios).toEqual(['base', 'automation-plus-10']);
  expect(plan.reportingCurrency).toBe('EUR');

  // ---------------------------------------------------------------- finance: costs in EUR as CSV
  const costRows = (await s.store.getPlanCosts(planId)) ?? [];
  const baseTotal = costRows.filter((c) => c.scenario === 'base').reduce((a, c) => a + c.costReporting, 0);
  r = await s.call(
    'finance',
    'GET',
    `/v1/plans/${planId}/costs?groupBy=site,month&currency=EUR&scenario=base`,
    {
      headers: { accept: 'text/csv' },
    },
  );
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('text/csv');
  const csv = csvColumn(await r.text(), 'cost');
  expect(csv.header).toEqual(['site', 'month', 'currency', 'cost']);
  expect(new Set(csv.rows.map((x) => x[2]))).toEqual(new Set(['EUR']));
  expect(new Set(csv.rows.map((x) => x[0]))).toContain('manila');
  expect(csv.sum).toBeCloseTo(baseTotal, -1);
  expect(csv.sum).toBeCloseTo(plan.summaries[0].totalCost, -1);
  // the same in USD: the configuration's rate (1 USD = 0.92 EUR)
  r = await s.call('finance', 'GET', `/v1/plans/${planId}/costs?groupBy=site&currency=usd&scenario=base`);
  const usd = (await r.json()) as { currency: string; total: number; rows: { site: string; cost: number }[] };
  expect(usd.currency).toBe('USD');
  expect(usd.total).toBeCloseTo(baseTotal / 0.92, -1);
  // site currencies: manila's lines are in PHP
  r = await s.call('finance', 'GET', `/v1/plans/${planId}/costs?groupBy=site&currency=site&scenario=base`);
  const local = (await r.json()) as { rows: { site: string; currency: string; cost: number }[] };
  expect(local.rows.find((x) => x.site === 'manila')?.currency).toBe('PHP');
  // side by side
  r = await s.call(
    'finance',
    'GET',
    `/v1/plans/${planId}/costs/compare?scenarios=base,automation-plus-10&groupBy=month`,
  );
  expect(r.status).toBe(200);
  const cmp = (await r.json()) as { totals: Record<string, number> };
  expect(cmp.totals.base).toBeCloseTo(baseTotal, -1);
  const altTotal = costRows
    .filter((c) => c.scenario === 'automation-plus-10')
    .reduce((a, c) => a + c.costReporting, 0);
  expect(cmp.totals['automation-plus-10']).toBeCloseTo(altTotal, -1);

  // ---------------------------------------------------------------- analyst: actuals, investigation, anomalies
  const actuals = demoSlice(QUEUES, LANGS, '2025-01-10T00:00:00Z', '2025-01-24T00:00:00Z');
  r = await s.call('analyst', 'POST', `/v1/datasets/${datasetId}/actuals`, {
    body: actuals,
    headers: { 'content-type': 'text/csv' },
  });
  expect(r.status).toBe(403); // appending is a change: planner
  r = await s.call('planner', 'POST', `/v1/datasets/${datasetId}/actuals`, {
    body: actuals,
    headers: { 'content-type': 'text/csv', 'if-match': '"1"' },
  });
  expect(r.status).toBe(200);
  const appended = (await r.json()) as { version: number; rowCount: number };
  expect(appended.version).toBe(2);
  expect(appended.rowCount).toBe(historyRows + actuals.trim().split('\n').length - 1);
  // the same batch again: every period is already stored → 409, nothing added
  r = await s.call('planner', 'POST', `/v1/datasets/${datasetId}/actuals`, {
    body: actuals,
    headers: { 'content-type': 'text/csv' },
  });
  expect(r.status).toBe(409);
  expect((await s.store.getDataset(datasetId))?.rowCount).toBe(appended.rowCount);

  r = await s.call('analyst', 'POST', '/v1/investigations', {
    body: { forecastId, datasetId, from: '2025-01-10', to: '2025-01-24', grain: 'day' },
  });
  expect(r.status).toBe(201);
  const inv = (await r.json()) as {
    id: string;
    doc: { total: { n: number; forecast: number; actual: number } };
  };
  expect(inv.doc.total.n).toBe(4 * 14 * 24);
  r = await s.call('analyst', 'GET', `/v1/investigations/${inv.id}`);
  expect(r.status).toBe(200);
  expect(((await r.json()) as { doc: unknown }).doc).toEqual(inv.doc);

  r = await s.call('analyst', 'POST', `/v1/datasets/${datasetId}/anomalies`, { body: { eventsId } });
  expect(r.status).toBe(201);
  const an = (await r.json()) as { id: string; doc: { anomalies: unknown[] } };
  expect(Array.isArray(an.doc.anomalies)).toBe(true);
  r = await s.call('analyst', 'GET', `/v1/datasets/${datasetId}/anomalies`);
  expect(((await r.json()) as { results: { id: string }[] }).results.map((x) => x.id)).toContain(an.id);
  r = await s.call('analyst', 'GET', `/v1/anomalies/${an.id}`);
  expect(r.status).toBe(200);
  r = await s.call('analyst', 'POST', '/v1/forecasts', { body: { datasetId, horizon: '1w' } });
  expect(r.status).toBe(403);
}
