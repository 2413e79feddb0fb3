import { describe, expect, it } from 'vitest';
import { classifyDemand, croston, isIntermittent } from '../../../src/forecast/models/croston.ts';
import { assertModelContract } from '../contract.ts';

const X = [0, 3, 0, 0, 5, 0, 1, 0, 0, 0, 4, 2, 0, 0, 3, 0, 0, 0, 0, 6];

function mse(y: readonly number[], fitted: readonly number[]): number {
  let s = 0;
  let c = 0;
  y.forEach((v, t) => {
    if (!Number.isNaN(fitted[t])) {
      s += (v - fitted[t]) ** 2;
      c++;
    }
  });
  return s / c;
}

describe('croston passes the model contract', () => {
  it('optimised, fixed α, and SBA', () => {
    assertModelContract(croston(), X, 12);
    assertModelContract(croston({ alpha: 0.1 }), X, 12);
    assertModelContract(croston({ variant: 'sba' }), X.concat(X), 24);
  });
});

describe('croston', () => {
  it('gives the hand-computed rate on a small sequence', () => {
    // first demand 4 at position 3 → z = 4, p = 3; next demand 2 after 2 periods:
    // z = 4 + 0.1·(2 − 4) = 3.8, p = 3 + 0.1·(2 − 3) = 2.9 → 3.8 / 2.9 (R croston(…, alpha = 0.1): 1.310344828)
    const f = croston({ alpha: 0.1 }).fit([0, 0, 4, 0, 2]).predict(2);
    expect(f.point[0]).toBeCloseTo(3.8 / 2.9, 12);
    expect(f.point[1]).toBeCloseTo(3.8 / 2.9, 12);
  });
  it('SBA multiplies the rate by 1 − α/2', () => {
    const f = croston({ alpha: 0.1, variant: 'sba' }).fit([0, 0, 4, 0, 2]).predict(1);
    expect(f.point[0]).toBeCloseTo((0.95 * 3.8) / 2.9, 12);
  });
  it('matches R forecast::croston on a longer sequence', () => {
    // confirmed in R (forecast 8.20): croston(X, alpha = 0.2, h = 1)$mean
    expect(croston({ alpha: 0.2 }).fit(X).predict(1).point[0]).toBeCloseTo(1.220269466, 8);
  });
  it('the optimised fit has an in-sample MSE no worse than any fixed grid α', () => {
    const best = croston().fit(X);
    for (const a of [0.05, 0.1, 0.2, 0.3, 0.5]) {
      const fixed = croston({ alpha: a }).fit(X);
      expect(mse(X, best.fitted)).toBeLessThanOrEqual(mse(X, fixed.fitted) + 1e-12);
    }
  });
  it('intervals are non-negative, contain the point and nest', () => {
    const f = croston()
      .fit(X)
      .predict(3, { levels: [50, 80, 95] });
    const [a, b, c] = f.intervals;
    expect(a.lower[0]).toBeGreaterThanOrEqual(0);
    expect(c.lower[0]).toBeLessThanOrEqual(b.lower[0]);
    expect(b.lower[0]).toBeLessThanOrEqual(a.lower[0]);
    expect(a.lower[0]).toBeLessThanOrEqual(f.point[0]);
    expect(f.point[0]).toBeLessThanOrEqual(a.upper[0]);
    expect(a.upper[0]).toBeLessThanOrEqual(b.upper[0]);
    expect(b.upper[0]).toBeLessThanOrEqual(c.upper[0]);
    expect(c.upper[0]).toBeGreaterThan(f.point[0]);
  });
});

describe('classifyDemand and isIntermittent', () => {
  it('computes ADI and CV² and the Syntetos–Boylan class', () => {
    expect(classifyDemand([0, 0, 3, 0, 0, 3])).toEqual({ adi: 3, cv2: 0, kind: 'intermittent' });
    // sizes 1 and 9: mean 5, population variance 16 → CV² = 0.64; ADI = 4/2 = 2
    expect(classifyDemand([1, 0, 9, 0])).toEqual({ adi: 2, cv2: 0.64, kind: 'lumpy' });
    expect(classifyDemand([5, 6, 5, 6]).kind).toBe('smooth');
    expect(classifyDemand([1, 9, 1, 9]).kind).toBe('erratic');
  });
  it('isIntermittent is ADI ≥ 1.32', () => {
    expect(isIntermittent(X)).toBe(true);
    expect(isIntermittent([5, 6, 5, 0, 6, 5])).toBe(false); // ADI 6/5 = 1.2
    expect(isIntermittent([0, 0, 0])).toBe(true);
    expect(isIntermittent([])).toBe(false);
  });
});

describe('croston degenerate input', () => {
  it('all zeros: forecast 0 with zero-width intervals', () => {
    const f = croston().fit([0, 0, 0, 0]).predict(3);
    expect(f.point).toEqual([0, 0, 0]);
    f.intervals.forEach((iv) => {
      expect(iv.upper).toEqual([0, 0, 0]);
    });
  });
  it('one point: the point itself, zero width', () => {
    const f = croston().fit([5]).predict(2);
    expect(f.point).toEqual([5, 5]);
    expect(f.intervals[0].lower).toEqual([5, 5]);
  });
  it('constant demand every period: rate = the constant', () => {
    expect(croston().fit([4, 4, 4, 4, 4]).predict(1).point[0]).toBeCloseTo(4, 12);
  });
  it('throws on empty, negative, NaN, and a bad α', () => {
    expect(() => croston().fit([])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => croston().fit([1, -1])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => croston().fit([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => croston({ alpha: 1.5 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
