import { describe, expect, it } from 'vitest';
import { fitSes, seasonalityTest, theta } from '../../../src/forecast/models/theta.ts';
import { AIR } from '../../fixtures/air-passengers.ts';
import { assertModelContract, syntheticHourly } from '../contract.ts';

/** White noise around 100 (deterministic LCG). */
function noise(n: number, seed = 11): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 48271) % 2147483647;
    return 100 + 20 * (s / 2147483647 - 0.5);
  });
}

describe('theta passes the model contract', () => {
  it('seasonal hourly series, period from the fit options', () => {
    assertModelContract(theta(), syntheticHourly(24 * 7 * 4, 3), 48, { periods: [24, 168] });
  });
  it('non-seasonal series', () => {
    assertModelContract(theta({ seasonal: 'never' }), noise(50), 10);
  });
});

describe('seasonalityTest', () => {
  it('is true on a strongly seasonal series and false on white noise', () => {
    expect(seasonalityTest(AIR, 12)).toBe(true);
    expect(seasonalityTest(syntheticHourly(24 * 14, 5), 24)).toBe(true);
    expect(seasonalityTest(noise(200), 12)).toBe(false);
  });
  it('is false when n ≤ 2m, m < 2, or y is constant', () => {
    expect(seasonalityTest(AIR.slice(0, 24), 12)).toBe(false);
    expect(seasonalityTest(AIR, 1)).toBe(false);
    expect(seasonalityTest(new Array(50).fill(3), 12)).toBe(false);
  });
});

describe('theta', () => {
  it('non-seasonal: the forecast is SES plus half the OLS slope as drift (Hyndman & Billah 2003)', () => {
    const z = Array.from({ length: 60 }, (_, t) => 20 + 0.5 * t + 3 * Math.sin(1.3 * t ** 1.1));
    const fitted = theta().fit(z);
    expect(fitted.params.seasonal).toBe(false);
    // OLS slope of z on t computed here independently of the model: b = Σ(t − t̄)(z − z̄) / Σ(t − t̄)²
    const tbar = 29.5;
    const zbar = z.reduce((a, b) => a + b, 0) / 60;
    let sxy = 0;
    let sxx = 0;
    z.forEach((v, t) => {
      sxy += (t - tbar) * (v - zbar);
      sxx += (t - tbar) ** 2;
    });
    expect(fitted.params.drift).toBeCloseTo(sxy / sxx / 2, 12);
    const p = fitted.predict(4).point;
    // the step-to-step increment is exactly the drift
    for (let k = 1; k < 4; k++) expect(p[k] - p[k - 1]).toBeCloseTo(sxy / sxx / 2, 9);
    // confirmed in R (forecast 8.20): thetaf(ts(z), h = 4, level = c(80, 95))$mean
    const rMean = [50.17877583, 50.42856465, 50.67835348, 50.9281423];
    for (let k = 0; k < 4; k++) expect(p[k]).toBeCloseTo(rMean[k], 3);
    const iv = fitted.predict(4, { levels: [80, 95] }).intervals;
    // confirmed in R: $lower[, '80%'] and $upper[, '95%']
    const rLo80 = [46.45558192, 46.42093025, 46.40517033, 46.40497363];
    const rHi95 = [55.87290953, 56.55771256, 57.21362314, 57.84573183];
    for (let k = 0; k < 4; k++) {
      expect(iv[0].lower[k]).toBeCloseTo(rLo80[k], 2);
      expect(iv[1].upper[k]).toBeCloseTo(rHi95[k], 2);
    }
  });

  it('seasonal: matches R thetaf(AirPassengers) (multiplicative decomposition, reseasonalised)', () => {
    const fitted = theta({ period: 12 }).fit(AIR);
    expect(fitted.params.seasonal).toBe(true);
    const f = fitted.predict(13, { levels: [95] });
    // confirmed in R (forecast 8.20): thetaf(AirPassengers, h = 13, level = 95)$mean and $upper
    const rMean = [
      440.0781911, 428.3842806, 489.7070987, 475.7046277, 479.6703887, 545.3662722, 602.7520018, 601.1007631,
      523.9514922, 456.6271449, 397.9537347, 447.6449087, 454.5297689,
    ];
    const rUpper = [
      461.1596636, 455.8859366, 522.3912491, 512.8552171, 520.8052753, 590.1322358, 650.8758432, 652.3629979,
      578.1707629, 513.650315, 457.6492498, 509.8981587, 519.2397352,
    ];
    for (let k = 0; k < 13; k++) {
      expect(Math.abs(f.point[k] - rMean[k]) / rMean[k]).toBeLessThan(1e-4);
      expect(Math.abs(f.intervals[0].upper[k] - rUpper[k]) / rUpper[k]).toBeLessThan(1e-4);
    }
  });

  it('falls back to non-seasonal when a seasonal index is ≈ 0 (zeros in the data)', () => {
    const y = Array.from({ length: 48 }, (_, t) => (t % 4 === 0 ? 0 : 10 + (t % 3)));
    const fitted = theta({ period: 4, seasonal: 'always' }).fit(y);
    expect(fitted.params.seasonal).toBe(false);
  });
});

describe('fitSes', () => {
  it('a constant series has level = the constant and zero SSE', () => {
    const f = fitSes([3, 3, 3, 3]);
    expect(f.level).toBeCloseTo(3, 9);
    expect(f.sse).toBeCloseTo(0, 9);
  });
  it('the SSE at the chosen α is no worse than at a grid of other α (with ℓ₀ re-optimised)', () => {
    const y = noise(80, 5).map((v, t) => v + 0.3 * t);
    const best = fitSes(y).sse;
    for (let a = 0.01; a < 1; a += 0.07) {
      // SSE with α = a and the best ℓ₀ from a fine scan around the data range
      let lo = Number.POSITIVE_INFINITY;
      for (let l0 = 80; l0 <= 130; l0 += 0.05) {
        let l = l0;
        let s = 0;
        for (const v of y) {
          s += (v - l) ** 2;
          l += a * (v - l);
        }
        lo = Math.min(lo, s);
      }
      expect(best).toBeLessThanOrEqual(lo + 1e-6);
    }
  });
});

describe('theta degenerate input', () => {
  it('constant series: flat forecast, zero-width intervals', () => {
    const f = theta({ period: 12 }).fit(new Array(40).fill(8)).predict(3);
    f.point.forEach((p) => {
      expect(p).toBeCloseTo(8, 9);
    });
    for (const iv of f.intervals) for (const l of iv.lower) expect(l).toBeCloseTo(8, 9);
  });
  it('all zeros forecast zeros', () => {
    const f = theta({ period: 12 }).fit(new Array(40).fill(0)).predict(3);
    f.point.forEach((p) => {
      expect(p).toBe(0);
    });
  });
  it('too short for the season: non-seasonal', () => {
    expect(theta({ period: 12 }).fit([1, 2, 3, 4, 5]).params.seasonal).toBe(false);
  });
  it('one point and NaN throw typed errors', () => {
    expect(() => theta().fit([1])).toThrow(expect.objectContaining({ code: 'SERIES_TOO_SHORT' }));
    expect(() => theta().fit([1, Number.NaN, 3])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
