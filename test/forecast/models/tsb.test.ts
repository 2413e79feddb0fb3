import { describe, expect, it } from 'vitest';
import { tsb } from '../../../src/forecast/models/tsb.ts';
import { assertModelContract } from '../contract.ts';

const X = [0, 3, 0, 0, 5, 0, 1, 0, 0, 0, 4, 2, 0, 0, 3, 0, 0, 0, 0, 6];

describe('tsb passes the model contract', () => {
  it('optimised and fixed', () => {
    assertModelContract(tsb(), X, 12);
    assertModelContract(tsb({ alpha: 0.1, beta: 0.1 }), X, 12);
  });
});

describe('tsb', () => {
  it('gives the hand-computed rate on a small sequence', () => {
    // d₀ = 2/4 = 0.5, z₀ = 2; y = 0 → d = 0.25; y = 2 → d = 0.625, z = 2; y = 0 → d = 0.3125;
    // y = 2 → d = 0.65625, z = 2 → rate 1.3125
    const f = tsb({ alpha: 0.5, beta: 0.5 }).fit([0, 2, 0, 2]);
    expect(f.predict(1).point[0]).toBeCloseTo(1.3125, 12);
    expect(f.fitted).toEqual([1, 0.5, 1.25, 0.625]);
  });
  it('decays towards 0 through a run of zeros (obsolescence), unlike Croston', () => {
    const y = [3, 0, 4, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const f = tsb({ alpha: 0.2, beta: 0.2 }).fit(y);
    // each zero multiplies the probability by 1 − β = 0.8 and leaves the size alone
    for (let t = 6; t < y.length; t++) expect(f.fitted[t] / f.fitted[t - 1]).toBeCloseTo(0.8, 12);
    expect(f.predict(1).point[0] / f.fitted[y.length - 1]).toBeCloseTo(0.8, 12);
  });
  it('intervals are non-negative and nest', () => {
    const f = tsb()
      .fit(X)
      .predict(2, { levels: [50, 95] });
    expect(f.intervals[1].lower[0]).toBeGreaterThanOrEqual(0);
    expect(f.intervals[1].lower[0]).toBeLessThanOrEqual(f.intervals[0].lower[0]);
    expect(f.intervals[1].upper[0]).toBeGreaterThanOrEqual(f.intervals[0].upper[0]);
  });
});

describe('tsb degenerate input', () => {
  it('all zeros forecast 0; one point forecasts itself', () => {
    expect(tsb().fit([0, 0, 0]).predict(2).point).toEqual([0, 0]);
    expect(tsb().fit([7]).predict(1).point[0]).toBeCloseTo(7, 12);
  });
  it('throws on empty and negative input and on a bad β', () => {
    expect(() => tsb().fit([])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => tsb().fit([0, -3])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => tsb({ beta: 0 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
