import { describe, expect, it } from 'vitest';
import { impute } from '../../src/forecast/impute.ts';

describe('impute', () => {
  it('fills a gap linearly between its neighbours and gives it weight 0', () => {
    expect(impute([1, Number.NaN, 3], [])).toEqual({ values: [1, 2, 3], weights: [1, 0, 1], filled: 1 });
  });
  it('fills a gap with the value one season back when it is known', () => {
    const r = impute([5, 6, 7, Number.NaN], [3]);
    expect(r.values[3]).toBe(5);
    expect(r.weights).toEqual([1, 1, 1, 0]);
  });
  it('fills leading and trailing gaps with the nearest known value', () => {
    expect(impute([Number.NaN, 4, Number.NaN], []).values).toEqual([4, 4, 4]);
  });
  it('leaves a complete series unchanged', () => {
    expect(impute([1, 2], [24])).toEqual({ values: [1, 2], weights: [1, 1], filled: 0 });
  });
  it('turns an all-missing series into zeros with zero weights', () => {
    expect(impute([Number.NaN, Number.NaN], [])).toEqual({ values: [0, 0], weights: [0, 0], filled: 2 });
  });
});
