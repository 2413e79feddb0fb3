import { describe, expect, it } from 'vitest';
import {
  generalizedEsd,
  runningMedian,
  shesd,
  sustainedBursts,
  tQuantile,
} from '../../../src/forecast/anomalies/shesd.ts';
import { HALF_ULP, mulberry32 } from '../../../src/random.ts';

function poissonSeries(n: number, seed: number, mean: (t: number) => number): number[] {
  const draw = mulberry32(seed);
  const u = () => draw() + HALF_ULP;
  // Normal approximation of Poisson(μ) for μ ≫ 1.
  return Array.from({ length: n }, (_, t) => {
    const mu = mean(t);
    const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(mu + Math.sqrt(mu) * z));
  });
}

const daily = (t: number) =>
  200 * (1 + 0.8 * Math.sin((2 * Math.PI * t) / 24)) * (1 + 0.15 * Math.cos((2 * Math.PI * t) / 168));

describe('tQuantile', () => {
  it('matches Student t tables', () => {
    // standard t tables: t(0.975, 30) = 2.042272, t(0.995, 20) = 2.845340, t(0.999, 100) = 3.173739
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272, 3);
    expect(tQuantile(0.995, 20)).toBeCloseTo(2.84534, 2);
    expect(tQuantile(0.999, 100)).toBeCloseTo(3.173739, 3);
  });
});

describe('generalizedEsd', () => {
  it("finds Rosner's planted outliers and nothing in clean data", () => {
    const base = Array.from({ length: 50 }, (_, i) => Math.sin(i * 1.7));
    expect(generalizedEsd(base, 5)).toEqual([]);
    const x = base.slice();
    x[10] = 12;
    x[33] = -9;
    expect(generalizedEsd(x, 5).sort((a, b) => a - b)).toEqual([10, 33]);
  });
  it('tests one side when asked', () => {
    const x = Array.from({ length: 40 }, (_, i) => Math.cos(i));
    x[5] = 20;
    x[6] = -20;
    expect(generalizedEsd(x, 4, { direction: 'pos' })).toEqual([5]);
  });
});

describe('runningMedian', () => {
  it('keeps a step sharp and ignores a lone spike', () => {
    // hand-computed: windows of 3 → [med(1,9)=5, med(1,9,2)=2, med(9,2,3)=3, med(2,3,4)=3, med(3,4)=3.5]
    expect(runningMedian([1, 9, 2, 3, 4], 3)).toEqual([5, 2, 3, 3, 3.5]);
    expect(runningMedian([0, 0, 0, 0, 5, 5, 5, 5], 5)).toEqual([0, 0, 0, 0, 5, 5, 5, 5]);
  });
});

describe('shesd', () => {
  it('finds injected spikes and does not flag the daily peaks', () => {
    const y = poissonSeries(24 * 7 * 6, 4, daily);
    const spikes = [300, 301, 302, 700, 900];
    for (const i of spikes) y[i] = Math.round(daily(i) * 3 + 100);
    const r = shesd(y, { periods: [24, 168] });
    for (const i of spikes) expect(r.anomalies).toContain(i);
    // every other flag would be a false alarm: at most a handful in 1,008 points
    expect(r.anomalies.filter((i) => !spikes.includes(i)).length).toBeLessThanOrEqual(3);
    // no flag at the daily peaks (hour 6 of each day, where sin = 1)
    const peaks = r.anomalies.filter((i) => i % 24 === 6 && !spikes.includes(i));
    expect(peaks.length).toBe(0);
  });

  it('finds a dip to near zero (an outage)', () => {
    const y = poissonSeries(24 * 7 * 4, 8, daily);
    for (let i = 400; i < 404; i++) y[i] = 1;
    const r = shesd(y, { periods: [24, 168] });
    for (let i = 400; i < 404; i++) expect(r.anomalies).toContain(i);
    expect(r.residual[401]).toBeLessThan(-2);
  });

  it('treats a known offset (e.g. a holiday) as expected, not as an anomaly', () => {
    const n = 24 * 7 * 6;
    const day = 20 * 24;
    // the whole of day 20 at half the volume: log(0.5) = −0.69 on the log1p scale
    const y = poissonSeries(n, 5, (t) => daily(t) * (t >= day && t < day + 24 ? 0.5 : 1));
    const onDay = (r: { anomalies: number[] }) => r.anomalies.filter((i) => i >= day && i < day + 24).length;
    expect(onDay(shesd(y, { periods: [24, 168] }))).toBeGreaterThan(0);
    const offset = y.map((_, t) => (t >= day && t < day + 24 ? Math.log(0.5) : 0));
    const r = shesd(y, { periods: [24, 168], offset });
    expect(onDay(r)).toBe(0);
    // the offset sits in the seasonal part (fit = level + seasonal), which drops on day 20
    expect(r.fit[day + 6] - r.seasonal[day + 6] - r.level[day + 6]).toBeCloseTo(0, 10);
    expect(r.seasonal[day + 6] - r.seasonal[day + 6 - 7 * 24]).toBeLessThan(-0.5);
  });

  describe('degenerate input', () => {
    it('short, constant, all zero, all NaN', () => {
      expect(shesd([]).anomalies).toEqual([]);
      expect(shesd([1, 2, 3]).anomalies).toEqual([]);
      expect(shesd(Array(200).fill(50), { periods: [24] }).anomalies).toEqual([]);
      expect(shesd(Array(200).fill(0), { periods: [24] }).anomalies).toEqual([]);
      expect(shesd(Array(200).fill(Number.NaN), { periods: [24] }).anomalies).toEqual([]);
    });
    it('does not test gaps', () => {
      const y = poissonSeries(24 * 14, 2, daily).map((v, i) => (i >= 100 && i < 110 ? Number.NaN : v));
      const r = shesd(y, { periods: [24] });
      expect(r.anomalies.some((i) => i >= 100 && i < 110)).toBe(false);
      expect(Number.isNaN(r.residual[105])).toBe(true);
    });
  });
});

