import { describe, expect, it } from 'vitest';
import {
  applyScenario,
  type CapacityConfigInput,
  validateCapacityConfig,
} from '../../../src/capacity/config.ts';
import { costTotals } from '../../../src/capacity/plan/cost.ts';
import { planSummary } from '../../../src/capacity/plan/output.ts';
import { planCapacity } from '../../../src/capacity/plan/plan.ts';
import { staffTask } from '../../../src/capacity/plan/realtime.ts';
import { staffRealTime } from '../../../src/capacity/staffing.ts';
import { ModcapError } from '../../../src/errors.ts';
import { parseForecast } from '../../../src/forecast/explain/index.ts';
import { TaskPool } from '../../../src/parallel/pool.ts';

const START = Date.UTC(2026, 0, 5); // a Monday
const WEEKS = 4;

/** A flat-ish hourly forecast: `base` items an hour with a daily wave, for each queue × language. */
function forecastText(series: [string, string, number][]): string {
  const lines = ['queue,language,market,timestamp,point,lower_80,upper_80'];
  for (const [q, l, base] of series)
    for (let h = 0; h < WEEKS * 168; h++) {
      const v = base * (1 + 0.5 * Math.sin((2 * Math.PI * (h % 24)) / 24));
      lines.push(`${q},${l},XX,${new Date(START + h * 3_600_000).toISOString()},${v},${v * 0.8},${v * 1.2}`);
    }
  return `${lines.join('\n')}\n`;
}

function config(overrides: Partial<CapacityConfigInput> = {}) {
  const raw: CapacityConfigInput = {
    reportingCurrency: 'EUR',
    currencies: { USD: 0.9 },
    queues: [
      {
        id: 'live',
        ahtSeconds: 120,
        automationShare: 0.5,
        llmShare: 0.1,
        llmCostPerItem: 0.01,
        qaRate: 0.1,
        reworkRate: 0,
        sla: { kind: 'real-time', level: 0.8, targetSeconds: 30 },
      },
      {
        id: 'posts',
        ahtSeconds: 60,
        automationShare: 0.6,
        sla: { kind: 'deferred', level: 0.9, withinHours: 24 },
      },
    ],
    sites: [
      {
        id: 'home',
        kind: 'in-house',
        timeZone: 'UTC',
        hours: '24/7',
        languages: { en: 1 },
        maxHeadcount: 500,
        currentHeadcount: { en: 0 },
        paidHoursPerWeek: 40,
        shrinkage: 0.25,
        occupancyCap: 0.9,
        costPerHour: 30,
        currency: 'USD',
        leadTimeWeeks: 0,
        trainingWeeks: 0,
      },
    ],
    scenarios: [{ name: 'more-bots', automationShareChange: 0.2 }],
    ...overrides,
  };
  return validateCapacityConfig(raw, 'test-config');
}

