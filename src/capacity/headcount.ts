/**
 * Headcount over time for one site × language: expected attrition, hires arriving after the lead time,
 * training and a ramp, and a greedy hiring plan that meets a weekly requirement; gaps hiring cannot reach
 * (too soon, or over the headcount cap) go to overtime, then a vendor surge, and the rest is reported.
 *
 * Week model (weeks 0 … W−1 of the plan):
 * - A hire decided in week d starts (joins the payroll) in week s = d + L (L = lead time), trains in weeks
 *   s … s+T−1 (productivity 0, paid; T = training weeks) and works at `rampCurve[r]` in week s+T+r; after the
 *   curve, at 1. So with L = T = 0 and `rampCurve` [1], a hire decided in week t is productive in week t.
 *   Fractional lead / training weeks are rounded up to whole weeks.
 * - Attrition is an expected value applied to everybody (fractional people in the projection): of the people
 *   on the payroll at the start of week t (survivors + hires starting that week), a share `a` leave during
 *   the week. Every stock reported for week t (`paidHeadcount`, `inTraining`, `ramping`, `tenured`,
 *   `effectiveFte`) counts the people left at the END of the week, after that week's attrition
 *   (conservative: a week's capacity is what survives it).
 * - The `currentHeadcount` people are on the payroll at the start of week 0, all fully productive.
 */

import { ModcapError } from '../errors.ts';

/** Inputs of {@link planHeadcount}; all plain numbers, one site × one language. */
export interface HeadcountInput {
  /** Effective FTE needed per week (fully productive equivalents, ≥ 0, may be fractional); length W. */
  required: Float64Array | ArrayLike<number>;
  /** People on the payroll at the start of week 0, all fully ramped (≥ 0). */
  currentHeadcount: number;
  /** Share of people leaving per month, a fraction in [0, 1]; weekly rate = 1 − (1 − m)^(12/52). */
  monthlyAttrition: number;
  /**
   * Productivity (fraction in [0, 1]) of a hire in tenure weeks 1 … k after training; 1 after the curve.
   * Usually ends at 1. Defaults to [1] (productive from the first week after training).
   */
  rampCurve?: readonly number[];
  /** Weeks from the hiring decision to the start date (≥ 0; rounded up to whole weeks). */
  leadTimeWeeks: number;
  /** Paid training weeks at productivity 0 after the start date (≥ 0; rounded up to whole weeks). */
  trainingWeeks: number;
  /** Most people this site can have for this language (payroll, incl. trainees); no cap when omitted. */
  maxHeadcount?: number;
  /** Overtime: up to `maxShare` (0.1 = 10 %) extra hours on top of the week's effective supply. */
  overtime?: { maxShare: number };
  /** Vendor surge capacity available at short notice, in FTE per week (one number for every week, or length W). */
  surge?: { availableFte: Float64Array | ArrayLike<number> | number };
  /** Hire whole people (default true); false gives the fractional hires a pure FTE plan would make. */
  integerHires?: boolean;
  /**
   * Only hire with decision weeks ≥ 0 (default true). When false, the plan may decide hires before week 0
   * (a "should have hired already" view): every gap is then reachable and those hires are listed in
   * `decisions` with negative decision weeks.
   */
  allowFutureHiresOnly?: boolean;
}

