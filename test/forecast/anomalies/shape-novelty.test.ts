import { describe, expect, it } from 'vitest';
import { createShapeNovelty } from '../../../src/forecast/anomalies/stream/shape-novelty.ts';
import { mulberry32 } from '../../../src/random.ts';

/** The nearest earlier non-overlapping window of the newest one, by brute force (mean-removed or z-normalised). */
function bruteForce(x: readonly number[], m: number, history: number, z: boolean): number {
  const t = x.length - 1;
  const win = (end: number) => {
    const w = x.slice(end - m + 1, end + 1);
    const mean = w.reduce((a, b) => a + b, 0) / m;
    const c = w.map((v) => v - mean);
    if (!z) return c;
    const sd = Math.sqrt(c.reduce((a, b) => a + b * b, 0));
    return sd === 0 ? c : c.map((v) => v / sd);
  };
  if (t - m < m - 1) return Number.NaN;
  const a = win(t);
  let best = Number.POSITIVE_INFINITY;
  for (let j = Math.max(m - 1, t - history); j <= t - m; j++) {
    const b = win(j);
    const d2 = z
      ? 2 * m * (1 - a.reduce((s, v, i) => s + v * b[i], 0))
      : a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
    best = Math.min(best, d2);
  }
  return Math.sqrt(Math.max(0, best));
}

describe('createShapeNovelty', () => {
  it('equals a brute-force left matrix profile, through compactions of its buffers', () => {
    const rnd = mulberry32(11);
    for (const [m, history, z] of [
      [4, 30, false],
      [7, 50, false],
      [5, 40, true],
    ] as const) {
      const s = createShapeNovelty(m, history, z);
      const x: number[] = [];
      for (let i = 0; i < 400; i++) {
        x.push(1000 + 10 * Math.sin(i / 3) + rnd() * 4);
        const got = s.push(x[i]);
        const want = bruteForce(x, m, history, z);
        if (Number.isNaN(want)) expect(got).toBeNaN();
        else expect(got).toBeCloseTo(want, z ? 6 : 4);
      }
    }
  });

  it('is 0 for a repeating pattern and large when the pattern changes shape', () => {
    const s = createShapeNovelty(8, 500);
    let last = 0;
    for (let i = 0; i < 300; i++) last = s.push(i % 6 < 3 ? 10 : 0);
    expect(last).toBeCloseTo(0, 9);
    const after: number[] = [];
    for (let i = 0; i < 8; i++) after.push(s.push(5 + (i % 2)));
    expect(Math.max(...after)).toBeGreaterThan(5);
  });

  it('carries a gap as the last value, and answers NaN until two windows exist', () => {
    const s = createShapeNovelty(3, 100);
    expect([1, 2, 3, 4, 5].map((v) => s.push(v)).every(Number.isNaN)).toBe(true);
    expect(s.push(6)).toBeCloseTo(0, 9); // 4,5,6 has the shape of 1,2,3
    expect(s.push(Number.NaN)).toBeGreaterThan(0); // 5,6,6
  });
});