describe('planCapacity', () => {
  const forecast = parseForecast(
    forecastText([
      ['live', 'en', 100],
      ['posts', 'en', 400],
    ]),
    'f.csv',
  );

  it('staffs every real-time hour with Erlang on the human contacts, and serves all demand', async () => {
    const plan = await planCapacity(forecast, config(), { basis: 'point', simulate: false });
    expect(plan.weeks).toBe(WEEKS);
    const rt = plan.realTime[0];
    const contacts = rt.staffing.contacts;
    // human contacts = volume × (1 − 0.5 − 0.1) × (1 + 0.1)
    expect(contacts[6]).toBeCloseTo(100 * 1.5 * 0.4 * 1.1, 9);
    const expected = staffRealTime({
      contactsPerInterval: contacts[6],
      intervalSeconds: 3600,
      ahtSeconds: 120,
      target: { kind: 'service-level', level: 0.8, targetSeconds: 30 },
      occupancyCap: 0.9,
    });
    expect(rt.staffing.agents[6]).toBe(expected.agents);
    expect(plan.allocation.shortfalls).toEqual([]);
    // Allocated hours = real-time agent-hours + deferred agent-hours (staffed at most at the occupancy cap), week by week.
    const home = plan.sites.find((s) => s.site === 'home' && s.language === 'en');
    if (!home) throw new Error('no home plan');
    for (let w = 0; w < WEEKS; w++) {
      let need = 0;
      for (let t = w * 168; t < (w + 1) * 168; t++)
        need += rt.staffing.agents[t] + plan.deferred[0].agentsPerHour[t];
      expect(home.allocatedHours[w]).toBeCloseTo(need, 3);
      expect(home.requiredFte[w]).toBeCloseTo(need / (40 * 0.75), 6);
    }
  });

  it('hires from zero to the requirement, and costs paid heads at the hourly rate in both currencies', async () => {
    const plan = await planCapacity(forecast, config(), { basis: 'point', simulate: false });
    const home = plan.sites[0];
    const week1 = home.headcount.weeks[1];
    expect(
      week1.effectiveFte + week1.overtimeFte + week1.surgeFte + week1.uncoveredFte,
    ).toBeGreaterThanOrEqual(week1.required - 1e-9);
    expect(home.headcount.totals.hires).toBeGreaterThan(0);
    const staff = plan.costs.filter((c) => c.site === 'home' && c.component === 'staff');
    const paid = home.headcount.weeks.reduce((a, w) => a + w.paidHeadcount, 0);
    const usd = staff.reduce((a, c) => a + c.cost, 0);
    expect(usd).toBeCloseTo(paid * 40 * 30, 4);
    expect(staff.reduce((a, c) => a + c.costReporting, 0)).toBeCloseTo(usd * 0.9, 4);
    expect(staff.every((c) => c.currency === 'USD')).toBe(true);
    // LLM: volume × 0.1 × 0.01 EUR.
    const llm = plan.costs.filter((c) => c.component === 'llm').reduce((a, c) => a + c.costReporting, 0);
    const liveVolume = plan.workload.find((w) => w.queue === 'live')?.volume.reduce((a, b) => a + b, 0) ?? 0;
    expect(llm).toBeCloseTo(liveVolume * 0.1 * 0.01, 6);
  });

  it('reports a language no site staffs as a shortfall with its hours, and warns', async () => {
    const f = parseForecast(
      forecastText([
        ['posts', 'en', 100],
        ['posts', 'fr', 50],
      ]),
      'f.csv',
    );
    const plan = await planCapacity(f, config(), { basis: 'point', simulate: false });
    const fr = plan.allocation.shortfalls.filter((s) => s.language === 'fr');
    expect(fr.length).toBe(WEEKS);
    expect(fr.every((s) => s.reason === 'no-site-staffs-language')).toBe(true);
    const frHours = fr.reduce((a, s) => a + s.hours, 0);
    const frWork =
      plan.workload.find((w) => w.language === 'fr')?.workloadHours.reduce((a, b) => a + b, 0) ?? 0;
    // The staffing need of the work (90 % within 24 h; items of the last hours may finish after the horizon).
    expect(frHours).toBeGreaterThan(0.95 * frWork);
    expect(frHours).toBeLessThan(1.1 * frWork);
    expect(plan.warnings.join(' ')).toMatch(/no site staffs fr/);
  });

  it('a scenario with more automation needs fewer hours and costs less', async () => {
    const base = await planCapacity(forecast, config(), { basis: 'point', simulate: false });
    const more = await planCapacity(forecast, applyScenario(config(), 'more-bots'), {
      basis: 'point',
      simulate: false,
    });
    const hours = (p: typeof base) =>
      p.sites.reduce((a, s) => a + s.allocatedHours.reduce((x, y) => x + y, 0), 0);
    expect(hours(more)).toBeLessThan(hours(base));
    const total = (p: typeof base) => [...costTotals(p.costs, () => 'all').values()][0];
    expect(total(more)).toBeLessThan(total(base));
    expect(more.scenario).toBe('more-bots');
  });

  it('checks its staffing by simulation within a few points', async () => {
    const plan = await planCapacity(forecast, config(), { basis: 'point', seed: 3 });
    expect(plan.checks.length).toBe(2);
    for (const c of plan.checks) expect(Math.abs(c.gapPoints)).toBeLessThan(5);
    expect(planSummary(plan).worstSimulationGapPoints).toBeLessThan(5);
  });

  it('follows the sun: a real-time hour is served only by a site open then', async () => {
    const cfg = config({
      sites: [
        {
          id: 'day',
          kind: 'in-house',
          timeZone: 'UTC',
          hours: {
            mon: '08:00-20:00',
            tue: '08:00-20:00',
            wed: '08:00-20:00',
            thu: '08:00-20:00',
            fri: '08:00-20:00',
            sat: '08:00-20:00',
            sun: '08:00-20:00',
          },
          languages: { en: 1 },
          maxHeadcount: 500,
          paidHoursPerWeek: 40,
          shrinkage: 0.25,
          occupancyCap: 0.9,
          costPerHour: 10,
          currency: 'EUR',
        },
        {
          id: 'night',
          kind: 'vendor',
          timeZone: 'UTC',
          hours: '24/7',
          languages: { en: 1 },
          maxHeadcount: 500,
          paidHoursPerWeek: 40,
          shrinkage: 0.25,
          occupancyCap: 0.9,
          costPerHour: 40,
          currency: 'EUR',
        },
      ],
    });
    const f = parseForecast(forecastText([['live', 'en', 100]]), 'f.csv');
    const plan = await planCapacity(f, cfg, { basis: 'point', simulate: false });
    const rt = plan.realTime[0];
    let nightHours = 0;
    for (let t = 0; t < 168; t++) if (t % 24 < 8 || t % 24 >= 20) nightHours += rt.staffing.agents[t];
    const night = plan.sites.find((s) => s.site === 'night');
    // The expensive 24/7 site serves at least the hours when the cheap day site is closed.
    expect(night?.allocatedHours[0] ?? 0).toBeGreaterThanOrEqual(nightHours - 1e-6);
  });
});

