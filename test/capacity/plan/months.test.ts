import { describe, expect, it } from 'vitest';
import { weekLabels, weeksToMonths } from '../../../src/capacity/plan/months.ts';

describe('weeksToMonths', () => {
  it('splits a week over a month end by days', () => {
    const m = weeksToMonths(Date.UTC(2025, 0, 29), [7]);
    expect(m.get('2025-01')).toBeCloseTo(3, 12);
    expect(m.get('2025-02')).toBeCloseTo(4, 12);
  });
  it('keeps the total', () => {
    const weekly = [10, 20, 30, 40, 50];
    const m = weeksToMonths(Date.UTC(2025, 2, 20), weekly);
    expect([...m.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(150, 9);
  });
  it('labels weeks by their start date', () => {
    expect(weekLabels(Date.UTC(2025, 0, 6), 2)).toEqual(['2025-01-06', '2025-01-13']);
  });
});
