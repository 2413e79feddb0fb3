import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { fitEtsForm } from '../../../src/forecast/models/ets/fit.ts';
import { type EtsEndState, etsSimulate, etsVariance } from '../../../src/forecast/models/ets/forecast.ts';
import { initialStates } from '../../../src/forecast/models/ets/init.ts';
import { type EtsForm, type EtsParams, etsFilter } from '../../../src/forecast/models/ets/recursion.ts';
import { type EtsCandidate, ets } from '../../../src/forecast/models/ets.ts';
import { AIR } from '../../fixtures/air-passengers.ts';
import { assertModelContract, syntheticHourly } from '../contract.ts';

/** White noise around `level` (deterministic LCG). */
function noise(n: number, seed = 11, level = 100): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 48271) % 2147483647;
    return level + 20 * (s / 2147483647 - 0.5);
  });
}

const params = (p: Partial<EtsParams>): EtsParams => ({
  alpha: 0.5,
  beta: 0,
  gamma: 0,
  phi: 1,
  level: 0,
  slope: 0,
  season: new Float64Array(0),
  ...p,
});

function runFilter(y: number[], form: EtsForm, p: EtsParams) {
  const out = {
    fitted: new Float64Array(y.length),
    residuals: new Float64Array(y.length),
    level: 0,
    slope: 0,
    season: new Float64Array(form.season === 'N' ? 0 : form.m),
    sse: 0,
  };
  const lik = etsFilter(Float64Array.from(y), form, p, new Float64Array(form.m), out);
  return { lik, out };
}

const candidate = (cands: unknown, form: string) =>
  (cands as EtsCandidate[]).find((c) => c.form === form) as EtsCandidate;

describe('ets passes the model contract', () => {
  it('auto on a seasonal hourly count series (period 24 from the fit options)', () => {
    assertModelContract(ets(), syntheticHourly(24 * 7 * 4, 3), 48, { periods: [24, 168] });
  });
  it('multiplicative season (simulated intervals)', () => {
    assertModelContract(ets({ error: 'M', trend: 'A', season: 'M' }), AIR, 30, { periods: [12] });
  });
  it('non-seasonal and damped', () => {
    assertModelContract(ets({ trend: 'Ad' }), noise(80), 12);
  });
  it('counts with zeros (additive forms only)', () => {
    const y = syntheticHourly(24 * 10, 9, 20).map((v, t) => (t % 24 < 4 ? 0 : v));
    expect(y.some((v) => v === 0)).toBe(true);
    assertModelContract(ets(), y, 48, { periods: [24] });
  });
});

