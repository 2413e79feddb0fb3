import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { costTotals } from '../../src/capacity/plan/cost.ts';
import { forecastJson } from '../../src/forecast/output.ts';
import {
  actualsChart,
  backlogChart,
  backtestChart,
  costChart,
  decompositionChart,
  fanChart,
  forecastView,
  headcountChart,
  largestSeries,
  serviceLevelChart,
} from '../../src/report/charts/index.ts';
import { compileSpec, toSvg } from '../../src/report/render.ts';
import { dailyForecast, dailySeries, EVENTS, svgTexts, tinyExplain, tinyPlans } from './fixtures.ts';

/** Compiles and renders a spec; returns the texts of its SVG. */
async function rendered(spec: TopLevelSpec): Promise<{ texts: string[]; svg: string; warnings: string[] }> {
  const { warnings } = compileSpec(spec);
  const runtime: string[] = [];
  const svg = await toSvg(spec, { onWarning: (m) => runtime.push(m) });
  // neither vega-lite nor vega has anything to say about a chart (empty layers, dropped encodings, …)
  expect(runtime).toEqual([]);
  expect(svg.startsWith('<svg')).toBe(true);
  return { texts: svgTexts(svg), svg, warnings };
}

/** Every data row of a (possibly nested) spec whose inline values hold `field`. */
function rowsWith(spec: unknown, field: string): Record<string, unknown>[] {
  const out = new Set<Record<string, unknown>>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const o = node as Record<string, unknown>;
    const data = o.data as { values?: Record<string, unknown>[] } | undefined;
    if (data?.values) for (const r of data.values) if (field in r) out.add(r);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(spec);
  return [...out];
}

describe('fanChart', () => {
  const f = dailyForecast();
  const view = forecastView(f);

  it('renders title, axis titles, legend of both bands, events and the cleaned spike', async () => {
    const spec = fanChart(view, { history: dailySeries(), events: EVENTS, tailSteps: 60 });
    const { texts, warnings } = await rendered(spec);
    expect(warnings).toEqual([]);
    expect(texts).toContain('Forecast: reviews · en · US');
    expect(texts).toContain('Time (UTC)');
    expect(texts).toContain('Volume (items per day)');
    expect(texts).toContain('80 % prediction interval');
    expect(texts).toContain('95 % prediction interval');
    expect(texts).toContain('History (observed)');
    expect(texts).toContain('Spring promo'); // an event in the horizon, labelled
    expect(texts).toContain('Anomaly');
    // the point forecast rows are the forecast's own numbers
    const points = rowsWith(spec, 'point');
    expect(points.length).toBe(f.point.length);
    expect(points[3].point).toBeCloseTo(f.point[3], 0);
    expect(points[3].lo95 as number).toBeLessThanOrEqual(points[3].lo80 as number);
    // the spike of day 100 is highlighted at its observed value
    const anomalies = rowsWith(spec, 'kind');
    expect(anomalies.some((a) => a.t === dailySeries().timestamps[100])).toBe(true);
  });

  it('reads the stored JSON document the same as the in-memory forecast', () => {
    const doc = JSON.parse(
      JSON.stringify(forecastJson([f], { modcap: 't', node: 'v', createdAt: '', inputs: [], request: {} })),
    );
    const fromDoc = forecastView(doc.series[0]);
    expect(fromDoc.timestamps).toEqual(view.timestamps);
    expect(fromDoc.intervals.map((i) => i.level)).toEqual([80, 95]);
    expect(fromDoc.intervals[1].upper[5]).toBeCloseTo(view.intervals[1].upper[5], 9);
    expect(fromDoc.eventImpacts.map((e) => e.from)).toEqual(view.eventImpacts.map((e) => e.from));
    expect(fromDoc.cleaned[0].start).toBe(view.cleaned[0].start);
    expect(largestSeries([fromDoc], 3)).toEqual([f.id]);
  });

  it('says when history is missing, and aggregates a long hourly forecast per day', async () => {
    const n = 24 * 80;
    const t0 = Date.UTC(2026, 0, 1);
    const hourly = {
      ...view,
      freq: 'hour',
      timestamps: Array.from({ length: n }, (_, i) => t0 + i * 3_600_000),
      point: Array.from({ length: n }, (_, i) => 10 + (i % 24)),
      intervals: [{ level: 80, lower: new Array(n).fill(5), upper: new Array(n).fill(40) }],
      eventImpacts: [],
      cleaned: [],
    };
    const spec = fanChart(hourly);
    const { texts } = await rendered(spec);
    expect(texts).toContain('History not supplied: forecast only.');
    expect(texts).toContain('Volume (items per hour, daily mean)');
    const rows = rowsWith(spec, 'point');
    expect(rows.length).toBe(80);
    expect(rows[0].point).toBe(21.5); // mean of 10..33
  });

  it('throws on an empty forecast', () => {
    expect(() => fanChart({ ...view, timestamps: [], point: [], intervals: [] })).toThrow(/no periods/);
  });
});

