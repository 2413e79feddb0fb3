import { describe, expect, it } from 'vitest';
import { applyEventEffects, type EventColumn, eventEffects } from '../../../src/forecast/events/index.ts';
import type { Forecast } from '../../../src/forecast/types.ts';

const ev = (o: Partial<EventColumn> & { name: string }): EventColumn => ({
  type: 'launch',
  column: `event:${o.name}`,
  estimable: false,
  support: 0,
  lastHistoryValue: 0,
  ...o,
});
const flat = (h: number, v: number): Forecast => ({
  point: new Array(h).fill(v),
  intervals: [{ level: 80, lower: new Array(h).fill(v * 0.8), upper: new Array(h).fill(v * 1.2) }],
});

describe('eventEffects chooses the source', () => {
  const events = [
    ev({ name: 'past-a', type: 'promotion', estimable: true, support: 7 }),
    ev({ name: 'past-b', type: 'promotion', estimable: true, support: 7 }),
    ev({ name: 'new-promo', type: 'promotion' }),
    ev({ name: 'new-launch', uplift: 0.25 }),
    ev({ name: 'new-outage', type: 'outage' }),
    ev({ name: 'weak', type: 'policy', estimable: true }),
  ];
  const estimates = { 'event:past-a': 0.2, 'event:past-b': 0.8 };
  it('estimated, file uplift, type average (geometric), none', () => {
    const out = Object.fromEntries(eventEffects({ events, estimates }).map((e) => [e.name, e]));
    expect(out['past-a']).toMatchObject({ source: 'estimated', relativeEffect: 0.2, inHistory: true });
    expect(out['new-launch']).toMatchObject({ source: 'file-uplift', relativeEffect: 0.25 });
    // exp(mean(log 1.2, log 1.8)) − 1 = sqrt(2.16) − 1
    expect(out['new-promo'].source).toBe('type-average');
    expect(out['new-promo'].relativeEffect).toBeCloseTo(Math.sqrt(1.2 * 1.8) - 1, 12);
    expect(out['new-promo'].averagedOver).toBe(2);
    expect(out['new-outage']).toMatchObject({ source: 'none', relativeEffect: 0 });
    // estimable but no estimate given (no regression fitted): falls through
    expect(out.weak.source).toBe('none');
  });
  it('falls back to the pool of other series for the type average', () => {
    const out = eventEffects({
      events: [ev({ name: 'x', type: 'outage' })],
      pool: [
        { type: 'outage', relativeEffect: -0.5, source: 'estimated' },
        { type: 'outage', relativeEffect: 0.9, source: 'file-uplift' }, // not an estimate: ignored
        { type: 'launch', relativeEffect: 1 },
      ],
    });
    expect(out[0]).toMatchObject({ source: 'type-average', relativeEffect: -0.5, averagedOver: 1 });
  });
  it('inHorizon follows the future shapes', () => {
    const out = eventEffects({
      events: [ev({ name: 'a' }), ev({ name: 'b' })],
      future: {
        names: ['event:a', 'event:b'],
        columns: [
          [0, 0, 1],
          [0, 0, 0],
        ],
      },
    });
    expect(out.map((e) => e.inHorizon)).toEqual([true, false]);
  });
});

describe('applyEventEffects', () => {
  const ts = [1, 2, 3, 4];
  it('multiplies point and bounds by (1 + effect)^shape for a future event', () => {
    const effects = eventEffects({ events: [ev({ name: 'l', uplift: 0.5 })] });
    const shapes = { names: ['event:l'], columns: [[0, 0.5, 1, 1]] };
    const { forecast, impacts } = applyEventEffects(flat(4, 100), ts, effects, shapes);
    expect(forecast.point[0]).toBe(100);
    expect(forecast.point[1]).toBeCloseTo(100 * Math.sqrt(1.5), 9);
    expect(forecast.point[3]).toBeCloseTo(150, 9);
    expect(forecast.intervals[0].lower[3]).toBeCloseTo(120, 9);
    expect(forecast.intervals[0].upper[3]).toBeCloseTo(180, 9);
    // extra volume: (150 − 100) × 2 + (122.47 − 100)
    expect(impacts[0].extraVolume).toBeCloseTo(100 + 100 * (Math.sqrt(1.5) - 1), 9);
    expect(impacts[0]).toMatchObject({ steps: 3, from: 2, to: 4, applied: true });
    expect(impacts[0].peakRelativeEffect).toBeCloseTo(0.5, 12);
  });
  it('does not re-apply a step already under way at the end of history, but reports its volume', () => {
    const effects = eventEffects({
      events: [ev({ name: 's', estimable: true, lastHistoryValue: 1 })],
      estimates: { 'event:s': 1 },
    });
    const shapes = { names: ['event:s'], columns: [[1, 1, 1, 1]] };
    const { forecast, impacts } = applyEventEffects(flat(4, 100), ts, effects, shapes);
    expect(forecast.point).toEqual([100, 100, 100, 100]);
    expect(impacts[0].extraVolume).toBeCloseTo(200, 9); // half of each step's 100 is the doubling
  });
  it('takes out a window that closes in the horizon', () => {
    const effects = eventEffects({
      events: [ev({ name: 'w', estimable: true, lastHistoryValue: 1 })],
      estimates: { 'event:w': 1 },
    });
    const shapes = { names: ['event:w'], columns: [[1, 0, 0, 0]] };
    expect(applyEventEffects(flat(4, 100), ts, effects, shapes).forecast.point).toEqual([100, 50, 50, 50]);
  });
  it('with includesEstimated leaves estimated events alone and still applies the others', () => {
    const effects = eventEffects({
      events: [ev({ name: 'est', estimable: true }), ev({ name: 'up', uplift: 1 })],
      estimates: { 'event:est': 3 },
    });
    const shapes = {
      names: ['event:est', 'event:up'],
      columns: [
        [1, 1, 1, 1],
        [0, 0, 0, 1],
      ],
    };
    const { forecast, impacts } = applyEventEffects(flat(4, 100), ts, effects, shapes, {
      includesEstimated: true,
    });
    expect(forecast.point).toEqual([100, 100, 100, 200]);
    expect(impacts.map((i) => i.applied)).toEqual([false, true]);
  });
});

describe('applyEventEffects on degenerate input', () => {
  it('no effects: the forecast is unchanged', () => {
    const f = flat(3, 7);
    expect(applyEventEffects(f, [1, 2, 3], [], { names: [], columns: [] }).forecast).toEqual(f);
  });
  it('throws BAD_ARGUMENT when the horizon and the timestamps disagree', () => {
    expect(() => applyEventEffects(flat(3, 1), [1, 2], [], { names: [], columns: [] })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
