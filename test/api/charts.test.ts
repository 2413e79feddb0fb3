/**
 * Charts and the plan report over HTTP, on a real server on loopback over the embedded store: forecast charts
 * (fan, backtest, decomposition) and plan charts (headcount, cost) as Vega-Lite JSON, SVG and PNG, the
 * self-contained report of a stored plan, roles, 404s, and the report cache per plan revision.
 */

import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPngImage } from '../../src/report/render.ts';
import type { Role } from '../../src/store/types.ts';
import { svgTexts } from '../report/fixtures.ts';
import { fetchCall, queuePlan, type Seeded, seedForecast, waitJob } from './fixtures/seed.ts';
import { type Server, sqliteServer } from './helpers.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Decodes a PNG through resvg (independently of how it was made: the PNG is drawn as an <image> of an SVG
 * at scale 1) and answers the share of non-white pixels and the number of distinct colours.
 */
function pngInk(png: Buffer): { inked: number; colours: number } {
  const { width, height } = pngSize(png);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const img = toPngImage(svg, { scale: 1 });
  expect([img.width, img.height]).toEqual([width, height]);
  let inked = 0;
  const colours = new Set<number>();
  const n = img.pixels.length / 4;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [img.pixels[4 * i], img.pixels[4 * i + 1], img.pixels[4 * i + 2]];
    if (r < 235 || g < 235 || b < 235) inked++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { inked: inked / n, colours: colours.size };
}

/** The title text of a spec. */
const titleOf = (spec: TopLevelSpec) => (spec as { title: { text: string } }).title.text;

