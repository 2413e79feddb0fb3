import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modcap } from './spawn.ts';

const PLAN_FILES = [
  'backlog.csv',
  'costs.csv',
  'hiring.csv',
  'intervals.csv',
  'mix.csv',
  'plan.json',
  'requirements.csv',
  'scenarios.csv',
  'shortfalls.csv',
];

/** Four weeks of hourly volumes of one real-time queue in English, with a daily cycle. */
function volumesCsv(): string {
  const lines = ['timestamp,queue,language,market,volume'];
  const start = Date.UTC(2026, 0, 5);
  for (let h = 0; h < 4 * 168; h++) {
    const v = Math.round(200 * (1 + 0.5 * Math.sin((2 * Math.PI * ((h % 24) - 6)) / 24)) + ((h * 7919) % 13));
    lines.push(`${new Date(start + h * 3_600_000).toISOString()},livestream_reports,en,US,${v}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A small configuration written as YAML: one real-time queue with patience, one site open all week. */
const CONFIG = `name: one site
reportingCurrency: EUR
currencies: { USD: 0.9 }
queues:
  - id: livestream_reports
    ahtSeconds: 90
    sla: { kind: real-time, level: 0.8, targetSeconds: 60, patienceSeconds: 600 }
sites:
  - id: austin
    kind: in-house
    timeZone: America/Chicago
    hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
    languages: { en: 1 }
    maxHeadcount: 500
    paidHoursPerWeek: 40
    shrinkage: 0.3
    occupancyCap: 0.85
    costPerHour: 30
    currency: USD
    currentHeadcount: { en: 20 }
    leadTimeWeeks: 1
scenarios:
  - name: more-volume
    volumeChange: 0.2
`;

describe('modcap plan (spawned)', () => {
  let dir: string;
  let forecast: string;
  /** `modcap plan` of the forecast with a configuration file of `dir`, into `dir/out`. */
  const runPlan = (config: string, out: string, ...more: string[]) =>
    modcap(['plan', '--forecast', forecast, '--config', join(dir, config), '--out', join(dir, out), ...more]);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modcap-plan-cli-'));
    writeFileSync(join(dir, 'volumes.csv'), volumesCsv());
    const r = await modcap([
      'forecast',
      '--input',
      join(dir, 'volumes.csv'),
      '--horizon',
      '2w',
      '--models',
      'snaive',
      '--out',
      join(dir, 'fc'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    forecast = join(dir, 'fc', 'forecast.json');
  }, 60_000);

  it('writes every plan file for base and a scenario, with the inputs named in the provenance', async () => {
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const out = join(dir, 'plan');
    const r = await runPlan('config.yaml', 'plan', '--scenario', 'all');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(PLAN_FILES);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(plan.provenance.inputs.map((i: { path: string }) => i.path)).toEqual([
      forecast,
      join(dir, 'config.yaml'),
    ]);
    const costs = readFileSync(join(out, 'costs.csv'), 'utf8').trim().split('\n');
    const header = costs[0].split(',');
    const scenario = header.indexOf('scenario');
    const reporting = header.indexOf('cost_EUR');
    expect(reporting).toBeGreaterThan(-1);
    // USD costs converted at the configured 0.9
    const first = costs[1].split(',');
    expect(first[header.indexOf('currency')]).toBe('USD');
    expect(Number(first[reporting])).toBeCloseTo(0.9 * Number(first[header.indexOf('cost')]), 2);
    const total = (name: string) =>
      costs
        .slice(1)
        .map((l) => l.split(','))
        .filter((c) => c[scenario] === name)
        .reduce((s, c) => s + Number(c[reporting]), 0);
    expect(total('base')).toBeGreaterThan(0);
    // 20 % more volume costs more, by less than 20 % more again plus rounding (queues pool)
    expect(total('more-volume')).toBeGreaterThan(total('base'));
    expect(total('more-volume')).toBeLessThan(1.3 * total('base'));
  }, 60_000);

  it('lists every problem of a bad configuration, one a line, and writes nothing', async () => {
    const bad = CONFIG.replace('kind: real-time', 'kind: realtime')
      .replace('    occupancyCap: 0.85\n', '')
      .replace('costPerHour', 'costPerPaidHour');
    writeFileSync(join(dir, 'bad.yaml'), bad);
    const out = join(dir, 'bad-out');
    const r = await runPlan('bad.yaml', 'bad-out');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INPUT_INVALID');
    const listed = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(listed.map((l) => l.slice(4, l.indexOf(':')))).toEqual(
      expect.arrayContaining([
        'queues[0].sla.kind',
        'sites[0].occupancyCap',
        'sites[0].costPerPaidHour',
        'sites[0].costPerHour',
      ]),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown scenario by name and writes nothing', async () => {
    const out = join(dir, 'nope-out');
    const r = await runPlan('config.yaml', 'nope-out', '--scenario', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope/);
    expect(r.stderr).toMatch(/more-volume/);
    expect(existsSync(out)).toBe(false);
  });
});
