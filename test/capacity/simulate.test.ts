import { describe, expect, it } from 'vitest';
import { erlangA, erlangC, serviceLevel } from '../../src/capacity/erlang.ts';
import { simulateDeferred, simulateRealTime } from '../../src/capacity/simulate.ts';
import { expectBadArgument } from './expect-bad-argument.ts';

// Issue's worked example: 100 contacts per 30 min, AHT 180 s (10 erlangs), 14 agents.
const N = 200;
const base = {
  arrivalsPerInterval: new Float64Array(N).fill(100),
  intervalSeconds: 1800,
  agentsPerInterval: new Int32Array(N).fill(14),
  ahtSeconds: 180,
  targetSeconds: 20,
  seed: 7,
  replications: 8,
  warmupIntervals: 4,
};

describe('simulateRealTime', () => {
  it('matches Erlang C in steady state (M/M/14 at 10 erlangs) within 4 standard errors', () => {
    const r = simulateRealTime(base);
    const se = r.serviceLevelStdError;
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(r.serviceLevel - serviceLevel(14, 10, 180, 20))).toBeLessThan(4 * se + 0.002);
    // P(wait) SE is of the same order as the SL's (both are shares of the same contacts)
    expect(Math.abs(r.pWait - erlangC(14, 10))).toBeLessThan(4 * se + 0.005);
    expect(r.occupancy).toBeCloseTo(10 / 14, 2);
    expect(r.abandonRate).toBe(0);
  });

  it('matches Erlang A with patience 300 s', () => {
    const r = simulateRealTime({ ...base, patienceSeconds: 300 });
    const ea = erlangA({
      agents: 14,
      trafficErlangs: 10,
      ahtSeconds: 180,
      patienceSeconds: 300,
      targetSeconds: 20,
    });
    expect(Math.abs(r.serviceLevel - ea.serviceLevel)).toBeLessThan(4 * r.serviceLevelStdError + 0.002);
    expect(Math.abs(r.abandonRate - ea.pAbandon)).toBeLessThan(0.004);
    expect(r.asaSeconds).toBeGreaterThan(3);
    expect(r.asaSeconds).toBeLessThan(5.5); // Erlang A: 4.195 s
  });

  it('gives the same result for the same seed and a different one for another seed', () => {
    const small = {
      ...base,
      arrivalsPerInterval: base.arrivalsPerInterval.slice(0, 20),
      agentsPerInterval: base.agentsPerInterval.slice(0, 20),
      warmupIntervals: 0,
      replications: 1,
    };
    const a = simulateRealTime(small);
    const b = simulateRealTime(small);
    const c = simulateRealTime({ ...small, seed: 8 });
    expect(a).toEqual(b);
    expect(c.offered === a.offered && c.serviceLevel === a.serviceLevel).toBe(false);
  });

  it('lets agents finish after a drop and counts per interval by arrival', () => {
    const r = simulateRealTime({
      ...base,
      arrivalsPerInterval: [100, 100, 0],
      agentsPerInterval: [14, 0, 5],
      replications: 1,
      warmupIntervals: 0,
    });
    expect(r.perInterval).toHaveLength(3);
    expect(r.perInterval[2].offered).toBe(0);
    // nobody answers in interval 1: its contacts wait for interval 2's agents, far beyond 20 s
    expect(r.perInterval[1].serviceLevel).toBeLessThan(0.05);
    expect(r.perInterval[1].answered).toBe(r.perInterval[1].offered);
  });

  it('throws BAD_ARGUMENT on bad input', () => {
    expectBadArgument(() => simulateRealTime({ ...base, agentsPerInterval: [1] }), 'agentsPerInterval');
    expectBadArgument(
      () => simulateRealTime({ ...base, agentsPerInterval: new Array(N).fill(1.5) }),
      'agentsPerInterval',
    );
    expectBadArgument(
      () => simulateRealTime({ ...base, arrivalsPerInterval: new Array(N).fill(-1) }),
      'arrivalsPerInterval',
    );
    expectBadArgument(() => simulateRealTime({ ...base, ahtSeconds: 0 }), 'ahtSeconds');
    expectBadArgument(() => simulateRealTime({ ...base, seed: 1.5 }), 'seed');
    expectBadArgument(() => simulateRealTime({ ...base, replications: 0 }), 'replications');
  });
});

describe('simulateDeferred', () => {
  const H = 24 * 28;
  it('finishes everything fast when capacity is ample, and piles up over closed nights', () => {
    const r = simulateDeferred({
      arrivals: new Float64Array(H).fill(50),
      agentsPerHour: new Float64Array(H).fill(6),
      open: new Uint8Array(H).fill(1),
      ahtSeconds: 360,
      withinHours: 4,
      seed: 1,
    });
    expect(r.shareWithin).toBe(1);
    expect(r.meanWaitHours).toBeLessThan(0.5);
    const open = new Uint8Array(H);
    for (let h = 0; h < H; h++) open[h] = h % 24 >= 8 && h % 24 < 20 ? 1 : 0;
    const n = simulateDeferred({
      arrivals: new Float64Array(H).fill(50),
      agentsPerHour: new Float64Array(H).fill(12),
      open,
      ahtSeconds: 360,
      withinHours: 24,
      seed: 1,
    });
    // 12 closed hours × 50 items ≈ 600 waiting at 8:00; the oldest arrived shortly before 20:00
    expect(n.backlog[24 + 7]).toBeGreaterThan(500);
    expect(n.backlog[24 + 7]).toBeLessThan(700);
    expect(n.oldestAgeHours[24 + 7]).toBeGreaterThan(11.5);
    expect(n.oldestAgeHours[24 + 7]).toBeLessThan(13);
    expect(n.shareWithin).toBeGreaterThan(0.99);
  });

  it('is reproducible by seed', () => {
    const input = {
      arrivals: new Float64Array(48).fill(30),
      agentsPerHour: new Float64Array(48).fill(2.5),
      open: new Uint8Array(48).fill(1),
      ahtSeconds: 300,
      withinHours: 2,
      seed: 3,
    };
    expect(simulateDeferred(input)).toEqual(simulateDeferred(input));
    expect(simulateDeferred({ ...input, seed: 4 }).items).not.toBe(simulateDeferred(input).items);
  });

  it('throws BAD_ARGUMENT on bad input', () => {
    const ok = { arrivals: [1], agentsPerHour: [1], open: [1], ahtSeconds: 60, withinHours: 1, seed: 1 };
    expectBadArgument(() => simulateDeferred({ ...ok, open: [1, 1] }), 'open');
    expectBadArgument(() => simulateDeferred({ ...ok, agentsPerHour: [-1] }), 'agentsPerHour');
    expectBadArgument(() => simulateDeferred({ ...ok, withinHours: 0 }), 'withinHours');
  });
});
