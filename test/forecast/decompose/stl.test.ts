import { describe, expect, it } from 'vitest';
import { stl } from '../../../src/forecast/decompose/stl.ts';
import { NOTTEM } from './fixtures.ts';

function sineSeries(n: number, period: number, seed = 3) {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const truth = Array.from({ length: n }, (_, t) => 10 * Math.sin((2 * Math.PI * t) / period));
  const y = truth.map((v, t) => 50 + 0.05 * t + v + 0.5 * rnd());
  return { y, truth };
}

describe('stl', () => {
  it('recovers a known sine season and leaves a small remainder', () => {
    const { y, truth } = sineSeries(24 * 20, 24);
    const f = stl(y, 24);
    let maxErr = 0;
    for (let t = 0; t < y.length; t++) maxErr = Math.max(maxErr, Math.abs(f.seasonal[t] - truth[t]));
    expect(maxErr).toBeLessThan(0.5); // amplitude 10, noise uniform ±0.25
    const rms = Math.sqrt(f.remainder.reduce((a, r) => a + r * r, 0) / y.length);
    expect(rms).toBeLessThan(0.3); // noise sd is 1/sqrt(12)·0.5 ≈ 0.144
  });

  it('sums back to y exactly', () => {
    const { y } = sineSeries(24 * 10, 24, 9);
    for (const f of [stl(y, 24), stl(y, 24, { sWindow: 7, robust: true })]) {
      for (let t = 0; t < y.length; t++) {
        expect(f.seasonal[t] + f.trend[t] + f.remainder[t]).toBeCloseTo(y[t], 10);
      }
    }
  });

  it('matches R stl(nottem, s.window = "periodic")', () => {
    const f = stl(NOTTEM, 12);
    // confirmed in R 4 (stats::stl): stl(nottem, s.window = 'periodic')$time.series[1:12, 'seasonal']
    const rSeasonal = [
      -9.347198027, -9.855249622, -6.853300789, -2.763471022, 3.501356924, 8.983303178, 12.8452501,
      11.47638128, 7.447511401, 0.4736898945, -6.430130856, -9.478142278,
    ];
    for (let i = 0; i < 12; i++) expect(f.seasonal[i]).toBeCloseTo(rSeasonal[i], 7);
    // confirmed in R: ...$time.series[c(1, 120, 240), 'trend']
    expect(f.trend[0]).toBeCloseTo(49.68067265, 7);
    expect(f.trend[119]).toBeCloseTo(49.4473585, 7);
    expect(f.trend[239]).toBeCloseTo(49.00509708, 7);
    expect(f.params.tWindow).toBe(19); // nextodd(ceiling(1.5·12 / (1 − 1.5/2401)))
    expect(f.params.lWindow).toBe(13);
  });

  it('matches R stl(nottem, s.window = 7, robust = TRUE, outer = 5), weights included', () => {
    const f = stl(NOTTEM, 12, { sWindow: 7, robust: true, outer: 5 });
    // confirmed in R 4 (stats::stl): stl(nottem, s.window = 7, robust = TRUE, outer = 5), rows 1, 100, 240.
    // (With R's default outer = 15 the results part at iteration 12: R's Fortran partial sort then returns a
    // wrong median |R| for this even n (cmad 5.548 instead of 6·median = 5.871); we use the true median.)
    expect(f.seasonal[0]).toBeCloseTo(-8.160317621, 7);
    expect(f.seasonal[99]).toBeCloseTo(-2.181583742, 7);
    expect(f.seasonal[239]).toBeCloseTo(-11.15656292, 7);
    expect(f.trend[0]).toBeCloseTo(49.51434758, 7);
    expect(f.trend[99]).toBeCloseTo(48.76584984, 7);
    expect(f.trend[239]).toBeCloseTo(49.48084699, 7);
    const rWeights = [0.975995346, 0.9668845953, 0.9065021765, 0.9742456564, 0.99998759];
    for (let i = 0; i < 5; i++) expect(f.weights[i]).toBeCloseTo(rWeights[i], 7);
  });

  it('a periodic seasonal repeats exactly every period', () => {
    const f = stl(NOTTEM, 12);
    for (let t = 12; t < NOTTEM.length; t++) expect(f.seasonal[t]).toBeCloseTo(f.seasonal[t - 12], 12);
  });

  it('rounds a non-integer period', () => {
    expect(stl(NOTTEM, 12.2).params.period).toBe(12);
  });
});

describe('stl degenerate input', () => {
  it('constant series: zero seasonal, trend = the constant', () => {
    const f = stl(new Array(60).fill(7), 12);
    for (let t = 0; t < 60; t++) {
      expect(f.seasonal[t]).toBeCloseTo(0, 10);
      expect(f.trend[t]).toBeCloseTo(7, 10);
    }
  });
  it('all zeros decomposes to zeros', () => {
    const f = stl(new Array(30).fill(0), 7, { robust: true });
    expect(f.remainder.every((r) => r === 0)).toBe(true);
  });
  it('throws SERIES_TOO_SHORT with two periods or fewer, and for one point', () => {
    expect(() => stl(new Array(24).fill(1), 12)).toThrow(
      expect.objectContaining({ code: 'SERIES_TOO_SHORT' }),
    );
    expect(() => stl([1], 12)).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
  });
  it('throws BAD_ARGUMENT for period < 2 and for NaN', () => {
    expect(() => stl([1, 2, 3, 4], 1)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    const y = new Array(40).fill(1);
    y[5] = Number.NaN;
    expect(() => stl(y, 4)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
