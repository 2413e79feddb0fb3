import { describe, expect, it } from 'vitest';
import type { EventSpec } from '../../../src/forecast/events/schema.ts';
import { bestStep, classifyMiss } from '../../../src/forecast/explain/classify.ts';
import { explainMiss } from '../../../src/forecast/explain/explain.ts';
import type { ForecastRow } from '../../../src/forecast/explain/types.ts';
import type { Series } from '../../../src/forecast/types.ts';

const DAY = 86_400_000;
const START = Date.UTC(2025, 2, 1); // 2025-03-01
const DAYS = 28;

/**
 * Daily reviews × en/ja/de, forecast 100 a day each; actual = 100·(1 + lift(day)) for ja (0 for the
 * others) plus a deterministic wobble of −2..2.
 */
function scenario(lift: (day: number) => number) {
  const rows: ForecastRow[] = [];
  const actuals: Series[] = [];
  for (const language of ['en', 'ja', 'de']) {
    const key = { queue: 'reviews', language };
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let d = 0; d < DAYS; d++) {
      const t = START + d * DAY;
      timestamps.push(t);
      values.push(100 * (1 + (language === 'ja' ? lift(d) : 0)) + (((d * 7 + language.length * 3) % 5) - 2));
      rows.push({ key, timestamp: t, point: 100, intervals: [] });
    }
    actuals.push({ key, id: `reviews|${language}`, freq: 'day', timeZone: 'UTC', timestamps, values });
  }
  return { rows, actuals };
}

const promo: EventSpec = {
  name: 'ja-promo',
  type: 'promotion',
  start: '2025-03-11', // day 10
  end: '2025-03-20', // day 19, a date-only end is inclusive
  languages: ['ja'],
  shape: { kind: 'window' },
};

describe('classifyMiss', () => {
  it('event-mis-sized: the deviation sits inside a calendar event that touches the series', () => {
    const { rows, actuals } = scenario((d) => (d >= 10 && d <= 19 ? 0.3 : 0));
    const r = explainMiss(rows, actuals, { events: [promo] });
    expect(r.attribution.explanations[0].dimensions).toEqual([{ language: 'ja' }]);
    expect(r.classification.kind).toBe('event-mis-sized');
    expect(r.classification.event?.name).toBe('ja-promo');
    expect(r.classification.event?.touchedShare).toBe(1);
    // inside: 10 days at +30 % (the wobble of those days sums to 0 ± 20, so about 0.3)
    expect(r.classification.event?.changeInside).toBeCloseTo(0.3, 1);
    expect(r.classification.summary).toMatch(/ja-promo/);
  });

  it('possible-missing-event: a step with no event in the calendar, dated at its start', () => {
    const { rows, actuals } = scenario((d) => (d >= 14 ? 0.3 : 0));
    const r = explainMiss(rows, actuals, { events: [] });
    expect(r.classification.kind).toBe('possible-missing-event');
    expect(r.classification.startsAt).toBe(START + 14 * DAY); // 2025-03-15
    expect(r.classification.step?.after).toBeCloseTo(0.3, 1);
  });

  it('an event for other series does not explain a step (it is still a possible missing event)', () => {
    const { rows, actuals } = scenario((d) => (d >= 14 ? 0.3 : 0));
    const r = explainMiss(rows, actuals, { events: [{ ...promo, name: 'de-promo', languages: ['de'] }] });
    expect(r.classification.kind).toBe('possible-missing-event');
  });

  it('volume-surprise: the series ran high all along, no event, no start', () => {
    const { rows, actuals } = scenario(() => 0.2);
    const r = explainMiss(rows, actuals);
    expect(r.attribution.explanations[0].dimensions).toEqual([{ language: 'ja' }]);
    expect(r.classification.kind).toBe('volume-surprise');
  });

  it('event-mis-sized also when an ongoing step event covers the whole window', () => {
    const { rows, actuals } = scenario(() => 0.2);
    const policy: EventSpec = {
      name: 'ja-policy',
      type: 'policy',
      start: '2025-02-01',
      languages: ['ja'],
      shape: { kind: 'step' },
    };
    const r = explainMiss(rows, actuals, { events: [policy] });
    expect(r.classification).toMatchObject({
      kind: 'event-mis-sized',
      event: { name: 'ja-policy', changeOutside: 0 },
    });
  });

  describe('degenerate input', () => {
    it('no explanation is no-miss', () => {
      expect(classifyMiss(undefined, []).kind).toBe('no-miss');
    });
    it('bestStep needs 4 points and finds an exact step with infinite t', () => {
      expect(bestStep([1, 2, 3])).toBeUndefined();
      expect(bestStep([0, 0, 0, 1, 1, 1])).toMatchObject({
        k: 3,
        before: 0,
        after: 1,
        t: Number.POSITIVE_INFINITY,
      });
    });
    it('bestStep of a constant series has t = 0', () => {
      expect(bestStep([2, 2, 2, 2])?.t).toBe(0);
    });
  });
});
