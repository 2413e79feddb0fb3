import { describe, expect, it } from 'vitest';
import {
  type CheapestMixInput,
  cheapestMix,
  evaluateMix,
  humanCostPerItem,
  type MixChannels,
  type MixModel,
  mixFrontier,
} from '../../src/capacity/mix.ts';
import { mulberry32 } from '../../src/random.ts';
import { expectBadArgumentNamed as expectBadArgument } from './expect-bad-argument.ts';

const channels: MixChannels = {
  automatic: { costPerItem: 0.001, accuracy: 0.9, maxShare: 0.8 },
  llm: { costPerItem: 0.01, accuracy: 0.95, maxShare: 0.5 },
  human: { costPerItem: 0.3, accuracy: 0.98 },
};
const model: MixModel = { channels, qaRate: 0.1, reworkRate: 0.05 };

/** Automatic + human only (the LLM channel is switched off with maxShare 0). */
const twoChannel: MixModel = {
  channels: {
    automatic: { costPerItem: 0.001, accuracy: 0.9, maxShare: 0.8 },
    llm: { costPerItem: 0.02, accuracy: 0.99, maxShare: 0 },
    human: { costPerItem: 0.05, accuracy: 0.98 },
  },
};

describe('humanCostPerItem', () => {
  it('is AHT × cost per productive hour / 3600', () => {
    expect(humanCostPerItem(45, 24)).toBeCloseTo(0.3, 15); // 45 × 24 / 3600 = 0.3
    expect(humanCostPerItem(0, 24)).toBe(0);
  });
});

describe('evaluateMix', () => {
  it('matches hand arithmetic (QA and rework on the human share)', () => {
    const e = evaluateMix(model, { automatic: 0.5, llm: 0.3, human: 0.2 });
    // cost: 0.5 × 0.001 + 0.3 × 0.01 + 0.2 × 0.3 × (1 + 0.1 + 0.05) = 0.0005 + 0.003 + 0.069 = 0.0725
    expect(e.costPerItem).toBeCloseTo(0.0725, 14);
    // human after QA: 0.98 + 0.1 × 0.98 × 0.02 = 0.98196
    expect(e.humanEffectiveAccuracy).toBeCloseTo(0.98196, 14);
    // accuracy: 0.5 × 0.9 + 0.3 × 0.95 + 0.2 × 0.98196 = 0.45 + 0.285 + 0.196392 = 0.931392
    expect(e.expectedAccuracy).toBeCloseTo(0.931392, 14);
    // human reviews per item: 0.2 × 1.15 = 0.23
    expect(e.humanItemsPerItem).toBeCloseTo(0.23, 14);
    expect(e.shares).toEqual({ automatic: 0.5, llm: 0.3, human: 0.2 });
  });
  it('all human with no QA costs the human cost and has the human accuracy', () => {
    const e = evaluateMix({ channels }, { automatic: 0, llm: 0, human: 1 });
    expect(e.costPerItem).toBe(0.3);
    expect(e.expectedAccuracy).toBe(0.98);
    expect(e.humanItemsPerItem).toBe(1);
  });
  it('full QA makes a sampled human item wrong only when both reviewers are', () => {
    const e = evaluateMix({ channels, qaRate: 1 }, { automatic: 0, llm: 0, human: 1 });
    expect(e.expectedAccuracy).toBeCloseTo(1 - 0.02 * 0.02, 14); // 1 − (1 − 0.98)²
    expect(e.costPerItem).toBeCloseTo(0.6, 14); // every item reviewed twice
  });
  it('rejects shares that do not sum to 1 or exceed a maxShare', () => {
    expectBadArgument(() => evaluateMix(model, { automatic: 0.5, llm: 0.3, human: 0.1 }), 'shares');
    expectBadArgument(() => evaluateMix(model, { automatic: 0.9, llm: 0, human: 0.1 }), 'shares.automatic');
    expectBadArgument(() => evaluateMix(model, { automatic: 0.5, llm: 0.6, human: -0.1 }), 'shares.llm');
    expectBadArgument(
      () => evaluateMix(model, { automatic: 0.5, llm: 0.3, human: Number.NaN }),
      'shares.human',
    );
  });
  it('rejects bad channel values, naming the field', () => {
    const with_ = (patch: Partial<MixChannels['llm']>): MixModel => ({
      channels: { ...channels, llm: { ...channels.llm, ...patch } },
    });
    const s = { automatic: 0.5, llm: 0.3, human: 0.2 };
    expectBadArgument(() => evaluateMix(with_({ costPerItem: -1 }), s), 'channels.llm.costPerItem');
    expectBadArgument(() => evaluateMix(with_({ accuracy: 1.2 }), s), 'channels.llm.accuracy');
    expectBadArgument(() => evaluateMix(with_({ maxShare: Number.NaN }), s), 'channels.llm.maxShare');
    expectBadArgument(() => evaluateMix({ channels, qaRate: 2 }, s), 'qaRate');
    expectBadArgument(() => evaluateMix({ channels, reworkRate: -0.1 }, s), 'reworkRate');
    expectBadArgument(
      // 0.3 + 0.5 + 0.1 < 1: no shares can sum to 1
      () =>
        evaluateMix(
          {
            channels: {
              ...channels,
              automatic: { ...channels.automatic, maxShare: 0.3 },
              human: { ...channels.human, maxShare: 0.1 },
            },
          },
          s,
        ),
      'channels.human.maxShare',
    );
    expectBadArgument(
      () => evaluateMix({ channels: { ...channels, llm: undefined } } as unknown as MixModel, s),
      'channels.llm',
    );
  });
});

