import { describe, expect, it } from 'vitest';
import {
  type HeadcountInput,
  type HeadcountPlan,
  planHeadcount,
  weeklyAttrition,
} from '../../src/capacity/headcount.ts';
import { mulberry32 } from '../../src/random.ts';
import { expectBadArgumentNamed as expectBadArgument } from './expect-bad-argument.ts';

const constant = (w: number, v: number) => new Float64Array(w).fill(v);
const step = (w: number, from: number, before: number, after: number) =>
  Float64Array.from({ length: w }, (_, t) => (t < from ? before : after));

/** Bookkeeping every plan must satisfy, whatever the inputs. */
function checkInvariants(p: HeadcountPlan, input: HeadcountInput): void {
  const a = p.weeklyAttrition;
  let prevPaid = input.currentHeadcount;
  for (const w of p.weeks) {
    const startOfWeek = (w.week === 0 ? input.currentHeadcount : prevPaid) + w.hiresStarting;
    // hires starting before week 0 (allowFutureHiresOnly false) are already in the week-0 payroll
    if (w.week > 0 || p.decisions.every((d) => d.startWeek >= 0))
      expect(w.headcountStart).toBeCloseTo(startOfWeek, 9);
    expect(w.attritionLoss).toBeCloseTo(a * w.headcountStart, 12);
    expect(w.paidHeadcount).toBeCloseTo(w.headcountStart - w.attritionLoss, 12);
    expect(w.inTraining + w.ramping + w.tenured).toBeCloseTo(w.paidHeadcount, 9);
    expect(w.effectiveFte).toBeLessThanOrEqual(w.ramping + w.tenured + 1e-9);
    expect(w.effectiveFte).toBeGreaterThanOrEqual(w.tenured - 1e-9);
    // required = effective + overtime + surge + uncovered − surplus
    expect(w.effectiveFte + w.overtimeFte + w.surgeFte + w.uncoveredFte - w.surplusFte).toBeCloseTo(
      w.required,
      9,
    );
    for (const v of [w.overtimeFte, w.surgeFte, w.uncoveredFte, w.surplusFte])
      expect(v).toBeGreaterThanOrEqual(0);
    expect(w.surplusFte === 0 || w.overtimeFte + w.surgeFte + w.uncoveredFte === 0).toBe(true);
    expect(w.gapCause === 'none').toBe(w.overtimeFte + w.surgeFte + w.uncoveredFte === 0);
    if (input.overtime)
      expect(w.overtimeFte).toBeLessThanOrEqual(input.overtime.maxShare * w.effectiveFte + 1e-12);
    prevPaid = w.paidHeadcount;
  }
  for (const d of p.decisions) expect(d.startWeek).toBe(d.decisionWeek + p.leadTimeWeeks);
  const sum = (f: (w: HeadcountPlan['weeks'][number]) => number) => p.weeks.reduce((s, w) => s + f(w), 0);
  expect(p.totals.overtimeFteWeeks).toBeCloseTo(
    sum((w) => w.overtimeFte),
    9,
  );
  expect(p.totals.surgeFteWeeks).toBeCloseTo(
    sum((w) => w.surgeFte),
    9,
  );
  expect(p.totals.uncoveredFteWeeks).toBeCloseTo(
    sum((w) => w.uncoveredFte),
    9,
  );
  expect(p.totals.hires).toBeCloseTo(
    p.decisions.reduce((s, d) => s + d.hires, 0),
    12,
  );
}

describe('weeklyAttrition', () => {
  it('is 1 − (1 − m)^(12/52)', () => {
    expect(weeklyAttrition(0)).toBe(0);
    expect(weeklyAttrition(1)).toBe(1);
    expect(weeklyAttrition(0.05)).toBeCloseTo(1 - 0.95 ** (12 / 52), 15);
    // 52 weeks of the weekly rate compound to 12 months of the monthly one
    expect((1 - weeklyAttrition(0.05)) ** 52).toBeCloseTo(0.95 ** 12, 12);
  });
  it('rejects a monthly rate outside [0, 1]', () => {
    expectBadArgument(() => weeklyAttrition(1.2), 'monthlyAttrition');
    expectBadArgument(() => weeklyAttrition(Number.NaN), 'monthlyAttrition');
  });
});