/** One week of a {@link HeadcountPlan}. Stocks are end-of-week (after the week's attrition). */
export interface HeadcountWeek {
  week: number;
  /** Effective FTE required (input). */
  required: number;
  /** People on the payroll at the start of the week: survivors of last week + hires starting this week. */
  headcountStart: number;
  /** Expected people leaving during the week: weekly attrition × `headcountStart`. */
  attritionLoss: number;
  /** People whose hiring is decided in this week. */
  hiresDecided: number;
  /** People whose start date is this week. */
  hiresStarting: number;
  /** People in training (productivity 0). */
  inTraining: number;
  /** People past training with productivity < 1 (ramping up). */
  ramping: number;
  /** People at full productivity. */
  tenured: number;
  /** Effective FTE supplied: tenured × 1 + Σ ramping × ramp productivity. */
  effectiveFte: number;
  /** Overtime FTE used to cover a gap (≤ overtime.maxShare × effectiveFte). */
  overtimeFte: number;
  /** Vendor surge FTE used to cover what overtime leaves (≤ surge.availableFte). */
  surgeFte: number;
  /** Gap left after hiring, overtime and surge. */
  uncoveredFte: number;
  /** Effective FTE above the requirement (never fired). */
  surplusFte: number;
  /**
   * Why hiring left a gap this week: 'too-soon' (no hire decided in week ≥ 0 is productive yet: before
   * lead + training), 'ramp' (hires are on payroll but still ramping up: hiring is sized on fully productive
   * people, so the ramp-up gap is left to overtime and surge), 'cap' (`maxHeadcount` blocked the hires),
   * 'none' (no gap).
   */
  gapCause: 'none' | 'too-soon' | 'ramp' | 'cap';
  /** People on the payroll, incl. trainees and ramping (= inTraining + ramping + tenured). */
  paidHeadcount: number;
}

/** One hiring decision of a {@link HeadcountPlan}. */
export interface HireDecision {
  /** Week the hiring decision is made (negative only when `allowFutureHiresOnly` is false). */
  decisionWeek: number;
  /** Week the hires join the payroll (decisionWeek + lead time). */
  startWeek: number;
  /** People hired (whole unless `integerHires` is false). */
  hires: number;
  /** The week whose shortfall triggered the decision. */
  forWeek: number;
  /** Productivity of these hires in `forWeek` (1 = fully ramped). */
  productivityAtForWeek: number;
  /** True when the headcount cap cut the hires below what the shortfall needed. */
  capped: boolean;
}

/** Result of {@link planHeadcount}. */
export interface HeadcountPlan {
  weeks: HeadcountWeek[];
  decisions: HireDecision[];
  totals: {
    /** People hired (all decisions, incl. any before week 0). */
    hires: number;
    overtimeFteWeeks: number;
    surgeFteWeeks: number;
    uncoveredFteWeeks: number;
    surplusFteWeeks: number;
  };
  /** The weekly attrition rate used. */
  weeklyAttrition: number;
  /** Lead time and training in whole weeks, as used. */
  leadTimeWeeks: number;
  trainingWeeks: number;
  /**
   * First week a hire decided in week 0 is productive (lead + training); earlier gaps can only be covered by
   * overtime or surge. 0 when `allowFutureHiresOnly` is false.
   */
  firstReachableWeek: number;
}

/** Tolerance (in FTE or people) for comparisons of projected, fractional quantities. */
const EPS = 1e-9;

/**
 * Weekly attrition rate equivalent to a monthly one: 1 − (1 − m)^(12/52) (a year = 12 months = 52 weeks).
 * @throws ModcapError BAD_ARGUMENT when `monthly` is not a fraction in [0, 1]
 * @example weeklyAttrition(0.05) // => 0.011767 (1 − 0.95^(12/52))
 */
export function weeklyAttrition(monthly: number): number {
  checkRange('monthlyAttrition', monthly, 0, 1);
  return 1 - (1 - monthly) ** (12 / 52);
}

interface Cohort {
  start: number;
  size: number;
}

