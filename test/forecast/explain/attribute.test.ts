import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { attributeMiss } from '../../../src/forecast/explain/attribute.ts';
import { surprise } from '../../../src/forecast/explain/surprise.ts';
import type { LeafTotal } from '../../../src/forecast/explain/types.ts';

describe('attributeMiss', () => {
  // reviews/listings × en/ja, forecast 100 each; ja rose by about 50 % in both queues
  const byLanguage: LeafTotal[] = [
    { key: { queue: 'reviews', language: 'en' }, forecast: 100, actual: 100 },
    { key: { queue: 'reviews', language: 'ja' }, forecast: 100, actual: 150 },
    { key: { queue: 'listings', language: 'en' }, forecast: 100, actual: 101 },
    { key: { queue: 'listings', language: 'ja' }, forecast: 100, actual: 149 },
  ];

  it('picks the language that moved, with EP, surprise and shares computed by hand', () => {
    const r = attributeMiss(byLanguage);
    expect(r.deviation).toBe(100);
    const top = r.explanations[0];
    expect(top.dimensions).toEqual([{ language: 'ja' }]);
    expect(top.dimensionNames).toEqual(['language']);
    // EP = (299 − 200) / (500 − 400)
    expect(top.explanatoryPower).toBeCloseTo(0.99, 12);
    // p = 200/400, q = 299/500: ½·(0.5·log2(1/1.098) + 0.598·log2(1.196/1.098)) = 0.0031589 (python)
    expect(top.surprise).toBeCloseTo(0.003158947636901152, 12);
    expect(top.surprise).toBeCloseTo(surprise(0.5, 0.598), 15);
    expect(top).toMatchObject({ forecast: 200, actual: 299, deviation: 99, complete: true });
    // |a − f| per leaf: 0, 50, 1, 49 → ja holds 99 of 100
    expect(top.shareOfMiss).toBeCloseTo(0.99, 12);
    expect(top.elements[0].changePercent).toBeCloseTo(49.5, 12);
  });

  it("keeps Adtributor's per-dimension sets, ranked by surprise", () => {
    const r = attributeMiss(byLanguage);
    // queue×language: the two ja cells, surprise(.25, .3) + surprise(.25, .298) = 0.0031600 (python);
    // language: {ja}, 0.0031589; queue: both queues (EP 0.5 each, surprise 0: the shares do not move).
    // The cells out-surprise the language although they say the same thing: why the final ranking
    // does not use total surprise across dimensions of different granularity.
    expect(r.adtributor.map((s) => s.dimensionNames.join('×'))).toEqual([
      'queue×language',
      'language',
      'queue',
    ]);
    expect(r.adtributor[0].surprise).toBeCloseTo(0.003160046244275544, 12);
    expect(r.adtributor[2].elements).toHaveLength(2);
    expect(r.adtributor[2].surprise).toBe(0);
  });

  it('picks a queue × market cell when only that cell moved', () => {
    const leaves: LeafTotal[] = [];
    let k = 0;
    for (const queue of ['reviews', 'listings']) {
      for (const market of ['US', 'JP']) {
        for (const language of ['en', 'ja']) {
          const wobble = [1, -1, 0, 2, -2, 1, 0, -1][k++];
          const actual = queue === 'reviews' && market === 'JP' ? 140 : 100 + wobble;
          leaves.push({ key: { queue, language, market }, forecast: 100, actual });
        }
      }
    }
    const r = attributeMiss(leaves);
    expect(r.explanations[0].dimensions).toEqual([{ queue: 'reviews', market: 'JP' }]);
    expect(r.explanations[0].dimensionNames).toEqual(['queue', 'market']);
    // "reviews" alone is a worse fit: its US leaves did not move (hand: ps ≈ 1 − √16/√32 ≈ 0.29)
    const queueOnly = r.explanations.find((e) => e.dimensionNames.join() === 'queue');
    expect(queueOnly?.potentialScore ?? 0).toBeLessThan(0.35);
    expect(r.explanations[0].potentialScore).toBeGreaterThan(0.9);
  });

  it('prefers the language to its cells when one column determines the other (ja ↔ JP)', () => {
    const leaves: LeafTotal[] = [
      { key: { queue: 'reviews', language: 'en', market: 'US' }, forecast: 300, actual: 302 },
      { key: { queue: 'reviews', language: 'ja', market: 'JP' }, forecast: 100, actual: 130 },
      { key: { queue: 'listings', language: 'en', market: 'US' }, forecast: 200, actual: 199 },
      { key: { queue: 'listings', language: 'ja', market: 'JP' }, forecast: 50, actual: 66 },
    ];
    const r = attributeMiss(leaves);
    expect(r.explanations[0].dimensions).toEqual([{ language: 'ja' }]);
    // market=JP covers the same series: it is not listed again
    expect(r.explanations.some((e) => e.dimensions[0].market === 'JP' && e.dimensionNames.length === 1)).toBe(
      false,
    );
  });

  it('finds two languages when each holds part of the miss', () => {
    const leaves: LeafTotal[] = ['en', 'de', 'fr', 'ja'].flatMap((language, i) =>
      ['reviews', 'listings'].map((queue, j) => ({
        key: { queue, language },
        forecast: 100,
        actual: language === 'de' ? 140 : language === 'ja' ? 130 : 100 + ((i + j) % 2),
      })),
    );
    expect(attributeMiss(leaves).explanations[0].dimensions).toEqual([
      { language: 'de' },
      { language: 'ja' },
    ]);
  });

  describe('degenerate input', () => {
    it('no leaves, or no miss: no explanations', () => {
      expect(attributeMiss([]).explanations).toEqual([]);
      expect(attributeMiss([{ key: { queue: 'a' }, forecast: 5, actual: 5 }]).explanations).toEqual([]);
    });
    it('a single series: the only dimension value explains it', () => {
      const r = attributeMiss([
        { key: { queue: 'a', language: 'en' }, forecast: 5, actual: 9 },
        { key: { queue: 'b', language: 'en' }, forecast: 5, actual: 5 },
      ]);
      expect(r.explanations[0].dimensions).toEqual([{ queue: 'a' }]);
    });
    it('zero forecast everywhere still attributes (shares of 0 count as 0)', () => {
      const r = attributeMiss([
        { key: { queue: 'a' }, forecast: 0, actual: 3 },
        { key: { queue: 'b' }, forecast: 0, actual: 0 },
      ]);
      expect(r.explanations[0].dimensions).toEqual([{ queue: 'a' }]);
    });
    it('a non-finite total is BAD_ARGUMENT', () => {
      expect(() => attributeMiss([{ key: { queue: 'a' }, forecast: Number.NaN, actual: 1 }])).toThrow(
        ModcapError,
      );
    });
  });
});
