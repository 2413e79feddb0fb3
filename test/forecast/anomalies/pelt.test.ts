import { describe, expect, it } from 'vitest';
import { levelShifts, pelt, robustVariance } from '../../../src/forecast/anomalies/pelt.ts';
import { HALF_ULP, mulberry32 } from '../../../src/random.ts';

function gaussian(seed: number) {
  const draw = mulberry32(seed);
  const u = () => draw() + HALF_ULP;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('pelt', () => {
  it('finds a step of 3 sd in unit noise within a few points', () => {
    const g = gaussian(7);
    const x = Array.from({ length: 400 }, (_, i) => (i >= 230 ? 3 : 0) + g());
    const r = pelt(x, { variance: 1, minSegment: 5 });
    expect(r.changepoints.length).toBe(1);
    expect(Math.abs(r.changepoints[0] - 230)).toBeLessThanOrEqual(3);
    expect(r.segments[1].mean - r.segments[0].mean).toBeGreaterThan(2.5);
  });

  it('finds no change in pure noise for most seeds (MBIC penalty)', () => {
    let alarms = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const g = gaussian(seed);
      const x = Array.from({ length: 500 }, () => g());
      alarms += pelt(x, { minSegment: 3 }).changepoints.length;
    }
    // 3·log n penalty: a false split needs a likelihood-ratio statistic above ≈ 18.6, rare in 500 points.
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it('returns the exact optimum on a noiseless two-step series', () => {
    const x = [0, 0, 0, 0, 5, 5, 5, 5, 1, 1, 1, 1];
    expect(pelt(x, { variance: 1, minSegment: 2 }).changepoints).toEqual([4, 8]);
  });

  it('respects the minimum segment length (a 1-point spike is not a segment)', () => {
    const x = [0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0];
    expect(
      pelt(x, { variance: 1, minSegment: 3 }).changepoints.every((c, i, a) => (a[i + 1] ?? 11) - c >= 3),
    ).toBe(true);
  });

  it('Poisson cost finds a change of rate in counts', () => {
    const x = [...Array(50).fill(2), ...Array(50).fill(9)];
    expect(pelt(x, { cost: 'poisson' }).changepoints).toEqual([50]);
  });

  it('robustVariance ignores a step: (1.4826 · MAD of differences)² / 2', () => {
    // differences: ±1 alternating and one jump of 9; median 1, MAD = 0 around 1? compute: d = [1,-1,1,-1,1,9,1,-1,1]
    // median(d) = 1, |d − 1| = [0,2,0,2,0,8,0,2,0] → MAD = 0 → variance 0
    expect(robustVariance([1, 2, 1, 2, 1, 2, 11, 12, 11, 12])).toBe(0);
    // d = [1, -1, 1, -1]: median 0 (type 7 between −1 and 1), |d| all 1 → MAD 1 → 1.4826² / 2
    expect(robustVariance([0, 1, 0, 1, 0])).toBeCloseTo(1.4826 ** 2 / 2, 10);
  });
});

describe('levelShifts', () => {
  it('locates an abrupt step and its levels', () => {
    const g = gaussian(3);
    const x = Array.from({ length: 120 }, (_, i) => (i >= 70 ? 0.5 : 0) + 0.05 * g());
    const s = levelShifts(x);
    expect(s.length).toBe(1);
    expect(Math.abs(s[0].start - 70)).toBeLessThanOrEqual(1);
    expect(s[0].after - s[0].before).toBeCloseTo(0.5, 1);
  });

  it('brackets a ramp by its start and end', () => {
    const g = gaussian(5);
    const x = Array.from(
      { length: 200 },
      (_, i) => 0.6 * Math.min(1, Math.max(0, (i - 80) / 20)) + 0.03 * g(),
    );
    const s = levelShifts(x);
    expect(s.length).toBe(1);
    expect(Math.abs(s[0].start - 80)).toBeLessThanOrEqual(3);
    expect(Math.abs(s[0].end - 100)).toBeLessThanOrEqual(3);
  });

  it('drops a temporary bump (up then down within minPersist)', () => {
    const g = gaussian(9);
    const x = Array.from({ length: 150 }, (_, i) => (i >= 60 && i < 68 ? 1 : 0) + 0.05 * g());
    expect(levelShifts(x)).toEqual([]);
  });

  it('finds a step in 4,000 noisy points with a 24-point minimum segment', () => {
    const g = gaussian(11);
    const x = Array.from({ length: 4000 }, (_, i) => (i >= 2100 ? 1 : 0) + g());
    const r = pelt(x, { variance: 1, minSegment: 24 });
    expect(r.changepoints.some((c) => Math.abs(c - 2100) <= 24)).toBe(true);
  });

  describe('degenerate input', () => {
    it('empty, one point, constant', () => {
      expect(pelt([]).changepoints).toEqual([]);
      expect(pelt([4]).changepoints).toEqual([]);
      expect(pelt(Array(30).fill(2)).changepoints).toEqual([]);
      expect(levelShifts([])).toEqual([]);
      expect(levelShifts(Array(30).fill(2))).toEqual([]);
    });
    it('rejects NaN and negative counts', () => {
      expect(() => pelt([1, Number.NaN, 2])).toThrow(/non-finite/);
      expect(() => pelt([1, -1], { cost: 'poisson' })).toThrow(/counts/);
    });
  });
});

describe('levelShifts on a slow ramp', () => {
  // A launch whose volume grows linearly by +80 % over 40 days (log level log(1 + 0.8·g)) in daily noise
  // of sd 0.07 (≈ 8 sd in all), which PELT cuts into two steps more than 10 days apart.
  const rampStart = 150;
  const rampDays = 40;
  const g = gaussian(22);
  const x = Array.from(
    { length: 400 },
    (_, i) => Math.log(1 + 0.8 * Math.min(1, Math.max(0, (i - rampStart) / rampDays))) + 0.07 * g(),
  );

  it('reports the ramp as one level shift starting within 2 days of the ramp start', () => {
    const s = levelShifts(x);
    expect(s.length).toBe(1);
    expect(Math.abs(s[0].start - rampStart)).toBeLessThanOrEqual(2);
    expect(Math.abs(s[0].end - (rampStart + rampDays))).toBeLessThanOrEqual(5);
    // total change: log(1.8) = 0.588
    expect(s[0].after - s[0].before).toBeCloseTo(Math.log(1.8), 1);
  });

  it('without ramp merging the same series is a staircase', () => {
    expect(levelShifts(x, { rampWithin: 0 }).length).toBeGreaterThan(1);
  });

  it('keeps two real steps 30 days apart separate (a ramp fits them badly)', () => {
    const h = gaussian(22);
    const y = Array.from({ length: 300 }, (_, i) => (i >= 100 ? 0.3 : 0) + (i >= 130 ? 0.3 : 0) + 0.03 * h());
    const s = levelShifts(y);
    expect(s.map((v) => v.start)).toEqual([100, 130]);
  });
});