describe('cheapestMix', () => {
  it('solves a 2-channel case computed by hand', () => {
    // 0.9 x + 0.98 (1 − x) ≥ 0.95 ⇔ x ≤ 0.375; cost 0.001 x + 0.05 (1 − x) falls with x → x = 0.375,
    // cost 0.000375 + 0.03125 = 0.031625.
    const r = cheapestMix({ ...twoChannel, qualityTarget: 0.95, volume: 10_000 });
    expect(r.feasible).toBe(true);
    if (!r.feasible) return;
    expect(r.shares.automatic).toBeCloseTo(0.375, 12);
    expect(r.shares.llm).toBe(0);
    expect(r.shares.human).toBeCloseTo(0.625, 12);
    expect(r.costPerItem).toBeCloseTo(0.031625, 12);
    expect(r.expectedAccuracy).toBeCloseTo(0.95, 12);
    expect(r.binding).toContain('qualityTarget');
    expect(r.totals?.cost).toBeCloseTo(316.25, 8);
    expect(r.totals?.humanReviews).toBeCloseTo(6250, 8);
    expect(r.totals?.automaticItems).toBeCloseTo(3750, 8);
  });
  it('stops at the automatic maxShare when the target is loose', () => {
    // target 0.9: x ≤ 1 by accuracy, so maxShare 0.8 binds; cost 0.0008 + 0.2 × 0.05 = 0.0108
    const r = cheapestMix({ ...twoChannel, qualityTarget: 0.9 });
    expect(r.feasible && r.shares.automatic).toBeCloseTo(0.8, 12);
    expect(r.feasible && r.costPerItem).toBeCloseTo(0.0108, 12);
    expect(r.feasible && r.binding).toContain('automatic.maxShare');
  });
  it('prefers the LLM over humans when it is cheaper and accurate enough (3 channels by hand)', () => {
    // Target 0.95 with the model above. Automatic at 0.8 is too inaccurate alone. At the optimum the LLM is
    // at its cap 0.5 and the target binds: 0.9 a + 0.95 × 0.5 + 0.98196 (0.5 − a) = 0.95
    // ⇔ a = (0.475 + 0.49098 − 0.95) / (0.98196 − 0.9) = 0.01598 / 0.08196.
    const r = cheapestMix({ ...model, qualityTarget: 0.95 });
    expect(r.feasible).toBe(true);
    if (!r.feasible) return;
    const a = 0.01598 / 0.08196;
    expect(r.shares.llm).toBeCloseTo(0.5, 12);
    expect(r.shares.automatic).toBeCloseTo(a, 12);
    expect(r.shares.human).toBeCloseTo(0.5 - a, 12);
    expect(r.costPerItem).toBeCloseTo(0.001 * a + 0.005 + 0.345 * (0.5 - a), 12);
    expect(r.binding.sort()).toEqual(['llm.maxShare', 'qualityTarget']);
  });
  it('reports an unreachable target with the best accuracy', () => {
    const r = cheapestMix({ ...model, qualityTarget: 0.99 });
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.bestAccuracy).toBeCloseTo(0.98196, 12); // all human, with QA: 0.98 + 0.1 × 0.98 × 0.02
    expect(r.bestShares.human).toBeCloseTo(1, 12);
    expect(r.reason).toContain('0.98196');
    expect(r.reason).toContain('0.99');
  });
  it('reaches a target exactly equal to the best accuracy', () => {
    const r = cheapestMix({ ...twoChannel, qualityTarget: 0.98 });
    expect(r.feasible && r.shares.human).toBeCloseTo(1, 12);
  });
  it('target 0 gives the cheapest mix regardless of quality', () => {
    const r = cheapestMix({ ...model, qualityTarget: 0 });
    // automatic 0.8 (cheapest), the remaining 0.2 to the LLM (cheaper than humans): 0.0008 + 0.002
    expect(r.feasible && r.costPerItem).toBeCloseTo(0.0028, 12);
  });
  it('equal accuracies everywhere (a degenerate target line) still solves', () => {
    const flat: CheapestMixInput = {
      channels: {
        automatic: { costPerItem: 0.001, accuracy: 0.9, maxShare: 0.3 },
        llm: { costPerItem: 0.01, accuracy: 0.9, maxShare: 0.3 },
        human: { costPerItem: 0.1, accuracy: 0.9 },
      },
      qualityTarget: 0.9,
    };
    const r = cheapestMix(flat);
    expect(r.feasible && r.costPerItem).toBeCloseTo(0.0003 + 0.003 + 0.04, 12);
    expect(cheapestMix({ ...flat, qualityTarget: 0.9000001 }).feasible).toBe(false);
  });
  it('bad inputs → BAD_ARGUMENT naming the field', () => {
    expectBadArgument(() => cheapestMix({ ...model, qualityTarget: 1.5 }), 'qualityTarget');
    expectBadArgument(() => cheapestMix({ ...model, qualityTarget: 0.9, volume: -1 }), 'volume');
    expectBadArgument(
      () =>
        cheapestMix({
          channels: { ...channels, automatic: { ...channels.automatic, accuracy: -0.1 } },
          qualityTarget: 0.9,
        }),
      'channels.automatic.accuracy',
    );
  });

  /** Brute force over a grid of (automatic, llm) shares; human takes the rest (human maxShare is 1 here). */
  function grid(input: CheapestMixInput, target: number, step: number) {
    const { automatic: a, llm: l, human: h } = input.channels;
    const q = input.qaRate ?? 0;
    const hAcc = h.accuracy + q * h.accuracy * (1 - h.accuracy);
    const hCost = h.costPerItem * (1 + q + (input.reworkRate ?? 0));
    const n = Math.round(1 / step);
    let minCost = Number.POSITIVE_INFINITY;
    let maxAcc = Number.NEGATIVE_INFINITY;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; i + j <= n; j++) {
        const xa = i * step;
        const xl = j * step;
        const xh = 1 - xa - xl;
        if (xa > a.maxShare || xl > l.maxShare) continue;
        const acc = xa * a.accuracy + xl * l.accuracy + xh * hAcc;
        maxAcc = Math.max(maxAcc, acc);
        if (acc < target) continue;
        minCost = Math.min(minCost, xa * a.costPerItem + xl * l.costPerItem + xh * hCost);
      }
    }
    return { minCost, maxAcc, hAcc, hCost };
  }

  it('equals a brute-force grid search to within the grid step (200 seeded random cases)', () => {
    // Sandwich: the LP optimum is no dearer than any grid point meeting the target, and flooring the LP
    // optimum's automatic and llm shares onto the grid moves each share by < step (human by < 2 step), so the
    // accuracy drops by at most δ = step (|a_auto − h'| + |a_llm − h'|) and the cost rises by at most
    // step (|c_auto − c_h'| + |c_llm − c_h'|): the grid at target − δ must find a point that cheap.
    const rng = mulberry32(20250804);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rng();
    const step = 0.01;
    let feasibleCases = 0;
    for (let c = 0; c < 200; c++) {
      const input: CheapestMixInput = {
        channels: {
          automatic: { costPerItem: u(0, 0.01), accuracy: u(0.6, 0.97), maxShare: u(0.1, 1) },
          llm: { costPerItem: u(0.005, 0.05), accuracy: u(0.7, 0.99), maxShare: u(0.1, 1) },
          human: { costPerItem: u(0.05, 0.5), accuracy: u(0.85, 0.995) },
        },
        qaRate: u(0, 0.3),
        reworkRate: u(0, 0.2),
        qualityTarget: u(0.7, 1),
      };
      const { automatic: a, llm: l } = input.channels;
      const r = cheapestMix(input);
      const g = grid(input, input.qualityTarget, step);
      const delta = step * (Math.abs(a.accuracy - g.hAcc) + Math.abs(l.accuracy - g.hAcc));
      const costSlack = step * (Math.abs(a.costPerItem - g.hCost) + Math.abs(l.costPerItem - g.hCost));
      if (!r.feasible) {
        expect(g.minCost).toBe(Number.POSITIVE_INFINITY);
        expect(r.bestAccuracy).toBeGreaterThanOrEqual(g.maxAcc - 1e-12);
        expect(r.bestAccuracy).toBeLessThanOrEqual(g.maxAcc + delta + 1e-12);
        expect(r.bestAccuracy).toBeLessThan(input.qualityTarget);
        continue;
      }
      feasibleCases++;
      const e = evaluateMix(input, r.shares);
      expect(e.costPerItem).toBeCloseTo(r.costPerItem, 12);
      expect(r.expectedAccuracy).toBeGreaterThanOrEqual(input.qualityTarget - 1e-9);
      expect(r.shares.automatic + r.shares.llm + r.shares.human).toBeCloseTo(1, 12);
      expect(r.costPerItem).toBeLessThanOrEqual(g.minCost + 1e-12);
      const relaxed = grid(input, input.qualityTarget - delta - 1e-12, step);
      expect(relaxed.minCost).toBeLessThanOrEqual(r.costPerItem + costSlack + 1e-12);
    }
    expect(feasibleCases).toBeGreaterThan(100);
  });
});

describe('mixFrontier', () => {
  it('gives one point per target, cost rising with quality, nulls where out of reach', () => {
    const pts = mixFrontier(model, [0.9, 0.92, 0.95, 0.97, 0.99]);
    expect(pts.map((p) => p.qualityTarget)).toEqual([0.9, 0.92, 0.95, 0.97, 0.99]);
    expect(pts.map((p) => p.feasible)).toEqual([true, true, true, true, false]);
    for (let i = 1; i < 4; i++) expect(pts[i].costPerItem!).toBeGreaterThanOrEqual(pts[i - 1].costPerItem!);
    expect(pts[4]).toMatchObject({ costPerItem: null, expectedAccuracy: null, humanShare: null });
    const direct = cheapestMix({ ...model, qualityTarget: 0.95 });
    expect(pts[2].costPerItem).toBe(direct.feasible ? direct.costPerItem : Number.NaN);
    expect(pts[0].costPerItem).toBeCloseTo(0.0028, 12); // below the cheapest mix's 0.91: 0.8 auto + 0.2 llm
  });
  it('rejects a target out of range, naming its index', () => {
    expectBadArgument(() => mixFrontier(model, [0.9, 1.1]), 'targets[1]');
  });
});
