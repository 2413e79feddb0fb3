import { describe, expect, it } from 'vitest';
import {
  asa,
  erlangA,
  erlangALogSpace,
  erlangAUnchecked,
  erlangB,
  erlangC,
  occupancy,
  serviceLevel,
} from '../../src/capacity/erlang.ts';
import { expectBadArgumentNamed as expectBadArgument } from './expect-bad-argument.ts';

/** Asserts `actual` equals `expected` to `digits` significant digits (half a unit in the last digit). */
function expectSig(actual: number, expected: number, digits = 6): void {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - (digits - 1));
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.5 * unit * (1 + 1e-9));
}

/** Independent Erlang B: the truncated-Poisson ratio (A^N/N!) / Σ_{k≤N} A^k/k!, summed directly. */
function erlangBByPoisson(n: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= n; k++) {
    term *= a / k;
    sum += term;
  }
  return term / sum;
}

describe('erlangB', () => {
  it('gives 0.052603 for 30 lines and 25 erlangs', () => {
    // Issue's cited worked example; also confirmed in Python: scipy poisson.pmf(30, 25) / poisson.cdf(30, 25)
    expectSig(erlangB(30, 25), 0.052603, 5);
    expectSig(erlangB(30, 25), 0.0526031722, 9); // scipy, as above
  });
  it('matches the truncated-Poisson formula for small systems', () => {
    for (const [n, a] of [
      [1, 0.5],
      [5, 3],
      [12, 10],
      [40, 37.5],
    ]) {
      expect(erlangB(n, a)).toBeCloseTo(erlangBByPoisson(n, a), 12);
    }
  });
  it('is 1 with no lines and 0 with no traffic', () => {
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(7, 0)).toBe(0);
  });
  it('stays finite and in (0, 1) for 5,000 agents and 4,900 erlangs', () => {
    const b = erlangB(5000, 4900);
    expect(Number.isFinite(b)).toBe(true);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1);
  });
});

describe('erlangC', () => {
  it('gives 0.101299 for 10 agents at 120 contacts per hour with a 3 minute AHT (6 erlangs)', () => {
    // Issue's cited worked example; confirmed in Python (scipy Poisson form of Erlang C): 0.1012992427
    expectSig(erlangC(10, 6), 0.101299);
  });
  it('gives 0.1434 for 26 agents and 0.02495 for 30 agents at 20 erlangs', () => {
    // Issue's cited worked example (600 per hour, AHT 120 s); more digits from scipy: 0.1433999284, 0.0249504581
    expectSig(erlangC(26, 20), 0.1434, 4);
    expectSig(erlangC(30, 20), 0.02495, 4);
    expectSig(erlangC(26, 20), 0.1433999284, 9);
  });
  it('returns 1 when agents <= traffic', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(9, 10)).toBe(1);
    expect(erlangC(0, 0.5)).toBe(1);
  });
  it('returns 0 when there is no traffic', () => {
    expect(erlangC(3, 0)).toBe(0);
  });
  it('falls as agents are added', () => {
    let prev = 1;
    for (let n = 11; n < 30; n++) {
      const c = erlangC(n, 10);
      expect(c).toBeLessThan(prev);
      prev = c;
    }
  });
});