describe('state recursion (hand computations)', () => {
  it('SES with fixed α gives the exponentially weighted mean of the past', () => {
    const y = [3, 7, 4, 9, 5, 6];
    const alpha = 0.3;
    const l0 = 5;
    const { out } = runFilter(y, { error: 'A', trend: 'N', season: 'N', m: 1 }, params({ alpha, level: l0 }));
    // closed form: ŷ_{t+1} = Σ_{j<t} α(1−α)^j y_{t−j} + (1−α)^t l0
    for (let t = 0; t < y.length; t++) {
      let w = (1 - alpha) ** t * l0;
      for (let j = 0; j < t; j++) w += alpha * (1 - alpha) ** j * y[t - 1 - j];
      expect(out.fitted[t]).toBeCloseTo(w, 12);
    }
  });
  it('Holt linear (A,A,N), α = 0.5, β = 0.25, l0 = 10, b0 = 1 on y = 12, 13, 15', () => {
    // by hand: μ1 = 11, l1 = 11.5, b1 = 1.25; μ2 = 12.75, l2 = 12.875, b2 = 1.3125;
    // μ3 = 14.1875, l3 = 14.59375, b3 = 1.515625; forecasts 16.109375, 17.625
    const form: EtsForm = { error: 'A', trend: 'A', season: 'N', m: 1 };
    const { out, lik } = runFilter(
      [12, 13, 15],
      form,
      params({ alpha: 0.5, beta: 0.25, level: 10, slope: 1 }),
    );
    expect(Array.from(out.fitted)).toEqual([11, 12.75, 14.1875]);
    expect(out.level).toBeCloseTo(14.59375, 12);
    expect(out.slope).toBeCloseTo(1.515625, 12);
    // lik = n·log(SSE), SSE = 1 + 0.0625 + 0.66015625
    expect(lik).toBeCloseTo(3 * Math.log(1.72265625), 12);
    const f = ets({ error: 'A', trend: 'A', season: 'N' });
    expect(f.name).toBe('ets(A,A,N)');
  });
  it('additive season (A,N,A), m = 2, α = 0.5, γ = 0.25, l0 = 10, s = (−1, 1) on y = 9, 12, 10', () => {
    // by hand: μ = 9, 11, 9.5; l = 10, 10.5, 10.75; s = −1 → −1, 1 → 1.25, −1 → −0.875
    const form: EtsForm = { error: 'A', trend: 'N', season: 'A', m: 2 };
    const p = params({ alpha: 0.5, gamma: 0.25, level: 10, season: Float64Array.of(-1, 1) });
    const { out } = runFilter([9, 12, 10], form, p);
    expect(Array.from(out.fitted)).toEqual([9, 11, 9.5]);
    expect(out.level).toBeCloseTo(10.75, 12);
    // next step (t = 3) uses position 1, then position 0
    expect(Array.from(out.season)).toEqual([1.25, -0.875]);
  });
  it('multiplicative error adds 2·Σ log|μ| to the likelihood (M,N,N)', () => {
    // α = 0.5, l0 = 1, y = 2, 4: μ1 = 1, e1 = 1, l1 = 1.5; μ2 = 1.5, e2 = 5/3
    const { lik, out } = runFilter(
      [2, 4],
      { error: 'M', trend: 'N', season: 'N', m: 1 },
      params({ level: 1 }),
    );
    expect(out.residuals[1]).toBeCloseTo(5 / 3, 12);
    expect(lik).toBeCloseTo(2 * Math.log(1 + 25 / 9) + 2 * Math.log(1.5), 12);
  });
  it('multiplicative season (M,A,M) follows Hyndman et al. (2008) Table 2.3 in its multiplicative form', () => {
    // one step by the book's own equations: μ = (l+b)s, ε = (y−μ)/μ, l1 = (l+b)(1+αε),
    // b1 = b + β(l+b)ε, s1 = s(1+γε)
    const [l, b, s, y, a, be, g] = [50, 2, 1.2, 70, 0.4, 0.1, 0.2];
    const form: EtsForm = { error: 'M', trend: 'A', season: 'M', m: 2 };
    const p = params({ alpha: a, beta: be, gamma: g, level: l, slope: b, season: Float64Array.of(s, 2 - s) });
    const { out } = runFilter([y], form, p);
    const mu = (l + b) * s;
    const eps = (y - mu) / mu;
    expect(out.fitted[0]).toBeCloseTo(mu, 12);
    expect(out.residuals[0]).toBeCloseTo(eps, 12);
    expect(out.level).toBeCloseTo((l + b) * (1 + a * eps), 10);
    expect(out.slope).toBeCloseTo(b + be * (l + b) * eps, 10);
    expect(out.season[1]).toBeCloseTo(s * (1 + g * eps), 10);
  });
});

describe('initial states', () => {
  it('a straight line gives its intercept and slope', () => {
    const y = Float64Array.from({ length: 12 }, (_, t) => 5 + 2 * (t + 1));
    const s = initialStates(y, true, 'N', 1);
    expect(s.level).toBeCloseTo(5, 10);
    expect(s.slope).toBeCloseTo(2, 10);
  });
  it('a pure additive seasonal pattern is recovered by the classical decomposition', () => {
    const pattern = [3, -1, -2, 0];
    const y = Float64Array.from({ length: 16 }, (_, t) => 10 + pattern[t % 4]);
    const s = initialStates(y, false, 'A', 4);
    for (let j = 0; j < 4; j++) expect(s.season[j]).toBeCloseTo(pattern[j], 10);
    expect(s.level).toBeCloseTo(10, 10);
  });
});

