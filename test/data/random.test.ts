import { describe, expect, it } from 'vitest';
import {
  gamma,
  hashSeed,
  logFactorial,
  mulberry32,
  negBinomial,
  poisson,
  standardNormal,
  uniform,
  uniformInt,
} from '../../data/random.ts';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function draws(n: number, f: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(f());
  return out;
}

const N = 20_000;

describe('mulberry32', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = draws(5, mulberry32(9));
    expect(draws(5, mulberry32(9))).toEqual(a);
    expect(draws(5, mulberry32(10))).not.toEqual(a);
  });

  it('gives uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const xs = draws(N, mulberry32(3));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const { mean, variance } = moments(xs);
    // sd of the mean = sqrt(1/12 / N) ≈ 0.002; 4 sd
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.008);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
  });
});

describe('hashSeed', () => {
  it('is stable and separates labels and seeds', () => {
    expect(hashSeed(42, 'reviews/en')).toBe(hashSeed(42, 'reviews/en'));
    expect(hashSeed(42, 'reviews/en')).not.toBe(hashSeed(42, 'reviews/es'));
    expect(hashSeed(42, 'reviews/en')).not.toBe(hashSeed(43, 'reviews/en'));
    expect(Number.isInteger(hashSeed(1, ''))).toBe(true);
    expect(hashSeed(1, '')).toBeGreaterThanOrEqual(0);
  });
});

describe('uniformInt and uniform', () => {
  it('uniformInt covers [lo, hi] inclusive and nothing else', () => {
    const rng = mulberry32(5);
    const seen = new Set(draws(2000, () => uniformInt(rng, 1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('uniform stays in [lo, hi)', () => {
    const rng = mulberry32(6);
    expect(draws(1000, () => uniform(rng, 2, 4)).every((x) => x >= 2 && x < 4)).toBe(true);
  });
});

describe('standardNormal', () => {
  it('has mean 0 and variance 1, and about 95% inside ±1.96', () => {
    const rng = mulberry32(7);
    const xs = draws(N, () => standardNormal(rng));
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
    const inside = xs.filter((x) => Math.abs(x) < 1.959964).length / N;
    expect(Math.abs(inside - 0.95)).toBeLessThan(0.007);
  });
});

describe('gamma', () => {
  it.each([0.5, 1, 10, 150])('Gamma(%d) has mean = variance = shape', (shape) => {
    const rng = mulberry32(11);
    const xs = draws(N, () => gamma(rng, shape));
    const { mean, variance } = moments(xs);
    // sd of the mean = sqrt(shape/N); the sample variance of a gamma has relative sd ≈ sqrt((2 + 6/shape)/N)
    expect(Math.abs(mean - shape)).toBeLessThan(4 * Math.sqrt(shape / N));
    expect(Math.abs(variance / shape - 1)).toBeLessThan(4 * Math.sqrt((2 + 6 / shape) / N));
    expect(xs.every((x) => x > 0)).toBe(true);
  });

  it('throws for a non-positive or non-finite shape', () => {
    const rng = mulberry32(1);
    expect(() => gamma(rng, 0)).toThrow(RangeError);
    expect(() => gamma(rng, -1)).toThrow(RangeError);
    expect(() => gamma(rng, Number.NaN)).toThrow(RangeError);
    expect(() => gamma(rng, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('logFactorial', () => {
  it('matches the direct sum of logs (table below 16, Stirling above)', () => {
    let direct = 0;
    for (let k = 1; k <= 400; k++) {
      direct += Math.log(k);
      expect(Math.abs(logFactorial(k) - direct)).toBeLessThan(1e-9 * Math.max(1, direct));
    }
    expect(logFactorial(0)).toBe(0);
    // 5! = 120
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
  });
});

describe('poisson', () => {
  it.each([0.3, 4, 9.9, 10, 30, 2500])('Poisson(%d) draws have mean and variance lambda', (lambda) => {
    const rng = mulberry32(17);
    const xs = draws(N, () => poisson(rng, lambda));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / N));
    // Var of the sample variance of a Poisson ≈ (lambda + 2 lambda²)/N
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / N));
  });

  it('gets the probability mass right at small and mid lambda', () => {
    const rng = mulberry32(19);
    const small = draws(N, () => poisson(rng, 0.3));
    // P(0) = e^-0.3 = 0.74082 (computed in Python: math.exp(-0.3)); sd of the share ≈ 0.003
    expect(Math.abs(small.filter((x) => x === 0).length / N - Math.exp(-0.3))).toBeLessThan(0.013);
    const mid = draws(N, () => poisson(rng, 20));
    // P(X = 20 | lambda 20) = e^-20 20^20 / 20! = 0.088835 (computed in Python with math.lgamma)
    const p20 = Math.exp(-20 + 20 * Math.log(20) - logFactorial(20));
    expect(p20).toBeCloseTo(0.088835, 5);
    expect(Math.abs(mid.filter((x) => x === 20).length / N - p20)).toBeLessThan(0.009);
    // P(X <= 15 | lambda 20) = 0.156513 (computed in Python: sum of the pmf with math.lgamma)
    let cdf15 = 0;
    for (let k = 0; k <= 15; k++) cdf15 += Math.exp(-20 + k * Math.log(20) - logFactorial(k));
    expect(cdf15).toBeCloseTo(0.156513, 5);
    expect(Math.abs(mid.filter((x) => x <= 15).length / N - cdf15)).toBeLessThan(0.011);
  });

  it('returns 0 for lambda 0 and throws for negative or non-finite lambda', () => {
    const rng = mulberry32(1);
    expect(poisson(rng, 0)).toBe(0);
    expect(() => poisson(rng, -1)).toThrow(RangeError);
    expect(() => poisson(rng, Number.NaN)).toThrow(RangeError);
    expect(() => poisson(rng, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('negBinomial', () => {
  it('has mean mu and variance mu + mu²/size', () => {
    const rng = mulberry32(23);
    const xs = draws(N, () => negBinomial(rng, 100, 20));
    const { mean, variance } = moments(xs);
    // variance 100 + 100²/20 = 600; sd of the mean = sqrt(600/N) ≈ 0.17
    expect(Math.abs(mean - 100)).toBeLessThan(0.7);
    expect(Math.abs(variance / 600 - 1)).toBeLessThan(0.06);
  });

  it('is Poisson with infinite size, 0 with mean 0, and throws for size <= 0', () => {
    const rng = mulberry32(29);
    const xs = draws(N, () => negBinomial(rng, 50, Number.POSITIVE_INFINITY));
    expect(Math.abs(moments(xs).variance / 50 - 1)).toBeLessThan(0.06);
    expect(negBinomial(rng, 0, 10)).toBe(0);
    expect(() => negBinomial(rng, 5, 0)).toThrow(RangeError);
  });
});