describe('serviceLevel, asa and occupancy (Erlang C)', () => {
  // 100 contacts per 30 min, AHT 180 s → 10 erlangs; target 20 s.
  it('gives 0.888350 for 14 agents and 0.7956 for 13 agents', () => {
    // Issue's cited worked example; scipy: 0.8883500192 and 0.7955947884
    expectSig(serviceLevel(14, 10, 180, 20), 0.88835);
    expectSig(serviceLevel(13, 10, 180, 20), 0.7956, 4);
  });
  it('gives an ASA of 7.84 s for 14 agents', () => {
    // Issue's cited worked example; scipy: 7.835937012
    expectSig(asa(14, 10, 180), 7.84, 3);
    expectSig(asa(14, 10, 180), 7.835937012, 9);
  });
  it('gives occupancy A / N', () => {
    expect(occupancy(14, 10)).toBeCloseTo(10 / 14, 15); // hand computation
  });
  it('equals 1 − P(wait) at a target of 0 seconds', () => {
    expect(serviceLevel(14, 10, 180, 0)).toBeCloseTo(1 - erlangC(14, 10), 14);
  });
  it('is 0 (and ASA infinite) when agents <= traffic', () => {
    expect(serviceLevel(10, 10, 180, 20)).toBe(0);
    expect(asa(10, 10, 180)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('erlangA', () => {
  const base = { trafficErlangs: 10, ahtSeconds: 180, patienceSeconds: 300, targetSeconds: 20 };
  it('reproduces the worked example: 100 per 30 min, AHT 3 min, patience 5 min, 14 agents', () => {
    // Issue's cited worked example (Erlang A, Garnett–Mandelbaum–Reiman 2002). All five also reproduced in
    // Python by an independent numpy birth–death solve plus a scipy matrix exponential of the phase-type
    // waiting-time chain (pWait 0.1452601143, pAbandon 0.0139837441, occupancy 0.7042973256,
    // ASA 0.0699187206 min, SL 0.9167920919), and within Monte Carlo error by a 400,000-arrival simulation
    // (0.1471, 0.0143, 0.0711 min, 0.9158).
    const r = erlangA({ agents: 14, ...base });
    expectSig(r.pWait, 0.14526, 5);
    expectSig(r.pAbandon, 0.013984, 5);
    expectSig(r.occupancy, 0.704297);
    expectSig(r.asaSeconds / 60, 0.069919, 5);
    expectSig(r.serviceLevel, 0.916792);
  });
  it('matches an independent phase-type computation in overload (8 agents, 10 erlangs)', () => {
    // Python: numpy birth–death solve + scipy expm of the waiting-time chain (see above)
    const r = erlangA({ agents: 8, ...base });
    expectSig(r.pWait, 0.847569769740238, 10);
    expectSig(r.pAbandon, 0.2318641346867107, 10);
    expectSig(r.asaSeconds, 69.5592404060132, 10);
    expectSig(r.serviceLevel, 0.2264518211590872, 10);
    expectSig(r.occupancy, 0.9601698316416116, 10);
  });
  it('matches an independent phase-type computation at 48 erlangs, 50 agents, AHT 240 s, patience 120 s', () => {
    // Python: numpy birth–death solve + scipy expm of the waiting-time chain, T = 30 s
    const r = erlangA({
      agents: 50,
      trafficErlangs: 48,
      ahtSeconds: 240,
      patienceSeconds: 120,
      targetSeconds: 30,
    });
    expectSig(r.pWait, 0.34230880342267733, 10);
    expectSig(r.pAbandon, 0.04802177423297064, 10);
    expectSig(r.asaSeconds, 5.762612907956478, 10);
    expectSig(r.serviceLevel, 0.9014144055195249, 8);
    expectSig(r.occupancy, 0.9138990967363482, 10);
  });
  it('tends to Erlang C as patience grows', () => {
    const r = erlangA({ agents: 14, ...base, patienceSeconds: 1e8 });
    expectSig(r.pWait, erlangC(14, 10), 5);
    expectSig(r.serviceLevel, serviceLevel(14, 10, 180, 20), 5);
    expectSig(r.asaSeconds, asa(14, 10, 180), 5);
    expect(r.pAbandon).toBeLessThan(1e-6);
  });
  it('gives 1 − P(wait) as the service level at a target of 0 seconds', () => {
    const r = erlangA({ agents: 14, ...base, targetSeconds: 0 });
    expect(r.serviceLevel).toBeCloseTo(1 - r.pWait, 14);
  });
  it('serves nobody with no agents', () => {
    const r = erlangA({ agents: 0, ...base });
    expect(r.pWait).toBe(1);
    expect(r.pAbandon).toBeCloseTo(1, 12);
    expect(r.serviceLevel).toBe(0);
    expect(r.asaSeconds).toBeCloseTo(300, 9); // everyone waits their whole patience (mean 300 s)
  });
});

describe('degenerate input', () => {
  it('throws BAD_ARGUMENT naming the field for NaN, negative or fractional input', () => {
    expectBadArgument(() => erlangB(Number.NaN, 3), 'agents');
    expectBadArgument(() => erlangB(-1, 3), 'agents');
    expectBadArgument(() => erlangB(2.5, 3), 'agents');
    expectBadArgument(() => erlangC(5, Number.NaN), 'trafficErlangs');
    expectBadArgument(() => erlangC(5, -2), 'trafficErlangs');
    expectBadArgument(() => serviceLevel(5, 2, 0, 20), 'ahtSeconds');
    expectBadArgument(() => serviceLevel(5, 2, 180, -1), 'targetSeconds');
    expectBadArgument(() => asa(5, 2, Number.POSITIVE_INFINITY), 'ahtSeconds');
    expectBadArgument(
      () => erlangA({ agents: 5, ...{ trafficErlangs: 2, ahtSeconds: 180 }, patienceSeconds: 0 }),
      'patienceSeconds',
    );
    expectBadArgument(
      () =>
        erlangA({
          agents: 5,
          trafficErlangs: 2,
          ahtSeconds: 180,
          patienceSeconds: 60,
          targetSeconds: Number.NaN,
        }),
      'targetSeconds',
    );
  });
  it('handles zero traffic', () => {
    expect(serviceLevel(0, 0, 180, 20)).toBe(1);
    expect(asa(0, 0, 180)).toBe(0);
    expect(occupancy(0, 0)).toBe(0);
    expect(erlangA({ agents: 0, trafficErlangs: 0, ahtSeconds: 180, patienceSeconds: 60 })).toEqual({
      pWait: 0,
      pAbandon: 0,
      asaSeconds: 0,
      serviceLevel: 1,
      occupancy: 0,
    });
  });
  it('stays finite at 10,000 erlangs', () => {
    const c = erlangC(10_100, 10_000);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    const sl = serviceLevel(10_100, 10_000, 180, 20);
    expect(sl).toBeGreaterThan(0);
    expect(sl).toBeLessThan(1);
    const r = erlangA({
      agents: 10_000,
      trafficErlangs: 10_000,
      ahtSeconds: 180,
      patienceSeconds: 300,
      targetSeconds: 20,
    });
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    expect(r.pWait).toBeGreaterThan(0);
    expect(r.pWait).toBeLessThan(1);
    expect(r.serviceLevel).toBeGreaterThan(0);
    expect(r.serviceLevel).toBeLessThan(1);
  });
});

describe('erlangA fast path against the log-space sum', () => {
  it('agrees to 1e-9 over a grid of loads, patience and targets, small to large', () => {
    let checked = 0;
    for (const a of [0.3, 2.5, 10, 47.2, 300, 1800])
      for (const extra of [
        -Math.floor(0.5 * a),
        -Math.ceil(Math.sqrt(a)),
        -1,
        0,
        1,
        3,
        Math.ceil(Math.sqrt(a)),
        Math.ceil(2 * Math.sqrt(a)) + 5,
      ])
        for (const [aht, patience, target] of [
          [180, 300, 20],
          [90, 30, 60],
          [600, 6000, 0],
          [45, 2, 10],
        ]) {
          const n = Math.max(1, Math.ceil(a) + extra);
          const fast = erlangAUnchecked(n, a, aht, patience, target);
          const slow = erlangALogSpace(n, a, aht, patience, target);
          for (const k of ['pWait', 'pAbandon', 'asaSeconds', 'serviceLevel', 'occupancy'] as const)
            expect(Math.abs(fast[k] - slow[k])).toBeLessThan(1e-9 * Math.max(1, Math.abs(slow[k])));
          checked++;
        }
    expect(checked).toBe(192);
  });
});
