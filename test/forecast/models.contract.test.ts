import { describe, expect, it } from 'vitest';
import { ar } from '../../src/forecast/models/ar.ts';
import { auto } from '../../src/forecast/models/auto.ts';
import { snaive } from '../../src/forecast/models/snaive.ts';
import type { Model } from '../../src/forecast/types.ts';
import { assertModelContract, syntheticHourly } from './contract.ts';

const y = syntheticHourly(24 * 7 * 6, 7);

const models: Model[] = [
  snaive([24]),
  snaive([24, 168]),
  snaive([1]),
  ar(),
  auto({ candidates: [snaive([24]), ar()], horizon: 48 }),
];

describe('every model passes the contract', () => {
  for (const model of models) {
    it(`${model.name} passes the model contract`, () => {
      assertModelContract(model, y, 48, { periods: [24, 168] });
    });
  }
});

describe('snaive', () => {
  it('repeats the last season', () => {
    const f = snaive([3]).fit([1, 2, 3, 4, 5, 6]).predict(5);
    expect(f.point).toEqual([4, 5, 6, 4, 5]);
  });
  it('throws SERIES_TOO_SHORT when y is shorter than the period', () => {
    expect(() => snaive([24]).fit([1, 2, 3])).toThrow(/at least 24/);
  });
});