describe('forecast variances (Hyndman et al. 2008 ch. 6)', () => {
  const end = (p: Partial<EtsEndState>): EtsEndState => ({
    alpha: 0.5,
    beta: 0.1,
    gamma: 0,
    phi: 1,
    level: 100,
    slope: 1,
    season: new Float64Array(0),
    ...p,
  });
  it('class 1 (A,A,N): v_h = σ²(1 + Σ_{j<h} (α + βj)²)', () => {
    // σ² = 2, α = 0.5, β = 0.1: v = 2, 2·(1 + 0.36), 2·(1 + 0.36 + 0.49)
    const v = etsVariance({ error: 'A', trend: 'A', season: 'N', m: 1 }, end({}), 2, new Float64Array(3));
    expect(v[0]).toBeCloseTo(2, 12);
    expect(v[1]).toBeCloseTo(2.72, 12);
    expect(v[2]).toBeCloseTo(3.7, 12);
  });
  it('class 1 (A,Ad,A) agrees with 40,000 simulated paths', () => {
    const form: EtsForm = { error: 'A', trend: 'Ad', season: 'A', m: 4 };
    const st = end({ phi: 0.9, gamma: 0.3, beta: 0.2, season: Float64Array.of(5, -5, 2, -2) });
    const h = 9;
    const v = etsVariance(form, st, 4, new Float64Array(h));
    checkAgainstSimulation(form, st, 4, h, v);
  });
  it('class 2 (M,A,N) agrees with 40,000 simulated paths', () => {
    const form: EtsForm = { error: 'M', trend: 'A', season: 'N', m: 1 };
    const st = end({ alpha: 0.3, beta: 0.05 });
    const h = 8;
    const sigma2 = 0.01;
    const point = Float64Array.from({ length: h }, (_, k) => 100 + (k + 1));
    const v = etsVariance(form, st, sigma2, point);
    checkAgainstSimulation(form, st, sigma2, h, v);
  });
  function checkAgainstSimulation(
    form: EtsForm,
    st: EtsEndState,
    sigma2: number,
    h: number,
    v: Float64Array,
  ) {
    const paths = 40000;
    const sims = etsSimulate(form, st, sigma2, h, paths, 7);
    for (let k = 0; k < h; k++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < paths; i++) {
        const x = sims[k * paths + i];
        s += x;
        ss += x * x;
      }
      const mean = s / paths;
      const variance = ss / paths - mean * mean;
      // sampling error of a variance with 40,000 normal-ish draws is about 0.7 %
      expect(Math.abs(variance / v[k] - 1)).toBeLessThan(0.05);
    }
  }
});

describe('information criteria', () => {
  it('AICc = −2·logLik + 2k + 2k(k+1)/(n−k−1), with k = 3 for (A,N,N)', () => {
    const y = noise(60);
    const p = ets({ error: 'A', trend: 'N', season: 'N' }).fit(y).params as Record<string, number>;
    expect(p.nparams).toBe(3);
    const k = 3;
    const n = 60;
    expect(p.aic).toBeCloseTo(-2 * p.logLik + 2 * k, 9);
    expect(p.aicc).toBeCloseTo(-2 * p.logLik + 2 * k + (2 * k * (k + 1)) / (n - k - 1), 9);
    expect(p.bic).toBeCloseTo(-2 * p.logLik + Math.log(n) * k, 9);
  });
  it('the chosen form has the smallest AICc of the candidate table', () => {
    const f = ets().fit(AIR, { periods: [12] });
    const cands = (f.params.candidates as EtsCandidate[]).filter((c) => c.aicc !== null);
    const min = Math.min(...cands.map((c) => c.aicc as number));
    expect(f.params.aicc).toBe(min);
    expect(candidate(f.params.candidates, f.model).aicc).toBe(min);
    // restricted search: no additive error with multiplicative season, 15 forms
    expect((f.params.candidates as EtsCandidate[]).length).toBe(15);
    expect(candidate(f.params.candidates, 'ets(A,N,M)')).toBeUndefined();
  });
});

