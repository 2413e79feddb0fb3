import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastJson } from '../../src/forecast/output.ts';
import { fanChart, forecastView } from '../../src/report/charts/index.ts';
import { planReportHtml } from '../../src/report/html.ts';
import { type WrittenReport, writePlanReport } from '../../src/report/write.ts';
import { dailyForecast, dailySeries, EVENTS, tinyExplain, tinyPlans } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('planReportHtml', () => {
  it('is one self-contained page: inlined vega bundles, no remote script, link or stylesheet, a no-network CSP', async () => {
    const plans = await tinyPlans();
    const html = planReportHtml({
      plans,
      charts: [{ name: 'fan', title: 'Fan', spec: fanChart(forecastView(dailyForecast())) }],
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain("default-src 'none'");
    // the bundles are inlined (their version strings) and vegaEmbed is called
    expect(html).toContain(JSON.parse(readFileSync('node_modules/vega/package.json', 'utf8')).version);
    expect(html).toContain('vegaEmbed(el, c.spec, options)');
    // exactly the 5 scripts: 3 bundles, the specs, the bootstrap
    expect(html.match(/<script\b/g)?.length).toBe(5);
    // the tables
    for (const id of [
      'summary',
      'hiring',
      'costs',
      'shortfalls',
      'checks',
      'forecast',
      'parameters',
      'provenance',
    ])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Scenario more-bots (EUR)');
  });

  it('cannot be broken out of by a chart title or a spec string', async () => {
    const plans = await tinyPlans();
    const spec = fanChart(forecastView(dailyForecast()));
    const evil = '</script><script>alert(1)</script>';
    const html = planReportHtml({
      plans,
      charts: [{ name: 'x', title: evil, spec: { ...spec, description: evil } as never }],
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script\b/g)?.length).toBe(5);
  });

  it('rejects bad and duplicate chart names, and no plans', async () => {
    const plans = await tinyPlans();
    const spec = fanChart(forecastView(dailyForecast()));
    expect(() => planReportHtml({ plans, charts: [{ name: 'a b', title: 't', spec }] })).toThrow(
      /chart name/,
    );
    expect(() =>
      planReportHtml({
        plans,
        charts: [
          { name: 'a', title: 't', spec },
          { name: 'a', title: 't', spec },
        ],
      }),
    ).toThrow(/two charts/);
    expect(() => planReportHtml({ plans: [], charts: [] })).toThrow(/at least one plan/);
  });
});

describe('writePlanReport in headless Chromium', () => {
  let dir = '';
  let written: WrittenReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modcap-report-'));
    const f = dailyForecast();
    const doc = JSON.parse(
      JSON.stringify(
        forecastJson([f], { modcap: 't', node: process.version, createdAt: '', inputs: [], request: {} }),
      ),
    );
    written = await writePlanReport({
      plans: await tinyPlans(),
      forecastDoc: doc,
      history: [dailySeries()],
      events: EVENTS,
      explain: tinyExplain(),
      outDir: dir,
    });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes report.html and every chart as Vega-Lite JSON, SVG and PNG', () => {
    expect(written.charts).toEqual([
      'fan-reviews-en-us',
      'decomposition-reviews-en-us',
      'backtest-reviews-en-us',
      'actuals-attribution',
      'headcount-home',
      'headcount-vendor',
      'backlog-posts-en',
      'service-level-live-en',
      'cost-by-site-month',
    ]);
    expect(written.files.length).toBe(1 + 3 * written.charts.length);
    for (const name of written.charts) {
      const png = readFileSync(join(dir, 'charts', `${name}.png`));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(readFileSync(join(dir, 'charts', `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<text/);
      expect(JSON.parse(readFileSync(join(dir, 'charts', `${name}.vl.json`), 'utf8')).$schema).toMatch(
        /vega-lite/,
      );
    }
  });

  it('opens from file:// with every request off the file blocked, draws every chart, and logs no error', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run this test`,
      );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        // vega's own warnings (e.g. an infinite extent: a field with no data) count too
        if (m.type() === 'warning' && m.text().startsWith('WARN')) problems.push(`vega: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(written.html).href);
      await page.waitForFunction(
        () => (window as unknown as { modcapCharts?: { finished: boolean } }).modcapCharts?.finished === true,
        null,
        { timeout: 30_000 },
      );
      const status = await page.evaluate(
        () =>
          (window as unknown as { modcapCharts: { total: number; done: number; failed: string[] } })
            .modcapCharts,
      );
      expect(status).toEqual({
        total: written.charts.length,
        done: written.charts.length,
        failed: [],
        finished: true,
      });
      const drawn = await page.$$eval('.chart', (els) =>
        els.map((el) => ({
          name: el.getAttribute('data-chart'),
          svg: el.querySelectorAll('svg').length,
          marks: el.querySelectorAll(
            'svg g[class*="mark-"] path, svg g[class*="mark-"] line, svg g[class*="mark-"] rect:not(.background)',
          ).length,
          texts: [...el.querySelectorAll('svg text')].map((t) => t.textContent ?? ''),
        })),
      );
      expect(drawn.map((d) => d.name)).toEqual(written.charts);
      for (const d of drawn) {
        expect(d.svg, d.name ?? '').toBeGreaterThan(0);
        expect(d.marks, d.name ?? '').toBeGreaterThan(5);
      }
      expect(drawn[0].texts).toContain('Forecast: reviews · en · US');
      expect(drawn.find((d) => d.name === 'headcount-home')?.texts).toContain(
        'Headcount: home (scenario base)',
      );
      // the tables are there too
      expect(await page.locator('#hiring table').count()).toBe(1);
      expect(problems).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