describe('decompositionChart', () => {
  it('shows trend, the weekly profile by day name and the event effects, and says the components are recomputed', async () => {
    const view = forecastView(dailyForecast());
    const spec = decompositionChart(view, { history: dailySeries() });
    const { texts } = await rendered(spec);
    expect(texts).toContain('Decomposition: reviews · en · US');
    expect(texts).toContain('Trend');
    expect(texts).toContain('Seasonality, period 7 days');
    expect(texts).toContain('Day of week (local)');
    expect(texts).toContain('Effect (items per day)');
    expect(texts).toContain('Relative effect at full shape (%)');
    expect(texts).toEqual(expect.arrayContaining(['Mon', 'Sat', 'Policy step', 'Spring promo']));
    expect(texts.some((t) => t.startsWith('The forecast stores no fitted components'))).toBe(true);
    // the weekly profile is lowest at the weekend, as the series is built
    const profile = rowsWith(spec, 'phase') as { phase: number; effect: number }[];
    const weekend = profile.filter((p) => p.phase >= 5).map((p) => p.effect);
    const weekday = profile.filter((p) => p.phase < 5).map((p) => p.effect);
    expect(Math.max(...weekend)).toBeLessThan(Math.min(...weekday));
    // the promotion's uplift comes from the events file: +30 %
    const promo = rowsWith(spec, 'source').find((r) => r.name === 'Spring promo');
    expect(promo?.effect).toBe(30);
  });
});

describe('backtestChart', () => {
  it('draws one bar per scored candidate, best first, with the chosen highlighted', async () => {
    const f = dailyForecast();
    const spec = backtestChart(forecastView(f));
    const { texts } = await rendered(spec);
    expect(texts).toContain('Backtest accuracy per model: reviews · en · US');
    expect(texts).toContain('Candidate model');
    expect(texts).toContain('Backtest MAE (items per day; lower is better)');
    const rows = rowsWith(spec, 'mae').filter((r) => 'status' in r) as {
      mae: number;
      status: string;
      model: string;
    }[];
    const scored = f.selection.scores.filter((s) => Number.isFinite(s.mae));
    expect(rows.length).toBe(scored.length);
    for (let i = 1; i < rows.length; i++) expect(rows[i].mae).toBeGreaterThanOrEqual(rows[i - 1].mae);
    expect(
      rows
        .filter((r) => r.status === 'chosen')
        .map((r) => r.model)
        .sort(),
    ).toEqual([...f.selection.chosen].sort());
    for (const s of scored) expect(texts).toContain(s.model);
  });

  it('throws for a forecast without scores (a fallback)', () => {
    const view = forecastView(dailyForecast());
    expect(() =>
      backtestChart({
        ...view,
        selection: { ...view.selection, scores: [] },
        fallback: { reason: 'x', model: 'naive' },
      }),
    ).toThrow(/no backtest scores/);
  });
});

describe('actualsChart', () => {
  it('draws actual vs forecast and the share of the miss per dimension value', async () => {
    const r = tinyExplain();
    const spec = actualsChart(r);
    const { texts } = await rendered(spec);
    expect(texts).toContain('Forecast vs actuals, and what explains the miss');
    expect(texts).toContain('Share of the total miss explained (%)');
    expect(texts).toContain('Volume (items per day)');
    expect(texts).toContain('language = ja');
    const bar = rowsWith(spec, 'share').find((b) => b.label === 'language = ja');
    expect(bar?.share).toBeCloseTo(100, 0); // ja is the whole miss
    expect(bar?.side).toBe('actual above forecast');
    const lines = rowsWith(spec, 'what').filter((x) => x.what === 'Actual');
    expect(lines.length).toBe(10);
  });
});