/**
 * Projects headcount and effective FTE of one site × language over W weeks and plans the hires that meet
 * `required`.
 *
 * Hiring rule (greedy, weeks in order): if the effective supply in week t (with the hires planned so far)
 * is below `required[t]`, hire at the LATEST decision week d whose hires are fully ramped by t
 * (d = t − L − T − f, f = ramp weeks with productivity < 1, counted up to the last such week); if that d is
 * before week 0, decide in the latest week ≥ 0 giving the highest productivity at t (week 0 for a
 * non-decreasing curve) and count on the partial productivity. The number hired is the smallest integer
 * n with n × survival × productivity ≥ shortfall, where survival = (1 − a)^(t − s + 1) is the cohort's
 * expected share left at the end of week t. Hires never exceed `maxHeadcount`: the cap is checked on the
 * start-of-week payroll in every week from the start date on. Then, week by week, any gap left (too soon
 * for hiring: t < L + T; or cap-bound) is covered by overtime (≤ maxShare × effectiveFte), then surge
 * (≤ availableFte); the rest is `uncoveredFte`. Nobody is fired; an excess is `surplusFte`. Hires planned
 * for a later week may already add ramp productivity to earlier weeks; gaps are measured on the final
 * projection.
 *
 * @throws ModcapError BAD_ARGUMENT naming the field (negative / NaN values, fractions out of range,
 *   a surge array of the wrong length).
 * @example planHeadcount({ required: Float64Array.of(10, 10, 12), currentHeadcount: 10,
 *   monthlyAttrition: 0, leadTimeWeeks: 0, trainingWeeks: 0 }).decisions
 * // => [{ decisionWeek: 2, startWeek: 2, hires: 2, forWeek: 2, productivityAtForWeek: 1, capped: false }]
 */