describe('shesd robust passes', () => {
  it('a deep outage casts no false bursts on the same hour of the neighbouring days and weeks', () => {
    const n = 20 * 168;
    const mean = (t: number) =>
      3000 *
      (1 + 0.6 * Math.sin((2 * Math.PI * (t - 8)) / 24)) *
      (1 + 0.08 * Math.cos((2 * Math.PI * t) / 168));
    for (const seed of [1, 2, 3]) {
      const y = poissonSeries(n, seed, mean);
      const outage = 10 * 168 + 6 * 24 + 19; // a Sunday evening, 4 hours at 0.1 % of normal
      for (let i = outage; i < outage + 4; i++) y[i] = Math.round(y[i] * 0.001);
      const r = shesd(y, { periods: [24, 168], window: 336, alpha: 0.05 * (336 / n) });
      const inOutage = (i: number) => i >= outage - 1 && i < outage + 5;
      expect(r.anomalies.filter(inOutage).length).toBeGreaterThanOrEqual(4);
      expect(r.anomalies.filter((i) => !inOutage(i))).toEqual([]);
    }
  });
});

describe('sustainedBursts', () => {
  /** Seeded AR(1) noise with unit marginal sd. */
  function noise(n: number, seed: number, rho = 0): number[] {
    const draw = mulberry32(seed);
    const u = () => draw() + HALF_ULP;
    const out: number[] = [];
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      prev = rho * prev + Math.sqrt(1 - rho * rho) * g;
      out.push(prev);
    }
    return out;
  }

  it('finds six hours each 3 sd high that no single-point test would, and a sustained dip', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const z = noise(17_520, seed);
      for (let i = 9_000; i < 9_006; i++) z[i] += 3;
      for (let i = 12_000; i < 12_012; i++) z[i] -= 2;
      const found = sustainedBursts(z, [3, 6, 12], 0.01);
      const burst = found.filter((i) => i >= 9_000 && i < 9_006).length;
      const dip = found.filter((i) => i >= 12_000 && i < 12_012).length;
      expect(burst).toBeGreaterThanOrEqual(4);
      expect(dip).toBeGreaterThanOrEqual(8);
      // nothing beyond the reach of a window around them
      expect(found.filter((i) => !(i >= 8_989 && i < 9_017) && !(i >= 11_989 && i < 12_023))).toEqual([]);
    }
  });

  it('flags nothing in autocorrelated noise, nor at a lasting level shift', () => {
    let flagged = 0;
    for (const seed of [11, 12, 13, 14, 15]) {
      flagged += sustainedBursts(noise(17_520, seed, 0.6), [3, 6, 12], 0.01).length;
      const shifted = noise(17_520, seed + 100);
      for (let i = 8_000; i < shifted.length; i++) shifted[i] += 2.5;
      flagged += sustainedBursts(shifted, [3, 6, 12], 0.01).length;
    }
    expect(flagged).toBe(0);
  });

  it('ignores gaps and windows it cannot fill', () => {
    const z = noise(200, 7);
    for (let i = 50; i < 60; i++) z[i] = Number.NaN;
    expect(() => sustainedBursts(z, [3, 6, 100], 0.05)).not.toThrow();
    expect(sustainedBursts(z.slice(0, 5), [3], 0.05)).toEqual([]);
  });
});
