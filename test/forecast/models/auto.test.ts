import { describe, expect, it } from 'vitest';
import { coverage } from '../../../src/forecast/metrics.ts';
import { ar } from '../../../src/forecast/models/ar.ts';
import { auto } from '../../../src/forecast/models/auto.ts';
import { snaive } from '../../../src/forecast/models/snaive.ts';
import type { Model } from '../../../src/forecast/types.ts';
import { mulberry32 } from '../../../src/random.ts';
import { assertModelContract, syntheticHourly } from '../contract.ts';

describe('auto', () => {
  const y = syntheticHourly(24 * 7 * 8, 3);

  it('passes the model contract', () => {
    assertModelContract(auto({ candidates: [snaive([24]), ar()], horizon: 48 }), y, 48, {
      periods: [24, 168],
    });
  });

  it('chooses the candidate with the lowest backtest error and reports every score', () => {
    // a pure 24-periodic series: snaive(24) is exact, snaive(1) is not
    const periodic = Array.from({ length: 24 * 20 }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / 24));
    const f = auto({ candidates: [snaive([1]), snaive([24])], horizon: 24, maxCombine: 1 }).fit(periodic);
    expect(f.model).toBe('snaive(24)');
    const scores = f.params.scores as { model: string; mae: number; rank: number }[];
    expect(scores.map((s) => s.model)).toEqual(['snaive(1)', 'snaive(24)']);
    expect(scores[1].mae).toBeCloseTo(0, 9);
    expect(scores[1].rank).toBe(1);
    expect(scores[0].mae).toBeGreaterThan(1);
  });

  it('drops a failing candidate and says why', () => {
    const failing: Model = {
      name: 'broken',
      fit() {
        throw new Error('cannot fit');
      },
    };
    const f = auto({ candidates: [failing, snaive([24])], horizon: 24 }).fit(y);
    expect(f.model).toBe('snaive(24)');
    const scores = f.params.scores as { model: string; error?: string }[];
    expect(scores[0].error).toBe('cannot fit');
  });

  it('throws MODEL_FIT when every candidate fails', () => {
    const failing: Model = {
      name: 'broken',
      fit() {
        throw new Error('cannot fit');
      },
    };
    expect(() => auto({ candidates: [failing], horizon: 24 }).fit(y)).toThrow(/every candidate failed/);
  });

  it('gives conformal intervals whose coverage on fresh data is near nominal', () => {
    // white noise around a daily profile: 200 independent replications, the 80% and 95% intervals of
    // the next 24 steps should hold about 80% and 95% of the actuals
    const r = mulberry32(11);
    let c80 = 0;
    let c95 = 0;
    const reps = 60;
    for (let i = 0; i < reps; i++) {
      const n = 24 * 30 + 24;
      const yy = Array.from({ length: n }, (_, t) => {
        const u1 = Math.max(r(), 1e-12);
        const u2 = r();
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        return 200 + 40 * Math.sin((2 * Math.PI * t) / 24) + 10 * z;
      });
      const train = yy.slice(0, n - 24);
      const test = yy.slice(n - 24);
      const f = auto({ candidates: [snaive([24]), ar()], horizon: 24, origins: 8 })
        .fit(train, { periods: [24] })
        .predict(24, { levels: [80, 95] });
      c80 += coverage(test, f.intervals[0].lower, f.intervals[0].upper);
      c95 += coverage(test, f.intervals[1].lower, f.intervals[1].upper);
    }
    expect(c80 / reps).toBeGreaterThan(0.72);
    expect(c80 / reps).toBeLessThan(0.88);
    expect(c95 / reps).toBeGreaterThan(0.9);
  });
});