describe('against R forecast 8.20', () => {
  // confirmed in R forecast 8.20: ets(AirPassengers) -> ETS(M,Ad,M), alpha 0.7096, beta 0.0204,
  // gamma 1e-4, phi 0.98, loglik -679.5832, AIC 1395.166, AICc 1400.638, BIC 1448.623, and these means:
  const rMean = [
    441.8018, 434.1186, 496.63, 483.2375, 483.9914, 551.0244, 613.1797, 609.3648, 530.5408, 463.0332,
    402.7478, 451.9694, 459.0139, 450.6333, 515.0797, 500.77, 501.1423, 570.0974, 633.913, 629.4938, 547.663,
    477.634, 415.1573, 465.578,
  ];
  it('auto on AirPassengers: a form at least as good by AICc, forecasts within 4 %', () => {
    const f = ets().fit(AIR, { periods: [12] });
    expect(f.model).toMatch(/^ets\(M,A[d]?,M\)$/);
    expect(f.params.aicc as number).toBeLessThanOrEqual(1400.638 + 0.5);
    const fc = f.predict(24);
    for (let k = 0; k < 24; k++) expect(Math.abs(fc.point[k] / rMean[k] - 1)).toBeLessThan(0.04);
  });
  it('fixed forms on AirPassengers reach R’s likelihood or better', () => {
    // confirmed in R forecast 8.20 (logLik):
    // ets(AirPassengers, "ANN") −863.8934 (alpha 0.9999, l 112.0948, sigma2 1144.464);
    // ets(AirPassengers, "AAN", damped = FALSE) −863.6473; "MAN" damped −833.4117; "MAM" damped −679.5832;
    // "AAA" −765.9358
    const cases: [Parameters<typeof ets>[0], number][] = [
      [{ error: 'A', trend: 'N', season: 'N' }, -863.8934],
      [{ error: 'A', trend: 'A', season: 'N' }, -863.6473],
      [{ error: 'M', trend: 'Ad', season: 'N' }, -833.4117],
      [{ error: 'M', trend: 'Ad', season: 'M' }, -679.5832],
      [{ error: 'A', trend: 'A', season: 'A' }, -765.9358],
    ];
    for (const [o, ll] of cases) {
      const p = ets(o).fit(AIR, { periods: [12] }).params;
      expect(p.logLik as number).toBeGreaterThan(ll - 0.05);
    }
    const ann = ets({ error: 'A', trend: 'N', season: 'N' }).fit(AIR).params;
    expect(ann.alpha as number).toBeCloseTo(0.9999, 3);
    expect((ann.initial as { level: number }).level).toBeCloseTo(112.0948, 0);
    expect(Math.abs((ann.sigma2 as number) / 1144.464 - 1)).toBeLessThan(0.002);
  });
  it('(A,N,N) and (M,Ad,N) intervals on AirPassengers match R’s analytical ones', () => {
    // confirmed in R forecast 8.20: ANN 95 % at h = 1: [365.6903, 498.3012], h = 12: [202.3281, 661.6635]
    const ann = ets({ error: 'A', trend: 'N', season: 'N' })
      .fit(AIR)
      .predict(12, { levels: [95] });
    expect(ann.intervals[0].lower[0]).toBeCloseTo(365.6903, 0);
    expect(ann.intervals[0].upper[0]).toBeCloseTo(498.3012, 0);
    expect(ann.intervals[0].lower[11]).toBeCloseTo(202.3281, 0);
    expect(ann.intervals[0].upper[11]).toBeCloseTo(661.6635, 0);
    // confirmed in R forecast 8.20: MAdN (class 2) 95 % at h = 12: [102.217, 764.1944]; our MLE differs a
    // little (logLik −832.6 vs −833.4), so compare within 2 % of the upper bound
    const madn = ets({ error: 'M', trend: 'Ad', season: 'N' })
      .fit(AIR)
      .predict(12, { levels: [95] });
    expect(Math.abs(madn.intervals[0].lower[11] - 102.217)).toBeLessThan(0.02 * 764.19);
    expect(Math.abs(madn.intervals[0].upper[11] - 764.1944)).toBeLessThan(0.02 * 764.19);
  });

  const m4 = [process.env.M4_DIR, '/work/shared/data/m4', join(process.cwd(), '../shared/data/m4')].find(
    (d) => d !== undefined && existsSync(join(d, 'Hourly-train.csv')),
  );
  it.skipIf(m4 === undefined)(
    'M4 hourly H1: AICc no worse than R, forecasts within 3 % on average (5 % at worst)',
    () => {
      const line = readFileSync(join(m4 as string, 'Hourly-train.csv'), 'utf8').split(/\r?\n/)[1];
      const y = line
        .split(',')
        .slice(1)
        .map((c) => c.replace(/"/g, ''))
        .filter((c) => c !== '')
        .map(Number);
      expect(y.length).toBe(700);
      // confirmed in R forecast 8.20: ets(ts(H1, frequency = 24)) -> ETS(M,Ad,M), loglik −4028.783,
      // AICc 8120.347, alpha 0.9993, beta 0.0029, gamma 0.0002, phi 0.9782; means h = 1..48:
      const r = [
        621.834, 556.3989, 510.5126, 476.1102, 453.4245, 439.3487, 438.042, 447.1141, 458.557, 497.101,
        556.3157, 625.3418, 692.224, 745.8097, 786.8141, 813.356, 824.9505, 828.9284, 825.0976, 811.5851,
        783.5319, 744.5766, 730.3158, 681.9182, 619.9796, 554.7756, 509.0554, 474.7806, 452.1857, 438.1744,
        436.8965, 445.9702, 457.4093, 495.8837, 554.983, 623.8762, 690.6368, 744.1368, 785.0875, 811.6098,
        823.2178, 827.2252, 823.439, 809.989, 782.0245, 743.1753, 728.971, 680.6898,
      ];
      const f = ets().fit(y, { periods: [24, 168] });
      expect(f.params.period).toBe(24);
      expect(f.params.aicc as number).toBeLessThanOrEqual(8120.347);
      const fc = f.predict(48);
      let mape = 0;
      for (let k = 0; k < 48; k++) {
        const d = Math.abs(fc.point[k] / r[k] - 1);
        expect(d).toBeLessThan(0.05);
        mape += d / 48;
      }
      expect(mape).toBeLessThan(0.03);
    },
  );
});

describe('options', () => {
  it('period: first integer period ≤ 24 of the fit options; longer periods mean no season', () => {
    const y = syntheticHourly(24 * 14, 2);
    expect(ets().fit(y, { periods: [24, 168] }).params.period).toBe(24);
    expect(ets({ season: 'A' }).fit(y, { periods: [168] }).model).toMatch(/,N\)$/);
    expect(ets({ period: 24, season: 'A', error: 'A', trend: 'N' }).fit(y).model).toBe('ets(A,N,A)');
  });
  it('damped: true restricts the trend to Ad; allowMultiplicative: false keeps additive forms', () => {
    const f = ets({ damped: true, allowMultiplicative: false }).fit(AIR, { periods: [12] });
    expect(f.model).toMatch(/^ets\(A,Ad,[NA]\)$/);
    expect((f.params.candidates as EtsCandidate[]).every((c) => c.form.startsWith('ets(A,Ad'))).toBe(true);
  });
  it('fixed α is kept and not counted as estimated', () => {
    const y = noise(50);
    const p = ets({ error: 'A', trend: 'N', season: 'N', alpha: 0.3 }).fit(y).params;
    expect(p.alpha).toBe(0.3);
    expect(p.nparams).toBe(2);
  });
  it('the simulation seed is an option; the same seed gives the same intervals', () => {
    const o = { error: 'M', trend: 'N', season: 'M' } as const;
    const a = ets({ ...o, seed: 1 })
      .fit(AIR, { periods: [12] })
      .predict(24, { levels: [90] });
    const b = ets({ ...o, seed: 1 })
      .fit(AIR, { periods: [12] })
      .predict(24, { levels: [90] });
    const c = ets({ ...o, seed: 2 })
      .fit(AIR, { periods: [12] })
      .predict(24, { levels: [90] });
    expect(a.intervals).toEqual(b.intervals);
    expect(a.intervals).not.toEqual(c.intervals);
    expect(a.point).toEqual(c.point);
  });
  it('init modes all fit; optimising the initial states never lowers the likelihood much', () => {
    const o = { error: 'A', trend: 'A', season: 'A' } as const;
    const none = ets({ ...o, init: 'none' }).fit(AIR, { periods: [12] }).params.logLik as number;
    const all = ets({ ...o, init: 'all' }).fit(AIR, { periods: [12] }).params.logLik as number;
    expect(all).toBeGreaterThan(none - 1);
  });
});

describe('degenerate input', () => {
  it('fewer than 4 points throws SERIES_TOO_SHORT', () => {
    expect(() => ets().fit([1, 2, 3])).toThrow(ModcapError);
    try {
      ets().fit([]);
    } catch (e) {
      expect((e as ModcapError).code).toBe('SERIES_TOO_SHORT');
    }
  });
  it('fewer points than two seasons falls back to a non-seasonal form', () => {
    const f = ets().fit(noise(30), { periods: [24] });
    expect(f.model).toMatch(/,N\)$/);
    expect(f.params.seasonFallback).toBe(true);
  });
  it('a constant series forecasts the constant with zero-width intervals', () => {
    const f = ets().fit(new Array(50).fill(7), { periods: [24] });
    const fc = f.predict(5);
    expect(fc.point).toEqual([7, 7, 7, 7, 7]);
    expect(fc.intervals[0].lower).toEqual([7, 7, 7, 7, 7]);
    expect(fc.intervals[1].upper).toEqual([7, 7, 7, 7, 7]);
  });
  it('all zeros: additive forms only, forecasts 0', () => {
    const f = ets().fit(new Array(40).fill(0));
    expect(f.predict(3).point).toEqual([0, 0, 0]);
  });
  it('multiplicative forms are excluded with zeros, and refused when asked for', () => {
    const y = noise(60).map((v, t) => (t === 10 ? 0 : v));
    const f = ets().fit(y);
    expect((f.params.candidates as EtsCandidate[]).every((c) => c.form.startsWith('ets(A'))).toBe(true);
    expect(() => ets({ error: 'M' }).fit(y)).toThrow(/strictly positive/);
  });
  it('NaN input throws BAD_ARGUMENT (the caller imputes)', () => {
    expect(() => ets().fit([1, 2, Number.NaN, 4, 5])).toThrow(/not finite/);
  });
  it('very short series: 4 points fit (A,N,N)-like forms; horizon 0 gives empty forecasts', () => {
    const f = ets().fit([10, 12, 11, 13]);
    expect(f.fitted.length).toBe(4);
    expect(f.predict(0).point).toEqual([]);
  });
  it('huge values keep finite forecasts', () => {
    const y = noise(100, 5, 1e9);
    const fc = ets().fit(y).predict(5);
    for (const v of fc.point) expect(Number.isFinite(v)).toBe(true);
  });
  it('fitEtsForm rejects a fixed α outside its bounds', () => {
    expect(() =>
      fitEtsForm(
        Float64Array.of(1, 2, 3, 4, 5),
        { error: 'A', trend: 'N', season: 'N', m: 1 },
        { alpha: 1.5 },
      ),
    ).toThrow(RangeError);
  });
});
