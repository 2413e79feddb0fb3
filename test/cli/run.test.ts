import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMainJob } from '../../src/cli/run.ts';
import { ModcapError } from '../../src/errors.ts';
import { openStore } from '../../src/store/index.ts';

/** Six weeks of hourly volumes for 2 queues × 2 languages, with a daily cycle (seeded, no randomness needed). */
function volumesCsv(): string {
  const lines = ['timestamp,queue,language,market,volume'];
  const start = Date.UTC(2026, 0, 5);
  for (const [q, l, m, base] of [
    ['reviews', 'en', 'US', 400],
    ['reviews', 'ja', 'JP', 150],
    ['livestream_reports', 'en', 'US', 120],
    ['livestream_reports', 'ja', 'JP', 40],
  ] as const)
    for (let h = 0; h < 6 * 168; h++) {
      const v = Math.round(
        base * (1 + 0.5 * Math.sin((2 * Math.PI * ((h % 24) - 6)) / 24)) * (1 + 0.1 * Math.cos(h / 7)),
      );
      lines.push(`${new Date(start + h * 3_600_000).toISOString()},${q},${l},${m},${v}`);
    }
  return `${lines.join('\n')}\n`;
}

/** The demo configuration cut to two languages and two sites. */
function config(): string {
  const c = JSON.parse(readFileSync('data/demo/config.json', 'utf8'));
  delete c.languages;
  delete c.markets;
  c.sites = c.sites.filter((s: { id: string }) => s.id === 'manila' || s.id === 'tokyo');
  for (const s of c.sites) {
    s.languages = Object.fromEntries(Object.entries(s.languages).filter(([l]) => l === 'en' || l === 'ja'));
    s.currentHeadcount = Object.fromEntries(
      Object.entries(s.currentHeadcount).filter(([l]) => l === 'en' || l === 'ja'),
    );
  }
  c.scenarios = c.scenarios.filter((s: { name: string }) => s.name === 'automation-plus-10');
  return JSON.stringify(c);
}

describe('modcap run (the main job)', () => {
  it('writes the forecast, anomalies, plan per scenario, report with charts, and stores them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-run-'));
    writeFileSync(join(dir, 'volumes.csv'), volumesCsv());
    writeFileSync(join(dir, 'config.json'), config());
    const out = join(dir, 'out');
    const lines: string[] = [];
    const r = await runMainJob(
      {
        input: join(dir, 'volumes.csv'),
        config: join(dir, 'config.json'),
        out,
        horizon: '2w',
        workers: 0,
        dataDir: join(dir, 'data'),
      },
      (l) => lines.push(l),
    );
    expect(r.report).toBe(join(out, 'report.html'));
    for (const f of [
      'forecast.json',
      'forecast.csv',
      'anomalies.csv',
      'plan.json',
      'requirements.csv',
      'costs.csv',
      'scenarios.csv',
      'run.json',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.plans.map((p) => p.scenario)).toEqual(['base', 'automation-plus-10']);
    const html = readFileSync(r.report, 'utf8');
    expect(html).toContain('Headcount: manila');
    const pngs = readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.png'));
    expect(pngs.some((f) => f.startsWith('fan-'))).toBe(true);
    expect(pngs.some((f) => f.startsWith('headcount-'))).toBe(true);
    // Progress was printed step by step, and the results are in the store.
    for (const step of ['read', 'forecast', 'plan', 'report', 'store'])
      expect(
        lines.some((l) => l.includes(`${step} done`)),
        step,
      ).toBe(true);
    const store = await openStore({ dataDir: join(dir, 'data') }, {});
    try {
      const plan = await store.getPlanMeta(r.stored?.planId ?? '');
      expect(plan?.scenarios).toEqual(['base', 'automation-plus-10']);
      const costs = await store.getPlanCosts(r.stored?.planId ?? '');
      const total = (costs ?? []).reduce((a, c) => a + c.costReporting, 0);
      const fromPlans = r.plans.flatMap((p) => p.costs).reduce((a, c) => a + c.costReporting, 0);
      expect(total).toBeCloseTo(fromPlans, 4);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a bad configuration stops it before any work, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-run-'));
    writeFileSync(join(dir, 'volumes.csv'), volumesCsv());
    const bad = JSON.parse(config());
    bad.sites[0].shrinkage = 1.5;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(bad));
    const out = join(dir, 'out');
    await expect(
      runMainJob(
        { input: join(dir, 'volumes.csv'), config: join(dir, 'config.json'), out, store: false },
        () => {},
      ),
    ).rejects.toThrow(ModcapError);
    expect(existsSync(out)).toBe(false);
  });
});
