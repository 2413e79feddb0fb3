import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyScenario, type CapacityConfig, validateCapacityConfig } from '../../src/capacity/config.ts';
import { buildWorkload, meanFromQuantiles } from '../../src/capacity/workload.ts';
import { ModcapError } from '../../src/errors.ts';
import { parseForecast } from '../../src/forecast/explain/index.ts';

const demo = (): CapacityConfig =>
  validateCapacityConfig(JSON.parse(readFileSync('data/demo/config.json', 'utf8')), 'config.json');

function csv(rows: [string, string, string, number, number, number, number][]): string {
  const lines = ['queue,language,market,timestamp,point,lower_80,upper_80'];
  for (const [q, l, m, h, p, lo, hi] of rows)
    lines.push(`${q},${l},${m},${new Date(Date.UTC(2026, 0, 5, h)).toISOString()},${p},${lo},${hi}`);
  return `${lines.join('\n')}\n`;
}

describe('meanFromQuantiles', () => {
  it('is the median for a symmetric distribution', () => {
    expect(meanFromQuantiles(100, [{ level: 80, lower: 80, upper: 120 }])).toBeCloseTo(100, 9);
  });
  it('exceeds the median for a right-skewed one, and stays below the upper bound', () => {
    const m = meanFromQuantiles(100, [
      { level: 80, lower: 85, upper: 130 },
      { level: 95, lower: 78, upper: 150 },
    ]);
    expect(m).toBeGreaterThan(100);
    expect(m).toBeLessThan(130);
  });
  it('is the point without intervals', () => {
    expect(meanFromQuantiles(7, [])).toBe(7);
  });
});

describe('buildWorkload', () => {
  const rows: [string, string, string, number, number, number, number][] = [];
  for (let h = 0; h < 336; h++) {
    rows.push(['reviews', 'ja', 'JP', h, 100, 80, 120]);
    rows.push(['reviews', 'en', 'US', h, 200, 160, 240]);
    rows.push(['reviews', 'en', 'MX', h, 50, 40, 60]);
  }
  const forecast = parseForecast(csv(rows), 'f.csv');

  it('multiplies volume by the human share, QA and rework, and AHT per language', () => {
    const cfg = demo();
    const ws = buildWorkload(forecast, cfg, { basis: 'point' });
    expect(ws.hours).toBe(336);
    const ja = ws.items.find((w) => w.language === 'ja');
    const q = cfg.queues.find((x) => x.id === 'reviews');
    if (!ja || !q) throw new Error('missing');
    const human = 1 - q.automationShare - q.llmShare;
    expect(ja.humanShare).toBeCloseTo(human, 12);
    expect(ja.humanItems[5]).toBeCloseTo(100 * human * (1 + q.qaRate + q.reworkRate), 9);
    expect(ja.ahtSeconds).toBe(52); // ahtSecondsByLanguage.ja
    expect(ja.workloadHours[5]).toBeCloseTo((ja.humanItems[5] * 52) / 3600, 12);
    expect(ja.llmItems[5]).toBeCloseTo(100 * q.llmShare, 12);
  });

  it('sums markets of one queue × language', () => {
    const en = buildWorkload(forecast, demo(), { basis: 'point' }).items.find((w) => w.language === 'en');
    expect(en?.markets).toEqual(['MX', 'US']);
    expect(en?.volume[0]).toBeCloseTo(250, 12);
  });

  it('plans on the upper bound when asked, and refuses a level the forecast lacks', () => {
    const ws = buildWorkload(forecast, demo(), { basis: 'upper_80' });
    expect(ws.items.find((w) => w.language === 'ja')?.volume[0]).toBeCloseTo(120, 12);
    expect(() => buildWorkload(forecast, demo(), { basis: 'upper_95' })).toThrow(/no 95 % interval/);
  });

  it('applies scenario volume changes and launches with their ramp', () => {
    const cfg = demo();
    cfg.scenarios.push({
      name: 'ja-launch',
      volumeChange: 0.1,
      languages: ['ja'],
      addLaunch: { name: 'x', markets: ['JP'], start: '2026-01-06', uplift: 0.5, rampDays: 2 },
    });
    const ws = buildWorkload(forecast, applyScenario(cfg, 'ja-launch'), { basis: 'point' });
    const ja = ws.items.find((w) => w.language === 'ja');
    const en = ws.items.find((w) => w.language === 'en');
    expect(ja?.volume[0]).toBeCloseTo(110, 9); // before the launch: +10 %
    expect(ja?.volume[24 + 24]).toBeCloseTo(110 * 1.25, 9); // a day into a two-day ramp
    expect(ja?.volume[24 + 48]).toBeCloseTo(110 * 1.5, 9);
    expect(en?.volume[100]).toBeCloseTo(250, 9); // other languages untouched
  });

  it('warns about forecast queues the configuration does not know', () => {
    const f = parseForecast(
      csv([
        ['mystery', 'en', 'US', 0, 5, 4, 6],
        ['reviews', 'en', 'US', 0, 5, 4, 6],
      ]),
      'f.csv',
    );
    const ws = buildWorkload(f, demo());
    expect(ws.warnings.join(' ')).toMatch(/mystery/);
    expect(ws.items.map((w) => w.queue)).toEqual(['reviews']);
  });

  it('rejects series that do not cover the same hours', () => {
    const f = parseForecast(
      csv([
        ['reviews', 'en', 'US', 0, 5, 4, 6],
        ['reviews', 'en', 'US', 1, 5, 4, 6],
        ['reviews', 'ja', 'JP', 0, 5, 4, 6],
      ]),
      'f.csv',
    );
    expect(() => buildWorkload(f, demo())).toThrow(ModcapError);
  });
});