export function planHeadcount(input: HeadcountInput): HeadcountPlan {
  const v = validate(input);
  const { required, W, a, L, T, ramp, cap, otShare, surge, integer, futureOnly } = v;
  const keep = 1 - a;
  const k = ramp.length;
  // f: post-training weeks until fully productive for good (index after the last entry < 1).
  let f = 0;
  for (let r = 0; r < k; r++) if (ramp[r] < 1) f = r + 1;
  /** Productivity in tenure week j (0-based from the start date). */
  const prod = (j: number): number => (j < T ? 0 : j - T < k ? ramp[j - T] : 1);

  const cohorts: Cohort[] = [];
  const decisions: HireDecision[] = [];
  // keep^e for every exponent used: weeks since a start date, which may be up to L + T + f before week 0.
  const keepPow = new Float64Array(W + L + T + k + 2);
  keepPow[0] = 1;
  for (let e = 1; e < keepPow.length; e++) keepPow[e] = keepPow[e - 1] * keep;
  const initialAt = (t: number) => input.currentHeadcount * keepPow[t + 1];

  // Running projections over the cohorts planned so far (each cohort adds O(W) work, not each lookup).
  /** Effective FTE at the end of week t. */
  const supply = new Float64Array(W);
  /** Payroll at the start of week t. */
  const headStart = new Float64Array(W);
  for (let t = 0; t < W; t++) {
    supply[t] = initialAt(t);
    headStart[t] = input.currentHeadcount * keepPow[t];
  }
  // Supply counting every hire past training as fully productive: hiring is sized on it, so a gap that only
  // lasts while hires ramp up is covered by overtime / surge rather than by hiring twice the people.
  const steady = Float64Array.from(supply);
  const addCohort = (c: Cohort): void => {
    cohorts.push(c);
    for (let u = Math.max(c.start, 0); u < W; u++) {
      const atStart = c.size * keepPow[u - c.start];
      headStart[u] += atStart;
      supply[u] += atStart * keep * prod(u - c.start);
      steady[u] += atStart * keep * (prod(u - c.start) > 0 ? 1 : 0);
    }
  };

  const cause: Array<'too-soon' | 'cap'> = new Array(W).fill('too-soon');
  // Pass 1: hiring decisions.
  for (let t = 0; t < W; t++) {
    const shortfall = required[t] - steady[t];
    if (shortfall <= EPS) continue;
    let d = t - L - T - f;
    if (futureOnly && d < 0) {
      // Latest week ≥ 0 with the best productivity at t; none if even week 0 is still in training.
      let best = 0;
      d = -1;
      for (let dd = t - L - T; dd >= 0; dd--) {
        const p = prod(t - dd - L);
        if (p > best + 1e-12) {
          best = p;
          d = dd;
        }
      }
      if (d < 0) continue;
    }
    const start = d + L;
    const p = prod(t - start);
    const perHire = keepPow[t - start + 1] * (p > 0 ? 1 : 0);
    if (!(perHire > 1e-12)) continue; // e.g. attrition of 100 %: nobody survives to be productive
    let n = shortfall / perHire;
    if (integer) n = Math.ceil(n - 1e-9);
    let capped = false;
    if (cap !== undefined) {
      let room = Number.POSITIVE_INFINITY;
      for (let u = Math.max(start, 0); u < W; u++) {
        const decay = keepPow[u - start];
        if (decay <= 0) break;
        room = Math.min(room, (cap - headStart[u]) / decay);
      }
      let nMax = Math.max(0, room);
      if (integer) nMax = Math.floor(nMax + 1e-9);
      if (n > nMax) {
        n = nMax;
        capped = true;
        cause[t] = 'cap';
      }
    }
    if (n <= 0) continue;
    addCohort({ start, size: n });
    decisions.push({
      decisionWeek: d,
      startWeek: start,
      hires: n,
      forWeek: t,
      productivityAtForWeek: p,
      capped,
    });
  }

  // Pass 2: the projection, and cover of the remaining gaps.
  const weeks: HeadcountWeek[] = [];
  const totals = {
    hires: 0,
    overtimeFteWeeks: 0,
    surgeFteWeeks: 0,
    uncoveredFteWeeks: 0,
    surplusFteWeeks: 0,
  };
  const decided = new Float64Array(W);
  const starting = new Float64Array(W);
  for (const c of decisions) {
    totals.hires += c.hires;
    if (c.decisionWeek >= 0) decided[c.decisionWeek] += c.hires;
    if (c.startWeek >= 0 && c.startWeek < W) starting[c.startWeek] += c.hires;
  }
  for (let t = 0; t < W; t++) {
    const headcountStart = headStart[t];
    const attritionLoss = a * headcountStart;
    const hiresDecided = decided[t];
    const hiresStarting = starting[t];
    let inTraining = 0;
    let ramping = 0;
    let tenured = initialAt(t);
    let effectiveFte = tenured;
    for (const c of cohorts) {
      if (c.start > t) continue;
      const j = t - c.start;
      const people = c.size * keepPow[j + 1];
      const p = prod(j);
      if (j < T) inTraining += people;
      else if (p < 1) ramping += people;
      else tenured += people;
      effectiveFte += people * p;
    }
    const gap = required[t] - effectiveFte;
    let overtimeFte = 0;
    let surgeFte = 0;
    let uncoveredFte = 0;
    let surplusFte = 0;
    let gapCause: HeadcountWeek['gapCause'] = 'none';
    if (gap > EPS) {
      gapCause =
        cause[t] === 'cap' ? 'cap' : t >= L + T && steady[t] >= required[t] - EPS ? 'ramp' : cause[t];
      overtimeFte = Math.min(gap, otShare * effectiveFte);
      surgeFte = Math.min(gap - overtimeFte, surge(t));
      uncoveredFte = Math.max(0, gap - overtimeFte - surgeFte);
    } else if (gap < -EPS) {
      surplusFte = -gap;
    }
    totals.overtimeFteWeeks += overtimeFte;
    totals.surgeFteWeeks += surgeFte;
    totals.uncoveredFteWeeks += uncoveredFte;
    totals.surplusFteWeeks += surplusFte;
    weeks.push({
      week: t,
      required: required[t],
      headcountStart,
      attritionLoss,
      hiresDecided,
      hiresStarting,
      inTraining,
      ramping,
      tenured,
      effectiveFte,
      overtimeFte,
      surgeFte,
      uncoveredFte,
      surplusFte,
      gapCause,
      paidHeadcount: headcountStart - attritionLoss,
    });
  }
  return {
    weeks,
    decisions,
    totals,
    weeklyAttrition: a,
    leadTimeWeeks: L,
    trainingWeeks: T,
    firstReachableWeek: futureOnly ? L + T : 0,
  };
}

