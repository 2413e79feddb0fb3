import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../src/forecast/optim.ts';

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic bowl', () => {
    const r = nelderMead((x) => (x[0] - 1) ** 2 + 3 * (x[1] + 2) ** 2, [0, 0]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(-2, 3);
    expect(r.value).toBeLessThan(1e-6);
  });
  it('minimises the Rosenbrock function to its known minimum (1, 1)', () => {
    // f(x, y) = 100 (y − x²)² + (1 − x)², minimum 0 at (1, 1) (Rosenbrock 1960)
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], {
      fTol: 1e-12,
      maxIter: 5000,
    });
    expect(r.x[0]).toBeCloseTo(1, 2);
    expect(r.x[1]).toBeCloseTo(1, 2);
  });
  it('respects box bounds: the constrained minimum sits on the bound', () => {
    const r = nelderMead((x) => (x[0] - 5) ** 2 + (x[1] - 0.5) ** 2, [0, 0], {
      lower: [-1, 0],
      upper: [3, 1],
    });
    expect(r.x[0]).toBeCloseTo(3, 4);
    expect(r.x[1]).toBeCloseTo(0.5, 3);
    for (const v of [r.x[0]]) expect(v).toBeLessThanOrEqual(3);
  });
  it('projects a starting point outside the box into it', () => {
    let outside = false;
    nelderMead(
      (x) => {
        if (x[0] < 0 || x[0] > 1) outside = true;
        return (x[0] - 0.2) ** 2;
      },
      [5],
      { lower: [0], upper: [1] },
    );
    expect(outside).toBe(false);
  });
  it('treats Infinity and NaN as infeasible and steers away from them', () => {
    // feasible region x > 0.5; the unconstrained minimum (0) is infeasible
    const r = nelderMead((x) => (x[0] <= 0.5 ? Number.NaN : x[0] ** 2), [2]);
    expect(r.x[0]).toBeGreaterThan(0.5);
    expect(r.x[0]).toBeLessThan(0.52);
  });
  it('stops at maxIter and says it did not converge', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxIter: 5 });
    expect(r.iterations).toBe(5);
    expect(r.converged).toBe(false);
  });
  it('uses the given per-coordinate steps (a well-scaled start converges fast in 10 dimensions)', () => {
    const target = Array.from({ length: 10 }, (_, i) => i * 100);
    const f = (x: Float64Array) => {
      let s = 0;
      for (let i = 0; i < 10; i++) s += ((x[i] - target[i]) / (i + 1)) ** 2;
      return s;
    };
    const r = nelderMead(f, new Array(10).fill(0), { step: 50, maxIter: 20000, fTol: 1e-14 });
    for (let i = 0; i < 10; i++) expect(r.x[i]).toBeCloseTo(target[i], 1);
  });
});

describe('nelderMead degenerate input', () => {
  it('throws on an empty start or crossed bounds', () => {
    expect(() => nelderMead(() => 0, [])).toThrow(RangeError);
    expect(() => nelderMead(() => 0, [0], { lower: [1], upper: [0] })).toThrow(/cross/);
    expect(() => nelderMead(() => 0, [0, 0], { lower: [1] })).toThrow(/length/);
  });
  it('a constant objective converges at once', () => {
    const r = nelderMead(() => 3, [1, 2]);
    expect(r.converged).toBe(true);
    expect(r.value).toBe(3);
  });
  it('one dimension with a zero-width box returns the fixed point', () => {
    const r = nelderMead((x) => (x[0] - 4) ** 2, [0], { lower: [2], upper: [2] });
    expect(r.x[0]).toBe(2);
  });
});