describe('charts and the plan report over HTTP', () => {
  let s: Server;
  let seeded: Seeded;
  let planId: string;
  let seriesIds: string[];
  const get = (role: Role, path: string) => s.call(role, 'GET', path);
  /** The status of a GET, its body read (an unread body keeps the connection busy). */
  const statusOf = async (role: Role, path: string) => {
    const r = await get(role, path);
    await r.arrayBuffer();
    return r.status;
  };
  const fc = (file: string) => `/v1/forecasts/${seeded.forecastId}/charts/${file}`;
  const pc = (file: string) => `/v1/plans/${planId}/charts/${file}`;

  beforeAll(async () => {
    s = await sqliteServer();
    const call = fetchCall(s.url, s.keys.planner);
    seeded = await seedForecast(call);
    const q = await queuePlan(call, seeded);
    const job = await waitJob(call, q.jobId);
    expect(job.status).toBe('succeeded');
    planId = q.planId;
    const f = (await (await get('analyst', `/v1/forecasts/${seeded.forecastId}`)).json()) as {
      series: { id: string }[];
    };
    seriesIds = f.series.map((x) => x.id);
    expect(seriesIds.length).toBe(4);
  }, 180_000);
  afterAll(async () => s?.close());

  it('fan chart JSON is a Vega-Lite spec that compiles, with the dataset history before the forecast', async () => {
    const id = seriesIds[0];
    const r = await get('planner', fc(`fan-${encodeURIComponent(id)}.json`));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const spec = (await r.json()) as TopLevelSpec;
    expect(titleOf(spec)).toMatch(/^Forecast/);
    expect(compile(spec).spec.marks?.length).toBeGreaterThan(0);
    const rows = (spec as { data: { values: Record<string, number>[] } }).data.values;
    const history = rows.filter((x) => x.history !== undefined);
    const forecast = rows.filter((x) => x.point !== undefined);
    expect(forecast.length).toBe(4 * 168);
    expect(history.length).toBeGreaterThan(0);
    const start = forecast[0].t;
    expect(history.every((x) => x.t < start)).toBe(true);
    // the history is the dataset's own rows of this series
    const series = await s.store.getForecastSeries(seeded.forecastId, id);
    const meta = await s.store.getDataset(seeded.datasetId);
    const key: Record<string, string> = {};
    for (const k of meta?.keyColumns ?? [])
      key[k] = k === 'timezone' ? String(series?.timeZone) : (series?.key[k] ?? '');
    const stored = (await s.store.getDatasetRows(seeded.datasetId, { key, toMs: start })) ?? [];
    expect(stored.length).toBeGreaterThan(0);
    const last = stored[stored.length - 1];
    const lastShown = history[history.length - 1];
    expect(lastShown.t).toBe(last.timestampMs);
    expect(lastShown.history).toBeCloseTo(last.volume, 3);
  });

  it('fan chart SVG has the title as text; PNG has the signature and is not blank', async () => {
    const id = seriesIds[1];
    const spec = (await (
      await get('analyst', fc(`fan-${encodeURIComponent(id)}.json`))
    ).json()) as TopLevelSpec;
    const svgRes = await get('analyst', fc(`fan-${encodeURIComponent(id)}.svg`));
    expect(svgRes.status).toBe(200);
    expect(svgRes.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await svgRes.text();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svgTexts(svg)).toContain(titleOf(spec));
    const pngRes = await get('analyst', fc(`fan-${encodeURIComponent(id)}.png`));
    expect(pngRes.status).toBe(200);
    expect(pngRes.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await pngRes.arrayBuffer());
    const size = pngSize(png);
    const svgWidth = Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(svg)?.[1]);
    expect(size.width).toBe(Math.round(2 * svgWidth)); // rendered at scale 2
    const ink = pngInk(png);
    expect(ink.inked).toBeGreaterThan(0.02);
    expect(ink.colours).toBeGreaterThan(20);
  });

  it('backtest and decomposition charts answer in every format, and the series slug works too', async () => {
    const id = seriesIds[0];
    const dec = await get('planner', fc(`decomposition-${encodeURIComponent(id)}.json`));
    expect(dec.status).toBe(200);
    const decSpec = (await dec.json()) as TopLevelSpec;
    expect(titleOf(decSpec)).toMatch(/^Decomposition/);
    expect(() => compile(decSpec)).not.toThrow();
    const bt = await get('planner', fc(`backtest-${encodeURIComponent(id)}.svg`));
    expect(bt.status).toBe(200);
    const btSvg = await bt.text();
    expect(svgTexts(btSvg).some((t) => t.startsWith('Backtest accuracy per model'))).toBe(true);
    const slugged = id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const bySlug = await get('planner', fc(`fan-${slugged}.json`));
    expect(bySlug.status).toBe(200);
    const direct = await (await get('planner', fc(`fan-${encodeURIComponent(id)}.json`))).json();
    expect(await bySlug.json()).toEqual(direct);
  });

  it('finance may not read forecast charts (403), but reads plan charts and the report', async () => {
    const id = encodeURIComponent(seriesIds[0]);
    for (const ext of ['json', 'svg', 'png']) {
      const r = await get('finance', fc(`fan-${id}.${ext}`));
      expect(r.status).toBe(403);
      expect(((await r.json()) as { code: string }).code).toBe('FORBIDDEN');
    }
    expect(await statusOf('finance', pc('cost-by-site-month.json'))).toBe(200);
    expect(await statusOf('finance', `/v1/plans/${planId}/report.html`)).toBe(200);
    expect(await statusOf('admin', `/v1/plans/${planId}/report.html`)).toBe(403);
  });

  it('unknown chart names, series, sites, plans and extensions answer 404 problem+json', async () => {
    const id = encodeURIComponent(seriesIds[0]);
    for (const path of [
      fc('nope-x.svg'),
      fc('fan-nope.svg'),
      fc(`fan-${id}.gif`),
      fc(`fan-${id}`),
      fc('fan-.json'),
      `/v1/forecasts/nope/charts/fan-${id}.svg`,
      pc('headcount-nowhere.svg'),
      pc('cost-by-site-month.pdf'),
      pc('costs.json'),
      `${pc('headcount-dublin.json')}?scenario=nope`,
      '/v1/plans/nope/charts/cost-by-site-month.svg',
      '/v1/plans/nope/report.html',
    ]) {
      const r = await get('planner', path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      expect(((await r.json()) as { code: string }).code, path).toBe('NOT_FOUND');
    }
  });

  it('headcount chart of a site: paid headcount line equals the stored requirements', async () => {
    const r = await get('analyst', pc('headcount-dublin.json'));
    expect(r.status).toBe(200);
    const spec = (await r.json()) as TopLevelSpec & {
      vconcat: { layer?: { data: { values: unknown[] } }[] }[];
    };
    expect(titleOf(spec)).toBe('Headcount: dublin (scenario base)');
    expect(() => compile(spec)).not.toThrow();
    const lines = spec.vconcat[0].layer?.[1].data.values as { week: string; what: string; fte: number }[];
    const paid = lines.filter((l) => l.what.startsWith('Paid'));
    const req = (await s.store.getPlanRequirements(planId, { scenario: 'base', site: 'dublin' })) ?? [];
    expect(req.length).toBeGreaterThan(0);
    const byWeek = new Map<string, number>();
    for (const q of req) byWeek.set(q.weekStart, (byWeek.get(q.weekStart) ?? 0) + q.paidHeadcount);
    expect(paid.length).toBe(byWeek.size);
    // the chart shows 3 significant digits below 100, whole numbers above
    const shown = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3)));
    for (const p of paid) expect(p.fte).toBe(shown(byWeek.get(p.week) ?? Number.NaN));
    expect(paid.some((p) => p.fte > 0)).toBe(true);
    const other = await get('analyst', `${pc('headcount-dublin.json')}?scenario=automation-plus-10`);
    expect(titleOf((await other.json()) as TopLevelSpec)).toBe(
      'Headcount: dublin (scenario automation-plus-10)',
    );
    const png = Buffer.from(await (await get('analyst', pc('headcount-manila.png'))).arrayBuffer());
    expect(pngInk(png).inked).toBeGreaterThan(0.02);
  });

  it('cost chart: cost per scenario × site × month equals the stored cost rows', async () => {
    const r = await get('finance', pc('cost-by-site-month.json'));
    const spec = (await r.json()) as TopLevelSpec & {
      data: { values: { scenario: string; site: string; month: string; cost: number }[] };
    };
    expect(() => compile(spec)).not.toThrow();
    const rows = (await s.store.getPlanCosts(planId)) ?? [];
    const want = new Map<string, number>();
    for (const c of rows) {
      const k = `${c.scenario}|${c.site}|${c.month}`;
      want.set(k, (want.get(k) ?? 0) + c.costReporting);
    }
    expect(spec.data.values.length).toBe(want.size);
    for (const v of spec.data.values)
      expect(v.cost).toBe(Math.round(want.get(`${v.scenario}|${v.site}|${v.month}`) ?? Number.NaN));
    expect(new Set(spec.data.values.map((v) => v.scenario))).toEqual(new Set(['base', 'automation-plus-10']));
    const svg = await (await get('finance', pc('cost-by-site-month.svg'))).text();
    expect(svgTexts(svg)).toContain(titleOf(spec));
  });

  it('report.html is self-contained, names the sites, and is cached per plan revision', async () => {
    const r = await get('planner', `/v1/plans/${planId}/report.html`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const html = await r.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('dublin');
    expect(html).toContain('manila');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]*\bhref="https?:/i);
    for (const c of ['chart-headcount-dublin', 'chart-headcount-manila', 'chart-cost-by-site-month'])
      expect(html).toContain(`id="${c}"`);
    expect((html.match(/id="chart-fan-/g) ?? []).length).toBe(3);
    expect(html).toContain('id="stored-plan-note"');
    expect(html).not.toContain('id="chart-backlog-');
    expect(html).not.toContain('id="chart-service-level-');
    // the specs inlined are the ones the chart routes serve
    const specs = JSON.parse(
      /<script type="application\/json" id="modcap-chart-specs">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]',
    ) as { id: string; spec: TopLevelSpec }[];
    const served = await (await get('planner', pc('cost-by-site-month.json'))).json();
    expect(specs.find((x) => x.id === 'cost-by-site-month')?.spec).toEqual(served);

    // same revision: the cached page (its "made" time included) comes back
    const t1 = performance.now();
    const again = await (await get('analyst', `/v1/plans/${planId}/report.html`)).text();
    const cachedMs = performance.now() - t1;
    expect(again).toBe(html);

    // a replaced plan (new revision) is rendered again
    const rec = await s.store.getPlan(planId);
    if (!rec) throw new Error('plan missing');
    const costs = (await s.store.getPlanCosts(planId)) ?? [];
    const requirements = (await s.store.getPlanRequirements(planId)) ?? [];
    const meta = await s.store.savePlan(
      {
        id: rec.id,
        forecastId: rec.forecastId,
        configId: rec.configId,
        configVersion: rec.configVersion,
        scenarios: rec.scenarios,
        reportingCurrency: rec.reportingCurrency,
        provenance: rec.provenance,
        doc: rec.doc,
        costs: [...costs],
        requirements,
      },
      { replace: true },
    );
    expect(meta.revision).toBe(rec.revision + 1);
    await new Promise((res) => setTimeout(res, 1_100)); // the plan cache re-checks revisions every second
    const t2 = performance.now();
    const fresh = await (await get('planner', `/v1/plans/${planId}/report.html`)).text();
    const renderMs = performance.now() - t2;
    console.log(
      `report.html: rendered ${Math.round(renderMs)} ms, cached ${Math.round(cachedMs)} ms, ${html.length} chars`,
    );
    expect(fresh).not.toBe(html);
    expect(fresh.replace(/made [^<]*</, '')).toBe(html.replace(/made [^<]*</, ''));
  }, 60_000);
});
