import { describe, expect, it } from 'vitest';
import {
  bestThreshold,
  NAB_PROFILES,
  normaliseScore,
  probationLength,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  sweepRows,
  sweepThresholds,
  windowIndices,
} from '../../bench/lib/nab.ts';

// Hand computations use the identity σs(x) = 2/(1+e^{5x}) − 1 = tanh(−5x/2).
const sig = (x: number) => Math.tanh((-5 * x) / 2);
const std = NAB_PROFILES.standard;

/** A file of n rows with one detection (score 1) at each index in `hits`, 0 elsewhere. */
const detections = (n: number, hits: number[]) =>
  Array.from({ length: n }, (_, i) => (hits.includes(i) ? 1 : 0));

// n = 20 rows: probation = floor(0.15·20) = 3 (rows 0..2); one window on rows 10..13 (width 4).
const W: [number, number][] = [[10, 13]];

describe('probationLength', () => {
  it('is floor(0.15·n) for short files and 750 from 5000 rows on', () => {
    expect(probationLength(20)).toBe(3);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(22695)).toBe(750);
  });
});

describe('scaledSigmoid', () => {
  it('is tanh(−5x/2) below 3 and −1 from 3 on', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6); // NAB docstring: 0.98661
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(2.999)).toBeCloseTo(sig(2.999), 12);
    expect(scaledSigmoid(3)).toBe(-1);
  });
});

describe('scoreFile (hand-computed cases)', () => {
  it('a detection at the left edge of the window scores tpWeight', () => {
    expect(scoreFile(detections(20, [10]), W, std, 0.5)).toBeCloseTo(1, 12);
  });
  it('a detection at the right edge scores σs(−1/w)/σs(−1)', () => {
    expect(scoreFile(detections(20, [13]), W, std, 0.5)).toBeCloseTo(sig(-0.25) / sig(-1), 12); // ≈ 0.5621
  });
  it('only the earliest detection in a window counts', () => {
    expect(scoreFile(detections(20, [11, 12, 13]), W, std, 0.5)).toBeCloseTo(sig(-0.75) / sig(-1), 12);
  });
  it('an FP right after the window costs fpWeight·σs(1/(w−1)); the missed window costs fnWeight', () => {
    expect(scoreFile(detections(20, [14]), W, std, 0.5)).toBeCloseTo(-1 + 0.11 * sig(1 / 3), 12); // −1.0751
  });
  it('an FP far after the window costs about fpWeight, and exactly fpWeight from 3 widths on', () => {
    expect(scoreFile(detections(20, [19]), W, std, 0.5)).toBeCloseTo(-1 + 0.11 * sig(6 / 3), 12);
    expect(scoreFile(detections(40, [24]), [[10, 13]], std, 0.5)).toBeCloseTo(-1 - 0.11, 12); // d = 11/3 ≥ 3
  });
  it('an FP before any window costs fpWeight', () => {
    expect(scoreFile(detections(20, [5]), W, std, 0.5)).toBeCloseTo(-1.11, 12);
  });
  it('a missed window costs fnWeight in each profile', () => {
    expect(scoreFile(detections(20, []), W, std, 0.5)).toBe(-1);
    expect(scoreFile(detections(20, []), W, NAB_PROFILES.reward_low_FN_rate, 0.5)).toBe(-2);
  });
  it('detections in the probationary period are ignored', () => {
    expect(scoreFile(detections(20, [0, 1, 2]), W, std, 0.5)).toBe(-1);
    expect(scoreFile(detections(20, [3]), W, std, 0.5)).toBeCloseTo(-1.11, 12);
  });
  it('detection means score ≥ threshold', () => {
    const s = detections(20, [10]).map((v) => v * 0.7);
    expect(scoreFile(s, W, std, 0.7)).toBeCloseTo(1, 12);
    expect(scoreFile(s, W, std, 0.70001)).toBe(-1);
  });
  it('uses the profile weights (reward_low_FP_rate doubles the FP cost)', () => {
    expect(scoreFile(detections(20, [5, 10]), W, NAB_PROFILES.reward_low_FP_rate, 0.5)).toBeCloseTo(
      1 - 0.22,
      12,
    );
  });
});