interface Validated {
  required: Float64Array;
  W: number;
  a: number;
  L: number;
  T: number;
  ramp: number[];
  cap: number | undefined;
  otShare: number;
  surge: (t: number) => number;
  integer: boolean;
  futureOnly: boolean;
}

function bad(field: string, value: unknown, why: string): never {
  throw new ModcapError('BAD_ARGUMENT', `${field} ${why}, got ${formatValue(value)}`, { field, value });
}

function formatValue(v: unknown): string {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return `[${Array.from(v as ArrayLike<unknown>).join(', ')}]`;
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function checkRange(field: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    bad(field, v, `must be a number in [${lo}, ${hi}]`);
}

function checkNonNegative(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(field, v, 'must be a finite number ≥ 0');
}

function toSeries(field: string, x: unknown): Float64Array {
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number')
    bad(field, x, 'must be an array of numbers');
  const arr = Float64Array.from(x as ArrayLike<number>);
  for (let i = 0; i < arr.length; i++) {
    const e = (x as ArrayLike<unknown>)[i];
    if (typeof e !== 'number' || !Number.isFinite(e) || e < 0)
      throw new ModcapError('BAD_ARGUMENT', `${field}[${i}] must be a finite number ≥ 0, got ${String(e)}`, {
        field: `${field}[${i}]`,
        value: e,
      });
  }
  return arr;
}

function validate(input: HeadcountInput): Validated {
  if (input === null || typeof input !== 'object') bad('input', input, 'must be an object');
  const required = toSeries('required', input.required);
  const W = required.length;
  checkNonNegative('currentHeadcount', input.currentHeadcount);
  checkRange('monthlyAttrition', input.monthlyAttrition, 0, 1);
  checkNonNegative('leadTimeWeeks', input.leadTimeWeeks);
  checkNonNegative('trainingWeeks', input.trainingWeeks);
  const rampIn = input.rampCurve ?? [1];
  if (!Array.isArray(rampIn) || rampIn.length === 0)
    bad('rampCurve', rampIn, 'must be a non-empty array of productivities in [0, 1]');
  const ramp = rampIn.map((p, i) => {
    checkRange(`rampCurve[${i}]`, p, 0, 1);
    return p;
  });
  let cap: number | undefined;
  if (input.maxHeadcount !== undefined) {
    checkNonNegative('maxHeadcount', input.maxHeadcount);
    cap = input.maxHeadcount;
  }
  let otShare = 0;
  if (input.overtime !== undefined) {
    if (input.overtime === null || typeof input.overtime !== 'object')
      bad('overtime', input.overtime, 'must be an object { maxShare }');
    checkRange('overtime.maxShare', input.overtime.maxShare, 0, 1);
    otShare = input.overtime.maxShare;
  }
  let surge: (t: number) => number = () => 0;
  if (input.surge !== undefined) {
    if (input.surge === null || typeof input.surge !== 'object')
      bad('surge', input.surge, 'must be an object { availableFte }');
    const av = input.surge.availableFte;
    if (typeof av === 'number') {
      checkNonNegative('surge.availableFte', av);
      surge = () => av;
    } else {
      const arr = toSeries('surge.availableFte', av);
      if (arr.length !== W)
        bad('surge.availableFte', av, `must have one value per week (length ${W}), has length ${arr.length}`);
      surge = (t) => arr[t];
    }
  }
  const integer = input.integerHires ?? true;
  if (typeof integer !== 'boolean') bad('integerHires', integer, 'must be a boolean');
  const futureOnly = input.allowFutureHiresOnly ?? true;
  if (typeof futureOnly !== 'boolean') bad('allowFutureHiresOnly', futureOnly, 'must be a boolean');
  return {
    required,
    W,
    a: weeklyAttrition(input.monthlyAttrition),
    L: Math.max(0, Math.ceil(input.leadTimeWeeks - 1e-9)),
    T: Math.max(0, Math.ceil(input.trainingWeeks - 1e-9)),
    ramp,
    cap,
    otShare,
    surge,
    integer,
    futureOnly,
  };
}