describe('planCapacity on worker threads', () => {
  it('gives the same plan with two workers as in this thread: staffing, allocation, costs and checks', async () => {
    const f = parseForecast(
      forecastText([
        ['live', 'en', 100],
        ['live', 'es', 40],
        ['live', 'de', 7],
        ['posts', 'en', 400],
      ]),
      'f.csv',
    );
    const cfg = config({
      sites: [
        {
          id: 'home',
          kind: 'in-house',
          timeZone: 'UTC',
          hours: '24/7',
          languages: { en: 1, es: 0.9, de: 1 },
          maxHeadcount: 500,
          paidHoursPerWeek: 40,
          shrinkage: 0.25,
          occupancyCap: 0.9,
          costPerHour: 30,
          currency: 'EUR',
        },
      ],
    });
    const one = await planCapacity(f, cfg, { basis: 'point', seed: 5, workers: 0 });
    const two = await planCapacity(f, cfg, { basis: 'point', seed: 5, workers: 2 });
    expect(two.stats.timingsMs.workers).toBe(2);
    expect(one.stats.timingsMs.workers).toBeUndefined();
    expect(two.realTime.map((r) => [r.language, Array.from(r.staffing.agents)])).toEqual(
      one.realTime.map((r) => [r.language, Array.from(r.staffing.agents)]),
    );
    expect(two.realTime.map((r) => Array.from(r.staffing.serviceLevel))).toEqual(
      one.realTime.map((r) => Array.from(r.staffing.serviceLevel)),
    );
    expect(two.stats.erlangSearches).toBe(one.stats.erlangSearches);
    expect(two.allocation.allocations).toEqual(one.allocation.allocations);
    expect(two.costs).toEqual(one.costs);
    expect(two.checks).toEqual(one.checks);
    expect(two.checks.length).toBe(4);
  });

  it('passes a staffing error on a worker back as the same ModcapError', async () => {
    const task = {
      contacts: new Float64Array([10, Number.NaN, 10]),
      ahtSeconds: 60,
      sla: { kind: 'real-time' as const, level: 0.8, targetSeconds: 30 },
      occupancyCap: 0.9,
      active: new Uint8Array([1, 1, 1]),
    };
    let inThread: unknown;
    try {
      staffTask(task);
    } catch (e) {
      inThread = e;
    }
    const pool = new TaskPool(2);
    const onWorker = await pool.run('staff', task).catch((e: unknown) => e);
    const fine = [await pool.run('staff', { ...task, contacts: new Float64Array([10, 20, 10]) })];
    await pool.close();
    expect(inThread).toBeInstanceOf(ModcapError);
    expect(onWorker).toBeInstanceOf(ModcapError);
    expect((onWorker as ModcapError).code).toBe((inThread as ModcapError).code);
    expect((onWorker as ModcapError).message).toBe((inThread as ModcapError).message);
    expect((onWorker as ModcapError).details).toEqual((inThread as ModcapError).details);
    // The pool goes on serving after an error.
    expect(Array.from(fine[0].agents)).toEqual(
      Array.from(staffTask({ ...task, contacts: new Float64Array([10, 20, 10]) }).agents),
    );
  });
});