describe('sweepThresholds', () => {
  it('finds the threshold a brute-force scan over every distinct score finds', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const files = [
      {
        scores: Array.from({ length: 60 }, rnd),
        windows: [[20, 25] as [number, number], [40, 44] as [number, number]],
      },
      { scores: Array.from({ length: 50 }, rnd), windows: [[30, 36] as [number, number]] },
    ];
    for (const profile of Object.values(NAB_PROFILES)) {
      const parts = files.map((f, i) => sweepRows(f.scores, f.windows, profile, i * 10));
      const swept = sweepThresholds(parts, profile);
      const thresholds = [...new Set(files.flatMap((f) => f.scores))];
      for (const t of thresholds) {
        const brute = files.reduce((s, f) => s + scoreFile(f.scores, f.windows, profile, t), 0);
        const row = swept.find((r) => r.threshold === t);
        // thresholds that only probationary rows reach are not swept
        if (row) expect(row.score).toBeCloseTo(brute, 10);
      }
      const best = bestThreshold(swept);
      const bruteBest = Math.max(
        -3 * profile.fnWeight,
        ...thresholds.map((t) => files.reduce((s, f) => s + scoreFile(f.scores, f.windows, profile, t), 0)),
      );
      expect(best.score).toBeCloseTo(bruteBest, 10);
    }
  });
  it('starts at threshold 1.1 with every window missed', () => {
    const swept = sweepThresholds([sweepRows(detections(20, [10]), W, std)], std);
    expect(swept[0]).toMatchObject({ threshold: 1.1, score: -1 });
    expect(swept[1].threshold).toBe(1);
    expect(swept[1].score).toBeCloseTo(1, 12);
  });
});

describe('normaliseScore and scoreCorpus', () => {
  it('maps the null detector to 0 and the perfect one to 100', () => {
    expect(normaliseScore(-49, 49, std)).toBe(0);
    expect(normaliseScore(49, 49, std)).toBe(100);
    expect(normaliseScore(-98, 49, NAB_PROFILES.reward_low_FN_rate)).toBe(0);
  });
  it('sweeps a constant score to "detect everything" when that pays, as NAB does', () => {
    const files = [
      { name: 'a', category: 'x', timestamps: [], values: [], windows: [[10, 13]] as [number, number][] },
    ];
    // all 17 scorable rows detected: TP at the left edge (+1), FP at rows 3..9 before the window (7 × −0.11),
    // FPs at rows 14..19 after it: 0.11·σs(d/3) for d = 1..6
    let fp = -7 * 0.11;
    for (let d = 1; d <= 6; d++) fp += 0.11 * sig(d / 3);
    const r = scoreCorpus(files, [detections(20, []).map(() => 0)], 'standard');
    expect(r.threshold).toBe(0);
    expect(r.raw).toBeCloseTo(1 + fp, 12);
  });
  it('scores a perfect and a null detector on a small corpus', () => {
    const files = [
      { name: 'a', category: 'x', timestamps: [], values: [], windows: [[10, 13]] as [number, number][] },
      {
        name: 'b',
        category: 'x',
        timestamps: [],
        values: [],
        windows: [
          [12, 15],
          [20, 22],
        ] as [number, number][],
      },
    ];
    const perfect = [detections(30, [10]), detections(30, [12, 20])];
    // NaN never reaches any threshold (a constant 0 would be swept to "detect everything", which here pays)
    const nan = (n: number, hits: number[]) => detections(n, hits).map((v) => (v === 1 ? 1 : Number.NaN));
    const none = [nan(30, []), nan(30, [])];
    expect(scoreCorpus(files, perfect, 'standard').normalised).toBeCloseTo(100, 10);
    expect(scoreCorpus(files, none, 'standard').normalised).toBe(0);
    // one window caught at its left edge and one FP before any window: raw = 1 − 1 − 1 − 0.11
    const one = [nan(30, [5, 10]), nan(30, [])];
    const r = scoreCorpus(files, one, 'standard');
    expect(r.raw).toBeCloseTo(-1.11, 10);
    expect(r.normalised).toBeCloseTo((100 * (-1.11 + 3)) / 6, 10);
  });
});

describe('windowIndices', () => {
  it('maps timestamp limits to inclusive row indices', () => {
    expect(windowIndices([0, 10, 20, 30, 40], [[10, 30]])).toEqual([[1, 3]]);
    expect(windowIndices([0, 10, 20], [[50, 60]])).toEqual([]);
  });
});