describe('capacity charts', () => {
  it('headcountChart stacks effective FTE by language against required FTE, with hires and attrition', async () => {
    const [plan] = await tinyPlans();
    const spec = headcountChart(plan, 'home');
    const { texts } = await rendered(spec);
    expect(texts).toContain('Headcount: home (scenario base)');
    expect(texts).toContain('FTE (full-time equivalents)');
    expect(texts).toContain('Week starting (UTC)');
    expect(texts).toContain('People per week');
    expect(texts).toEqual(
      expect.arrayContaining(['en', 'de', 'Required FTE (all languages)', plan.weekLabels[0]]),
    );
    const bars = rowsWith(spec, 'effective') as { language: string; week: string; effective: number }[];
    const home = plan.sites.filter((s) => s.site === 'home');
    expect(bars.length).toBe(home.reduce((a, s) => a + s.headcount.weeks.length, 0));
    const en0 = bars.find((b) => b.language === 'en' && b.week === plan.weekLabels[0]);
    expect(en0?.effective).toBeCloseTo(
      home.find((s) => s.language === 'en')?.headcount.weeks[0].effectiveFte ?? NaN,
      1,
    );
    const req = rowsWith(spec, 'fte').find(
      (r) => r.what === 'Required FTE (all languages)' && r.week === plan.weekLabels[1],
    );
    expect(req?.fte).toBeCloseTo(
      home.reduce((a, s) => a + s.headcount.weeks[1].required, 0),
      1,
    );
    expect(() => headcountChart(plan, 'nowhere')).toThrow(/no site "nowhere"/);
  });

  it('backlogChart shows backlog and oldest age with the SLA limit', async () => {
    const [plan] = await tinyPlans();
    const spec = backlogChart(plan, 'posts', 'en');
    const { texts } = await rendered(spec);
    expect(texts).toContain('Backlog: posts · en (scenario base)');
    expect(texts).toContain('Backlog (items waiting)');
    expect(texts).toContain('Oldest item age (hours)');
    expect(texts).toContain('SLA: 90 % within 24 h');
    expect(rowsWith(spec, 'backlog').length).toBe(plan.deferred[0].backlog.length);
    expect(() => backlogChart(plan, 'live', 'en')).toThrow(/no deferred queue/);
  });

  it('serviceLevelChart shows a week of hourly service level against the target', async () => {
    const [plan] = await tinyPlans();
    const spec = serviceLevelChart(plan, 'live', 'en');
    const { texts } = await rendered(spec);
    expect(texts).toContain('Service level per hour: live · en (scenario base)');
    expect(texts).toContain('Service level (% of contacts)');
    expect(texts).toContain('SLA target: 80 % within 30 s');
    expect(texts).toContain('Hour (UTC)');
    const rows = rowsWith(spec, 'sl') as { sl: number; contacts: number }[];
    expect(rows.length).toBe(168);
    // busiest week: the fixture grows 10 % a week, so week 2 (hours 168..335)
    expect(texts.some((t) => t.includes('Hours 168–336 of the plan (the busiest week)'))).toBe(true);
    for (const r of rows) if (r.contacts > 0) expect(r.sl).toBeGreaterThanOrEqual(80 - 1e-9);
    expect(() => serviceLevelChart(plan, 'live', 'en', { fromHour: 300 })).toThrow(/outside the plan/);
  });

  it('costChart puts scenario beside scenario per site and month, totals matching the plans', async () => {
    const plans = await tinyPlans();
    const spec = costChart(plans);
    const { texts } = await rendered(spec);
    expect(texts).toContain('Cost per site and month, by scenario (EUR)');
    expect(texts).toContain('Cost (EUR per month)');
    expect(texts).toContain('Month (UTC)');
    expect(texts).toEqual(expect.arrayContaining(['base', 'more-bots', 'home', 'vendor']));
    const rows = rowsWith(spec, 'cost') as { scenario: string; site: string; month: string; cost: number }[];
    for (const p of plans) {
      const bySite = costTotals(p.costs, (r) => r.site);
      for (const [site, total] of bySite) {
        const charted = rows
          .filter((r) => r.scenario === p.scenario && r.site === site)
          .reduce((a, r) => a + r.cost, 0);
        expect(Math.abs(charted - total)).toBeLessThan(1); // rounded to whole currency units per month
      }
    }
    expect(() => costChart([])).toThrow(/at least one plan/);
  });
});