describe('planHeadcount', () => {
  it('required constant = current and no attrition → no hires, nothing uncovered', () => {
    const input = {
      required: constant(12, 10),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 2,
      trainingWeeks: 1,
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    expect(p.decisions).toEqual([]);
    expect(p.totals).toEqual({
      hires: 0,
      overtimeFteWeeks: 0,
      surgeFteWeeks: 0,
      uncoveredFteWeeks: 0,
      surplusFteWeeks: 0,
    });
    for (const w of p.weeks) expect([w.effectiveFte, w.paidHeadcount, w.tenured]).toEqual([10, 10, 10]);
  });

  it('5 %/month attrition over 26 weeks: hires, ramp-up gaps in weeks 6–7, supply ≥ required from week 8', () => {
    const input: HeadcountInput = {
      required: constant(26, 20),
      currentHeadcount: 20,
      monthlyAttrition: 0.05,
      leadTimeWeeks: 4,
      trainingWeeks: 2,
      rampCurve: [0.5, 0.75, 1],
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    const keep = 1 - weeklyAttrition(0.05);
    expect(p.firstReachableWeek).toBe(6); // lead 4 + training 2
    expect(p.totals.hires).toBeGreaterThan(0);
    for (const w of p.weeks) {
      if (w.week < 6) {
        // nobody hired can work yet: the initial 20 decay, the rest is uncovered (no overtime / surge given)
        expect(w.effectiveFte).toBeCloseTo(20 * keep ** (w.week + 1), 12);
        expect(w.uncoveredFte).toBeCloseTo(20 - 20 * keep ** (w.week + 1), 12);
        expect(w.gapCause).toBe('too-soon');
      } else if (w.week < 8) {
        // the week-0 hires are on payroll but ramping (0.5, 0.75): any gap is a ramp-up gap, not more hiring
        // (week 6: 19.86 of 20; in week 7 the hire decided in week 0 for week 8 already helps)
        expect(['ramp', 'none']).toContain(w.gapCause);
        if (w.week === 6) expect(w.gapCause).toBe('ramp');
      } else {
        expect(w.effectiveFte).toBeGreaterThanOrEqual(w.required - 1e-9);
        expect(w.uncoveredFte).toBe(0);
      }
    }
    // Week 6 is first short: hire in week 0 (start week 4, training 4–5), sized on fully productive people
    // with survival keep^3: n = ceil(20 (1 − keep^7) / keep^3) = ceil(1.65) = 2 (not 4 at the 0.5 ramp-up).
    const first = p.decisions[0];
    expect(first).toMatchObject({ decisionWeek: 0, startWeek: 4, forWeek: 6, productivityAtForWeek: 0.5 });
    expect(first.hires).toBe(Math.ceil((20 * (1 - keep ** 7)) / keep ** 3));
    expect(first.hires).toBe(2);
    // Later needs are decided lead 4 + training 2 + 2 ramp weeks below 1 = 8 weeks ahead, fully ramped.
    const later = p.decisions.filter((d) => d.forWeek >= 8);
    expect(later.length).toBeGreaterThan(0);
    for (const d of later) {
      expect(d.decisionWeek).toBe(d.forWeek - 8);
      expect(d.productivityAtForWeek).toBe(1);
      expect(Number.isInteger(d.hires)).toBe(true);
    }
    // Week 0 also decides 1 more for week 8 (fully ramped then): 3 start in week 4, train in 4–5, ramp in 6–7
    // (0.5, 0.75) and are tenured from week 8.
    expect(p.decisions.filter((d) => d.decisionWeek === 0).reduce((a, d) => a + d.hires, 0)).toBe(3);
    expect(p.weeks[4].inTraining).toBeCloseTo(3 * keep, 12);
    expect(p.weeks[7].ramping).toBeCloseTo(3 * keep ** 4, 12);
    expect(p.weeks[7].effectiveFte).toBeCloseTo(20 * keep ** 8 + 0.75 * 3 * keep ** 4, 12);
  });

  it('a step up in week 2 with lead 4 is covered by overtime, then surge, then uncovered (exact)', () => {
    const input: HeadcountInput = {
      required: step(8, 2, 10, 15),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 4,
      trainingWeeks: 0,
      overtime: { maxShare: 0.1 },
      surge: { availableFte: 2 },
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    // weeks 2, 3: gap 5 = overtime 0.1 × 10 + surge 2 + uncovered 2; week 4: 5 hires decided in week 0 arrive
    for (const t of [2, 3])
      expect(p.weeks[t]).toMatchObject({ overtimeFte: 1, surgeFte: 2, uncoveredFte: 2 });
    expect(p.decisions).toEqual([
      { decisionWeek: 0, startWeek: 4, hires: 5, forWeek: 4, productivityAtForWeek: 1, capped: false },
    ]);
    expect(p.weeks[0].hiresDecided).toBe(5);
    expect(p.weeks[4].hiresStarting).toBe(5);
    for (const t of [4, 5, 6, 7]) expect(p.weeks[t].effectiveFte).toBe(15);
    expect(p.totals).toEqual({
      hires: 5,
      overtimeFteWeeks: 2,
      surgeFteWeeks: 4,
      uncoveredFteWeeks: 4,
      surplusFteWeeks: 0,
    });
  });

  it('takes a surge profile per week', () => {
    const p = planHeadcount({
      required: step(6, 2, 10, 15),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 4,
      trainingWeeks: 0,
      overtime: { maxShare: 0.1 },
      surge: { availableFte: Float64Array.of(9, 9, 3, 0.5, 0, 0) },
    });
    expect(p.weeks[2]).toMatchObject({ overtimeFte: 1, surgeFte: 3, uncoveredFte: 1 }); // 5 = 1 + 3 + 1
    expect(p.weeks[3]).toMatchObject({ overtimeFte: 1, surgeFte: 0.5, uncoveredFte: 3.5 }); // 5 = 1 + 0.5 + 3.5
  });

  it('with allowFutureHiresOnly false, the same step is met by a hire decided in week −2', () => {
    const input = {
      required: step(8, 2, 10, 15),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 4,
      trainingWeeks: 0,
      allowFutureHiresOnly: false,
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    expect(p.firstReachableWeek).toBe(0);
    expect(p.decisions).toEqual([
      { decisionWeek: -2, startWeek: 2, hires: 5, forWeek: 2, productivityAtForWeek: 1, capped: false },
    ]);
    expect(p.totals.uncoveredFteWeeks).toBe(0);
    expect(p.weeks.reduce((s, w) => s + w.hiresDecided, 0)).toBe(0); // decided before the plan window
  });

  it('hires before week 0 that started already count in the week-0 payroll', () => {
    // lead 1, training 2: the week-1 need is decided in week 1 − 1 − 2 = −2, starts in week −1 and trains
    // in weeks −1 and 0, so it is on the week-0 payroll as a trainee
    const p = planHeadcount({
      required: step(4, 1, 10, 11),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 1,
      trainingWeeks: 2,
      allowFutureHiresOnly: false,
    });
    expect(p.decisions[0]).toMatchObject({ decisionWeek: -2, startWeek: -1, hires: 1 });
    expect(p.weeks[0].headcountStart).toBe(11);
    expect(p.weeks[0].inTraining).toBe(1);
    expect(p.weeks[1].effectiveFte).toBe(11);
  });

  it('hires fully ramped ones lead + training + ramp weeks ahead (partially productive weeks before)', () => {
    // lead 2, training 1, ramp [0.25, 0.5, 1] (2 weeks below 1): the week-8 step is decided in week 3,
    // starts in week 5 (training), works at 0.25 in week 6, 0.5 in week 7, 1 in week 8.
    const input = {
      required: step(10, 8, 10, 12),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 2,
      trainingWeeks: 1,
      rampCurve: [0.25, 0.5, 1],
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    expect(p.decisions).toEqual([
      { decisionWeek: 3, startWeek: 5, hires: 2, forWeek: 8, productivityAtForWeek: 1, capped: false },
    ]);
    expect(p.weeks[5]).toMatchObject({ inTraining: 2, effectiveFte: 10, paidHeadcount: 12 });
    expect(p.weeks[6]).toMatchObject({ ramping: 2, effectiveFte: 10.5, surplusFte: 0.5 });
    expect(p.weeks[7]).toMatchObject({ ramping: 2, effectiveFte: 11, surplusFte: 1 });
    expect(p.weeks[8]).toMatchObject({ ramping: 0, tenured: 12, effectiveFte: 12, surplusFte: 0 });
  });

  it('too close for a full ramp: decides in week 0, sized on fully productive people; the ramp-up gap stays', () => {
    // lead 1, training 1, ramp [0.5, 1]: the week-2 step of 2 FTE is met by 2 hires (not 4 at 0.5, who would
    // be a surplus of 2 from week 3, never fired); in week 2 they give 0.5 each, so 1 FTE is a ramp-up gap.
    const input = {
      required: step(5, 2, 10, 12),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 1,
      trainingWeeks: 1,
      rampCurve: [0.5, 1],
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    expect(p.decisions).toEqual([
      { decisionWeek: 0, startWeek: 1, hires: 2, forWeek: 2, productivityAtForWeek: 0.5, capped: false },
    ]);
    expect(p.weeks[1].inTraining).toBe(2);
    expect(p.weeks[2].effectiveFte).toBe(11);
    expect(p.weeks[2].uncoveredFte).toBe(1);
    expect(p.weeks[2].gapCause).toBe('ramp');
    expect(p.weeks[3].effectiveFte).toBe(12);
    expect(p.weeks[3].surplusFte).toBe(0);
  });

  it('the headcount cap binds: hires stop at the cap, the rest → overtime, surge, uncovered', () => {
    const input = {
      required: constant(4, 15),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 0,
      trainingWeeks: 0,
      maxHeadcount: 12,
      overtime: { maxShare: 0.1 },
      surge: { availableFte: 1 },
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    expect(p.decisions).toEqual([
      { decisionWeek: 0, startWeek: 0, hires: 2, forWeek: 0, productivityAtForWeek: 1, capped: true },
    ]);
    for (const w of p.weeks) {
      // gap 3 = overtime 0.1 × 12 + surge 1 + uncovered 0.8
      expect(w.paidHeadcount).toBe(12);
      expect(w.gapCause).toBe('cap');
      expect(w.overtimeFte).toBeCloseTo(1.2, 12);
      expect(w.surgeFte).toBe(1);
      expect(w.uncoveredFte).toBeCloseTo(0.8, 12);
    }
  });

  it('the cap with attrition: refills to the cap in whole people as people leave', () => {
    const input = {
      required: constant(10, 15),
      currentHeadcount: 10,
      monthlyAttrition: 0.1,
      leadTimeWeeks: 0,
      trainingWeeks: 0,
      maxHeadcount: 12,
    };
    const p = planHeadcount(input);
    checkInvariants(p, input);
    const keep = 1 - weeklyAttrition(0.1);
    for (const w of p.weeks) expect(w.headcountStart).toBeLessThanOrEqual(12 + 1e-9);
    // week 0: 2 hires (to 12). Week t: room = 12 − 12 keep^t first reaches 1 at t = 4 (12 keep^4 = 10.89);
    // then 11.89 keep^t ≤ 11 first at t = 4 again (11.89 keep^4 = 10.79) → a hire in week 8.
    expect(12 - 12 * keep ** 3).toBeLessThan(1);
    expect(12 - 12 * keep ** 4).toBeGreaterThanOrEqual(1);
    expect(p.decisions.map((d) => [d.decisionWeek, d.hires, d.capped])).toEqual([
      [0, 2, true],
      [4, 1, true],
      [8, 1, true],
    ]);
    expect(p.weeks[4].headcountStart).toBeCloseTo(12 * keep ** 4 + 1, 12);
  });

  it('never fires, and never hires, when the current headcount is above the cap', () => {
    const p = planHeadcount({
      required: constant(3, 20),
      currentHeadcount: 15,
      monthlyAttrition: 0,
      leadTimeWeeks: 0,
      trainingWeeks: 0,
      maxHeadcount: 12,
    });
    expect(p.decisions).toEqual([]);
    expect(p.weeks.map((w) => w.paidHeadcount)).toEqual([15, 15, 15]);
    expect(p.totals.uncoveredFteWeeks).toBe(15);
    expect(p.weeks.map((w) => w.gapCause)).toEqual(['cap', 'cap', 'cap']);
  });

  it('lead time 0, no training, ramp [1]: a need is met by a hire decided that week', () => {
    const p = planHeadcount({
      required: Float64Array.of(10, 10, 12),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 0,
      trainingWeeks: 0,
      rampCurve: [1],
    });
    expect(p.decisions).toEqual([
      { decisionWeek: 2, startWeek: 2, hires: 2, forWeek: 2, productivityAtForWeek: 1, capped: false },
    ]);
    expect(p.firstReachableWeek).toBe(0);
    expect(p.weeks[2]).toMatchObject({
      hiresDecided: 2,
      hiresStarting: 2,
      effectiveFte: 12,
      uncoveredFte: 0,
    });
  });

  it('fractional required: whole hires leave a surplus; fractional hires do not', () => {
    const base = {
      required: constant(3, 10.3),
      currentHeadcount: 10,
      monthlyAttrition: 0,
      leadTimeWeeks: 0,
      trainingWeeks: 0,
    };
    const whole = planHeadcount(base);
    expect(whole.totals.hires).toBe(1);
    expect(whole.weeks[0].surplusFte).toBeCloseTo(0.7, 12);
    const frac = planHeadcount({ ...base, integerHires: false });
    expect(frac.totals.hires).toBeCloseTo(0.3, 12);
    expect(frac.totals.surplusFteWeeks).toBe(0);
    expect(frac.totals.uncoveredFteWeeks).toBe(0);
  });

  it('zero required: no hires, everybody is surplus', () => {
    const p = planHeadcount({
      required: constant(3, 0),
      currentHeadcount: 4,
      monthlyAttrition: 0,
      leadTimeWeeks: 1,
      trainingWeeks: 1,
    });
    expect(p.decisions).toEqual([]);
    expect(p.weeks.map((w) => w.surplusFte)).toEqual([4, 4, 4]);
  });

  it('an empty horizon gives an empty plan', () => {
    const p = planHeadcount({
      required: new Float64Array(0),
      currentHeadcount: 4,
      monthlyAttrition: 0.02,
      leadTimeWeeks: 1,
      trainingWeeks: 1,
    });
    expect(p.weeks).toEqual([]);
    expect(p.totals.hires).toBe(0);
  });

  it('rounds fractional lead and training weeks up', () => {
    const p = planHeadcount({
      required: step(8, 5, 1, 2),
      currentHeadcount: 1,
      monthlyAttrition: 0,
      leadTimeWeeks: 2.5,
      trainingWeeks: 0.2,
    });
    expect([p.leadTimeWeeks, p.trainingWeeks, p.firstReachableWeek]).toEqual([3, 1, 4]);
    expect(p.decisions[0]).toMatchObject({ decisionWeek: 1, startWeek: 4, forWeek: 5 });
  });

  it('seeded random plans: no gap from the first reachable week but ramp-up gaps, without a cap; the cap holds', () => {
    const rng = mulberry32(4242);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    for (let c = 0; c < 60; c++) {
      const W = int(1, 40);
      const L = int(0, 6);
      const T = int(0, 4);
      const k = int(1, 5);
      const ramp = Array.from({ length: k }, () => 0.1 + 0.9 * rng()).sort((x, y) => x - y);
      ramp[k - 1] = 1;
      const f = ramp.filter((r) => r < 1).length;
      const capped = c % 2 === 1;
      const current = int(0, 30);
      const input: HeadcountInput = {
        required: Float64Array.from({ length: W }, () => 40 * rng()),
        currentHeadcount: current,
        monthlyAttrition: 0.1 * rng(),
        leadTimeWeeks: L,
        trainingWeeks: T,
        rampCurve: ramp,
        overtime: { maxShare: 0.15 * rng() },
        surge: { availableFte: 3 * rng() },
        maxHeadcount: capped ? current + int(0, 10) : undefined,
      };
      const p = planHeadcount(input);
      checkInvariants(p, input);
      for (const d of p.decisions) {
        expect(d.decisionWeek).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(d.hires) && d.hires > 0).toBe(true);
        if (d.forWeek - L - T - f >= 0) {
          expect(d.decisionWeek).toBe(d.forWeek - L - T - f);
          expect(d.productivityAtForWeek).toBe(1);
        } else {
          expect(d.decisionWeek).toBe(0);
        }
      }
      for (const w of p.weeks) {
        if (capped) expect(w.headcountStart).toBeLessThanOrEqual(input.maxHeadcount! + 1e-9);
        if (w.gapCause === 'too-soon') expect(w.week).toBeLessThan(L + T);
        if (w.gapCause === 'cap') expect(capped).toBe(true);
        else if (w.gapCause === 'ramp') expect(w.week).toBeLessThan(L + T + f);
        else if (w.week >= L + T) expect(w.effectiveFte).toBeGreaterThanOrEqual(w.required - 1e-9);
        if (w.week < L + T) expect(w.hiresStarting === 0 || w.week >= L).toBe(true);
      }
    }
  });

  it('bad inputs → BAD_ARGUMENT naming the field', () => {
    const ok: HeadcountInput = {
      required: constant(4, 10),
      currentHeadcount: 10,
      monthlyAttrition: 0.02,
      leadTimeWeeks: 2,
      trainingWeeks: 1,
    };
    expectBadArgument(() => planHeadcount({ ...ok, required: Float64Array.of(1, -2) }), 'required[1]');
    expectBadArgument(() => planHeadcount({ ...ok, required: [1, Number.NaN] }), 'required[1]');
    expectBadArgument(() => planHeadcount({ ...ok, required: 5 as unknown as number[] }), 'required');
    expectBadArgument(() => planHeadcount({ ...ok, currentHeadcount: -1 }), 'currentHeadcount');
    expectBadArgument(() => planHeadcount({ ...ok, monthlyAttrition: 1.5 }), 'monthlyAttrition');
    expectBadArgument(() => planHeadcount({ ...ok, leadTimeWeeks: -1 }), 'leadTimeWeeks');
    expectBadArgument(() => planHeadcount({ ...ok, trainingWeeks: Number.NaN }), 'trainingWeeks');
    expectBadArgument(() => planHeadcount({ ...ok, rampCurve: [] }), 'rampCurve');
    expectBadArgument(() => planHeadcount({ ...ok, rampCurve: [0.5, 1.2] }), 'rampCurve[1]');
    expectBadArgument(() => planHeadcount({ ...ok, maxHeadcount: -3 }), 'maxHeadcount');
    expectBadArgument(() => planHeadcount({ ...ok, overtime: { maxShare: 2 } }), 'overtime.maxShare');
    expectBadArgument(
      () => planHeadcount({ ...ok, surge: { availableFte: Float64Array.of(1, 2) } }),
      'surge.availableFte',
    );
    expectBadArgument(() => planHeadcount({ ...ok, surge: { availableFte: -1 } }), 'surge.availableFte');
    expectBadArgument(
      () => planHeadcount({ ...ok, integerHires: 'yes' as unknown as boolean }),
      'integerHires',
    );
  });
});
