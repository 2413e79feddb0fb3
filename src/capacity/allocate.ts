/**
 * Allocation of reviewer work to sites: which site serves which language in which week (and which segment of
 * the week, for real-time work), at least cost, as a mixed-integer programme solved by HiGHS (the `highs`
 * package, WebAssembly).
 *
 * Model (all hours per week; costs in the reporting currency):
 *
 * - `n[s,l,w]` headcount of site s on language l in week w (integer unless `integerHeadcount: false`);
 * - `x[s,k]` productive hours site s delivers to demand cell k = (language, week, segment?), in the demand's
 *   own unit (hours of a productivity-1 reviewer);
 * - `u[k]` unserved hours of cell k (shortfall), at `shortfallPenalty` per hour;
 * - `b[s,w]` unused committed paid hours of a vendor priced per productive hour (take-or-pay).
 *
 * Rows:
 *
 * - demand: Σ_s x[s,k] + u[k] ≥ hours(k);
 * - capacity: Σ_k x[s,k] ≤ H_s · p_{s,l} · n[s,l,w] over the cells of (l, w), where H_s is the site's
 *   productive hours per FTE-week and p its productivity in l;
 * - segment capacity: x[s,k] ≤ H_s · p_{s,l} · share_s(g) · n[s,l,w] for a cell of segment g, where
 *   share_s(g) = open hours of s in g / Σ open hours of s over its segments. A site's staff are assumed
 *   spread over its opening hours in proportion to them (a flat roster), so an FTE delivers that share of its
 *   productive hours in g; unsegmented (deferred) work may use whatever is left, in any open hour. With
 *   `roster: 'flexible'`, share_s(g) = min(1, open hours of s in g / paid hours per FTE-week): shifts follow
 *   the demand, and the bound is everyone on shift at once;
 * - site headcount: max(minHeadcount, ⌈vendorMinimumHoursPerWeek / paid hours per FTE⌉) ≤ Σ_l n[s,l,w] ≤
 *   maxHeadcount in every week (the minimum always applies, used or not);
 * - vendor commitment (vendors with a minimum and a price per productive hour): paid hours of assigned work
 *   Σ x · paid/(H·p) + b[s,w] ≥ vendorMinimumHoursPerWeek, with b charged at costPerProductiveHour · H/paid
 *   per paid hour.
 *
 * Objective: Σ costPerFteWeek · n + Σ (costPerProductiveHour + qualityWeight · (1 − qualityScore)) · x
 * + shortfallPenalty · Σ u + commitment top-ups. Headcount with no cost per FTE-week gets a tiny cost
 * (1e-3 per FTE-week) so that idle headcount is not reported.
 *
 * Solution method. No row spans two weeks, so every week is an independent model (exact decomposition;
 * 26 small models solve far faster than one large one). Per week: the LP relaxation (presolve off, dual
 * simplex), whose optimum summed over weeks is `lpBound`; then a rounding dive on the same HiGHS model:
 * each round fixes the fractional headcounts whose fraction is above a threshold that falls from 0.9 to 0
 * by 0.1 per round (lower for cheaper headcount; headcount with no cost of its own is rounded up at once),
 * rounds down instead where a site would exceed its maximum, and re-solves the LP warm so that the free
 * headcounts absorb the change; a final trim re-solves with headcount free below its rounded value and
 * takes ceilings. The result is a feasible integer plan. If the whole plan is within `mipRelGap` of
 * `lpBound`, it is provably good enough and no MIP runs; otherwise the weeks with the largest rounding loss
 * are solved as MIPs (HiGHS branch-and-cut from the rounded plan, with `mip_rel_gap`), one at a time,
 * until the total is within the target. `gap` = (objective − lpBound) / lpBound, as reported.
 *
 * The model goes to HiGHS as sparse CSR arrays (`createModel(ModelData)`), not as CPLEX LP text: nothing
 * to print and parse, and column indices are known, which the rounding needs (it changes bounds by index).
 * `exportLp: true` returns the whole model as LP text with compact names (`n_site_lang_week`,
 * `x_site_cell`, `u_cell`, `b_site_week`; indices into the problem's arrays) for inspection.
 *
 * Memory: one HiGHS runtime is loaded per process and reused; every HiGHS model (one per week, one per
 * MIP) is created inside a `try` and disposed in its `finally` (WebAssembly memory is not garbage-collected, so an undisposed model
 * leaks for the lifetime of the runtime). WebAssembly linear memory never shrinks: after a large solve it
 * stays at its high-water mark and is reused by later solves. When it exceeds {@link RELOAD_ABOVE_BYTES}
 * after a solve, the runtime is dropped and the next solve loads a fresh one (the old memory is then
 * garbage-collectable). {@link highsRuntimeInfo} reports loads, solves and memory.
 */

import highsModule, { type Highs, type InitOptions, type ModelData } from 'highs';
import { ModcapError } from '../errors.ts';

/** Productive hours needed for one language in one week (and one segment of the week, for real-time work). */
export interface AllocationDemand {
  language: string;
  /** Index into `AllocationProblem.weeks`. */
  week: number;
  /**
   * Segment of the week (a block of hours of the week) for real-time work: only sites open in it
   * (`AllocationSite.segments`) may serve it. Omitted: deferred work, any site with the language may serve it.
   */
  segment?: string;
  /** Productive hours of a productivity-1 reviewer (AHT included, shrinkage not), ≥ 0. */
  hours: number;
}

/** A site as the allocation sees it; the caller converts configuration and currencies into these numbers. */
export interface AllocationSite {
  id: string;
  kind: 'in-house' | 'vendor';
  /** Productivity per staffed language: one FTE delivers this factor of a productivity-1 FTE's hours. */
  languages: Record<string, number>;
  /** Total headcount of the site in every week is at least this (always applied, even if unused). */
  minHeadcount: number;
  maxHeadcount: number;
  /** Paid hours × (1 − shrinkage) × occupancy factor, per FTE per week. */
  productiveHoursPerFteWeek: number;
  /** Paid hours per FTE per week (for `paidHours` and the vendor minimum). */
  paidHoursPerFteWeek: number;
  /** Cost of one FTE for one week (in-house, or vendors priced per paid hour / per FTE). */
  costPerFteWeek?: number;
  /** Cost per productive hour delivered (vendors priced per hour of work or per item, converted). */
  costPerProductiveHour?: number;
  /** Quality in [0, 1]; with `qualityWeight` adds weight × (1 − quality) per hour. Omitted: no penalty. */
  qualityScore?: number;
  /** Contracted minimum paid hours per week. */
  vendorMinimumHoursPerWeek?: number;
  /**
   * Open hours per week in each segment the site is open in (segments should partition the week). Omitted:
   * the site serves only unsegmented (deferred) demand.
   */
  segments?: Record<string, number>;
  /**
   * Per language, the headcount already on staff in each week (people expected to remain, ≥ 0; length = weeks).
   * When `existingIsSunk`, their cost is paid whatever the plan (in-house staff are not laid off within the
   * horizon), so only headcount above it costs `costPerFteWeek`: the plan then uses the people it has before
   * buying elsewhere.
   */
  existingHeadcount?: Record<string, ArrayLike<number>>;
  /** Whether `existingHeadcount` is a sunk cost (default: true for in-house sites, false for vendors). */
  existingIsSunk?: boolean;
  /**
   * Per language, the most headcount the site can have in each week (≥ 0; length = weeks): e.g. today's staff
   * plus what overtime covers, before hires decided now can arrive. Work beyond it goes elsewhere or is short.
   */
  maxHeadcountByWeek?: Record<string, ArrayLike<number>>;
}

/** An allocation problem in plain numbers, in the reporting currency. */
export interface AllocationProblem {
  /** Week labels; demand refers to weeks by index. */
  weeks: string[];
  languages: string[];
  demand: AllocationDemand[];
  sites: AllocationSite[];
}

/** Options of {@link allocate}. */
export interface AllocationOptions {
  /** Whole reviewers (a MIP); false solves the LP only. Default true. */
  integerHeadcount?: boolean;
  /**
   * How a site's staff can be spread over the segments of its week:
   * - `flat` (default): in proportion to its open hours in each segment (a fixed, even roster);
   * - `flexible`: shifts follow the demand, so in a segment of h open hours an FTE can deliver up to
   *   h / paid hours of its productive week (everyone on shift at once, less shrinkage), the week's total
   *   still bounded by its productive hours. This is what a rostered real-time operation does.
   */
  roster?: 'flat' | 'flexible';
  /** Cost penalty per productive hour per unit of (1 − qualityScore). Default 0. */
  qualityWeight?: number;
  /**
   * Target gap of the integer plan to the LP bound, (objective − lpBound) / lpBound, a fraction; also the
   * `mip_rel_gap` of HiGHS where a MIP runs. Default 0.01.
   */
  mipRelGap?: number;
  /** Solver time limit in seconds for the LP and MIP together. Default none. */
  timeLimitSeconds?: number;
  /**
   * Cost per unserved hour. Default: 10 × the largest cost of one FTE-week plus one hour of work at any site
   * (so a shortfall is never cheaper than hiring one more reviewer anywhere), at least 1.
   */
  shortfallPenalty?: number;
  /** Further HiGHS options (snake_case names, e.g. `{ mip_heuristic_effort: 0.2 }`), for tuning. */
  highsOptions?: Record<string, string | number | boolean>;
  /** Also return the model as CPLEX LP text (with compact names), for inspection. Default false. */
  exportLp?: boolean;
}

/** Headcount, hours and cost of one site on one language in one week. */
export interface SiteLanguageWeek {
  site: string;
  language: string;
  /** Week index into `problem.weeks`. */
  week: number;
  headcount: number;
  /** Productive hours delivered (demand units), over all segments. */
  productiveHours: number;
  /** headcount × paid hours per FTE-week. */
  paidHours: number;
  /** costPerFteWeek × headcount + costPerProductiveHour × productiveHours. */
  cost: number;
}

/** Demand not served. */
export interface AllocationShortfall {
  language: string;
  week: number;
  segment?: string;
  /** Productive hours short. */
  hours: number;
  /**
   * `no-site-staffs-language`: no site has the language (or it is not in `problem.languages`);
   * `no-site-open-in-segment`: sites have it but none is open in the segment; `capacity`: sites are full.
   */
  reason: 'no-site-staffs-language' | 'no-site-open-in-segment' | 'capacity';
}

/** Committed vendor hours paid for but not used (vendors priced per productive hour). */
export interface UnusedCommitment {
  site: string;
  week: number;
  paidHours: number;
  cost: number;
}

/** Result of {@link allocate}. */
export interface AllocationResult {
  /**
   * `optimal`: within `mipRelGap` (or LP optimal); `time-limit` / `limit`: stopped with a feasible plan;
   * `no-solution`: stopped before any plan was found (allocations empty).
   */
  status: 'optimal' | 'time-limit' | 'limit' | 'no-solution';
  /** Rows with headcount or hours > 0, by site, language, week. */
  allocations: SiteLanguageWeek[];
  unusedCommitments: UnusedCommitment[];
  shortfalls: AllocationShortfall[];
  /** Σ allocation costs + unused commitments (no quality or shortfall penalty). */
  totalCost: number;
  /** Solver objective: cost (committed headcount included) + quality penalty + shortfall penalty (+ the tie-break cost). */
  objective: number;
  /** Optimum of the LP relaxation: a lower bound on `objective`. */
  lpBound: number;
  /** (objective − lpBound) / lpBound, ≥ 0 (0 for an LP or an empty problem). */
  gap: number;
  /** HiGHS's own best bound and gap after the MIP (undefined for an LP). */
  mipDualBound?: number;
  mipGap?: number;
  /**
   * Wall seconds: input checks and model build; LP relaxations; the integer phase (rounding, and the MIP
   * where the rounding was not within the gap); all of `allocate`.
   */
  seconds: { build: number; lp: number; integer: number; total: number };
  /** Weeks whose integer plan came from the LP rounding (provably within the gap) and from the MIP. */
  integerPlans: { byRounding: number; byMip: number };
  size: { variables: number; constraints: number; integerVariables: number; nonzeros: number };
  /** Notes on input that was ignored (e.g. a site with none of the problem's languages). */
  warnings: string[];
  lpText?: string;
}

/** When the HiGHS runtime's WebAssembly memory exceeds this after a solve, the next solve loads a fresh one. */
export const RELOAD_ABOVE_BYTES = 512 * 1024 * 1024;

// The package's types describe a CommonJS default; at run time the ES module exports the loader itself.
const highsLoader = ((highsModule as unknown as { default?: unknown }).default ?? highsModule) as (
  options?: InitOptions,
) => Promise<Highs>;

let runtime: Promise<Highs> | undefined;
let loads = 0;
let solves = 0;
let lastMemoryBytes = 0;

async function getHighs(): Promise<Highs> {
  if (runtime === undefined) {
    loads++;
    runtime = highsLoader().catch((e: unknown) => {
      runtime = undefined;
      throw e;
    });
  }
  return runtime;
}

/**
 * Counters of the shared HiGHS runtime: how many times it was loaded, how many solves ran, and the
 * WebAssembly memory capacity in bytes after the last solve (0 before the first).
 * @example highsRuntimeInfo().solves // => 0 before any allocate()
 */
export function highsRuntimeInfo(): { loads: number; solves: number; memoryBytes: number } {
  return { loads, solves, memoryBytes: lastMemoryBytes };
}

const bad = (message: string, details: Record<string, unknown> = {}) =>
  new ModcapError('BAD_ARGUMENT', message, details);

function finiteAtLeast(value: unknown, min: number, what: string, strict = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (strict && value === min))
    throw bad(`${what} must be a finite number ${strict ? '>' : '>='} ${min}, got ${String(value)}`, {
      field: what,
      value,
    });
  return value;
}

function validate(problem: AllocationProblem, options: AllocationOptions): void {
  if (!Array.isArray(problem.weeks) || problem.weeks.length === 0)
    throw bad('problem.weeks must be a non-empty array of week labels');
  if (!Array.isArray(problem.languages)) throw bad('problem.languages must be an array of language codes');
  if (new Set(problem.languages).size !== problem.languages.length)
    throw bad('problem.languages has duplicates', { value: problem.languages });
  if (!Array.isArray(problem.demand)) throw bad('problem.demand must be an array');
  if (!Array.isArray(problem.sites)) throw bad('problem.sites must be an array');
  const W = problem.weeks.length;
  problem.demand.forEach((d, i) => {
    if (typeof d.language !== 'string') throw bad(`demand[${i}].language must be a string`);
    if (!Number.isInteger(d.week) || d.week < 0 || d.week >= W)
      throw bad(`demand[${i}].week must be an index in [0, ${W - 1}], got ${String(d.week)}`, {
        value: d.week,
      });
    if (d.segment !== undefined && typeof d.segment !== 'string')
      throw bad(`demand[${i}].segment must be a string when given`);
    finiteAtLeast(d.hours, 0, `demand[${i}].hours`);
  });
  const ids = new Set<string>();
  problem.sites.forEach((s, i) => {
    const at = `sites[${i}] (${String(s.id)})`;
    if (typeof s.id !== 'string' || s.id === '') throw bad(`sites[${i}].id must be a non-empty string`);
    if (ids.has(s.id)) throw bad(`${at}: duplicate site id`, { value: s.id });
    ids.add(s.id);
    if (s.kind !== 'in-house' && s.kind !== 'vendor')
      throw bad(`${at}.kind must be 'in-house' or 'vendor'`, { value: s.kind });
    if (s.languages === null || typeof s.languages !== 'object')
      throw bad(`${at}.languages must map language → productivity`);
    for (const [l, p] of Object.entries(s.languages)) finiteAtLeast(p, 0, `${at}.languages.${l}`, true);
    const min = finiteAtLeast(s.minHeadcount, 0, `${at}.minHeadcount`);
    const max = finiteAtLeast(s.maxHeadcount, 0, `${at}.maxHeadcount`);
    if (min > max) throw bad(`${at}: minHeadcount ${min} > maxHeadcount ${max}`);
    finiteAtLeast(s.productiveHoursPerFteWeek, 0, `${at}.productiveHoursPerFteWeek`, true);
    const paid = finiteAtLeast(s.paidHoursPerFteWeek, 0, `${at}.paidHoursPerFteWeek`, true);
    if (s.costPerFteWeek === undefined && s.costPerProductiveHour === undefined)
      throw bad(`${at}: give costPerFteWeek or costPerProductiveHour (or both)`);
    if (s.costPerFteWeek !== undefined) finiteAtLeast(s.costPerFteWeek, 0, `${at}.costPerFteWeek`);
    if (s.costPerProductiveHour !== undefined)
      finiteAtLeast(s.costPerProductiveHour, 0, `${at}.costPerProductiveHour`);
    if (s.qualityScore !== undefined) {
      finiteAtLeast(s.qualityScore, 0, `${at}.qualityScore`);
      if (s.qualityScore > 1) throw bad(`${at}.qualityScore must be <= 1, got ${s.qualityScore}`);
    }
    if (s.vendorMinimumHoursPerWeek !== undefined) {
      const m = finiteAtLeast(s.vendorMinimumHoursPerWeek, 0, `${at}.vendorMinimumHoursPerWeek`);
      if (m > max * paid)
        throw bad(
          `${at}: vendorMinimumHoursPerWeek ${m} exceeds maxHeadcount × paidHoursPerFteWeek = ${max * paid}`,
        );
    }
    if (s.segments !== undefined) {
      if (s.segments === null || typeof s.segments !== 'object')
        throw bad(`${at}.segments must map segment → open hours per week`);
      for (const [g, h] of Object.entries(s.segments)) finiteAtLeast(h, 0, `${at}.segments.${g}`);
    }
  });
  if (options.qualityWeight !== undefined) finiteAtLeast(options.qualityWeight, 0, 'options.qualityWeight');
  if (options.mipRelGap !== undefined) {
    finiteAtLeast(options.mipRelGap, 0, 'options.mipRelGap');
    if (options.mipRelGap >= 1) throw bad(`options.mipRelGap must be < 1, got ${options.mipRelGap}`);
  }
  if (options.timeLimitSeconds !== undefined)
    finiteAtLeast(options.timeLimitSeconds, 0, 'options.timeLimitSeconds', true);
  if (options.shortfallPenalty !== undefined)
    finiteAtLeast(options.shortfallPenalty, 0, 'options.shortfallPenalty', true);
}

/** Tie-break cost per FTE-week of headcount that has no cost of its own. */
const IDLE_EPSILON = 1e-3;

/** Growable typed-array builder for the CSR matrix. */
class Csr {
  starts: number[] = [0];
  idx: number[] = [];
  val: number[] = [];
  lo: number[] = [];
  hi: number[] = [];
  add(lo: number, hi: number): void {
    this.lo.push(lo);
    this.hi.push(hi);
    this.starts.push(this.idx.length);
  }
  get rows(): number {
    return this.lo.length;
  }
}

/**
 * Allocate demand (productive hours per language × week × segment) to sites at least cost, with integer
 * headcount per site × language × week; see the module comment for the model.
 *
 * Throws `ModcapError` BAD_ARGUMENT for malformed input (negative hours, min > max headcount, a week index
 * out of range, a site with no cost, …). Demand in a language no site staffs is not an error: it comes back
 * in `shortfalls`.
 *
 * @example
 * const r = await allocate({
 *   weeks: ['2025-W01'], languages: ['en'], demand: [{ language: 'en', week: 0, hours: 100 }],
 *   sites: [{ id: 'a', kind: 'in-house', languages: { en: 1 }, minHeadcount: 0, maxHeadcount: 10,
 *             productiveHoursPerFteWeek: 30, paidHoursPerFteWeek: 40, costPerFteWeek: 1000 }],
 * });
 * r.allocations[0].headcount // => 4
 */
export async function allocate(
  problem: AllocationProblem,
  options: AllocationOptions = {},
): Promise<AllocationResult> {
  const t0 = performance.now();
  validate(problem, options);
  const integer = options.integerHeadcount ?? true;
  const qw = options.qualityWeight ?? 0;
  const W = problem.weeks.length;
  const L = problem.languages.length;
  const S = problem.sites.length;
  const sites = problem.sites;
  const warnings: string[] = [];
  const langIndex = new Map<string, number>();
  problem.languages.forEach((l, i) => {
    langIndex.set(l, i);
  });

  // Segments: index 0 = unsegmented.
  const segIndex = new Map<string, number>();
  const segNames: (string | undefined)[] = [undefined];
  const segOf = (g: string | undefined): number => {
    if (g === undefined) return 0;
    let i = segIndex.get(g);
    if (i === undefined) {
      i = segNames.length;
      segIndex.set(g, i);
      segNames.push(g);
    }
    return i;
  };

  // Aggregate demand cells (language, week, segment); unknown languages go straight to shortfalls.
  const directShort = new Map<string, AllocationShortfall>();
  const cellIndex = new Map<number, number>();
  const cLang: number[] = [];
  const cWeek: number[] = [];
  const cSeg: number[] = [];
  const cHours: number[] = [];
  for (const d of problem.demand) {
    if (d.hours === 0) continue;
    const li = langIndex.get(d.language);
    if (li === undefined) {
      const key = `${d.language}\u0000${d.week}\u0000${d.segment ?? ''}`;
      const prev = directShort.get(key);
      if (prev) prev.hours += d.hours;
      else
        directShort.set(key, {
          language: d.language,
          week: d.week,
          ...(d.segment !== undefined ? { segment: d.segment } : {}),
          hours: d.hours,
          reason: 'no-site-staffs-language',
        });
      continue;
    }
    const g = segOf(d.segment);
    const key = (g * W + d.week) * L + li;
    const c = cellIndex.get(key);
    if (c !== undefined) cHours[c] += d.hours;
    else {
      cellIndex.set(key, cLang.length);
      cLang.push(li);
      cWeek.push(d.week);
      cSeg.push(g);
      cHours.push(d.hours);
    }
  }
  const G = segNames.length;

  // Per site: productivity per language index, segment shares.
  const prod = new Float64Array(S * L); // 0 = not staffed
  const share = new Float64Array(S * G); // share of the site's FTE hours in segment g (g ≥ 1)
  const sitesByLang: number[][] = Array.from({ length: L }, () => []);
  sites.forEach((s, si) => {
    let any = false;
    for (const [l, p] of Object.entries(s.languages)) {
      const li = langIndex.get(l);
      if (li === undefined) continue;
      prod[si * L + li] = p;
      sitesByLang[li].push(si);
      any = true;
    }
    if (!any) {
      warnings.push(`site ${s.id} staffs none of the problem's languages; it is left out`);
      if (s.minHeadcount > 0 || (s.vendorMinimumHoursPerWeek ?? 0) > 0)
        warnings.push(`site ${s.id}: its minimum headcount / hours cannot be placed and are ignored`);
    }
    if (s.segments) {
      let total = 0;
      for (const h of Object.values(s.segments)) total += h;
      if (total > 0)
        for (const [g, h] of Object.entries(s.segments)) {
          const gi = segIndex.get(g);
          if (gi === undefined) continue;
          share[si * G + gi] =
            options.roster === 'flexible' ? Math.min(1, h / s.paidHoursPerFteWeek) : h / total;
        }
    }
  });

  // Columns: n (contiguous first, so integrality is one range), then x, u, b.
  const nBase = new Int32Array(S * L).fill(-1);
  let nCols = 0;
  for (let si = 0; si < S; si++)
    for (let li = 0; li < L; li++)
      if (prod[si * L + li] > 0) {
        nBase[si * L + li] = nCols;
        nCols += W;
      }
  const nSite = new Int32Array(nCols);
  const nLang = new Int32Array(nCols);
  const nNeed = new Float64Array(nCols); // headcount needed to serve all eligible demand (a valid upper bound)
  for (let si = 0; si < S; si++)
    for (let li = 0; li < L; li++) {
      const base = nBase[si * L + li];
      if (base < 0) continue;
      for (let w = 0; w < W; w++) {
        nSite[base + w] = si;
        nLang[base + w] = li;
      }
    }

  const colCost: number[] = [];
  const colUpper: number[] = [];
  // Headcount already paid for (sunk): n costs only above it, through a column m ≥ n − existing (added below).
  const sunk = new Float64Array(nCols);
  const reach = new Float64Array(nCols).fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < nCols; j++) {
    const s = sites[nSite[j]];
    const lang = problem.languages[nLang[j]];
    const w = j % W;
    if (s.existingIsSunk ?? s.kind === 'in-house')
      sunk[j] = Math.max(0, Number(s.existingHeadcount?.[lang]?.[w] ?? 0));
    const r = s.maxHeadcountByWeek?.[lang]?.[w];
    if (r !== undefined) reach[j] = Math.max(0, Number(r));
    colCost.push(s.costPerFteWeek && sunk[j] <= 0 ? s.costPerFteWeek : IDLE_EPSILON);
    colUpper.push(0); // set below
  }

  const C = cLang.length;
  const xCell: number[] = [];
  const xSite: number[] = [];
  const xN: number[] = [];
  const cellShort: AllocationShortfall['reason'][] = new Array(C);
  const cellX: number[][] = Array.from({ length: C }, () => []);
  const uCol = new Int32Array(C).fill(-1);
  for (let c = 0; c < C; c++) {
    const li = cLang[c];
    const g = cSeg[c];
    for (const si of sitesByLang[li]) {
      if (g > 0 && share[si * G + g] <= 0) continue;
      const n = nBase[si * L + li] + cWeek[c];
      const s = sites[si];
      const hp = s.productiveHoursPerFteWeek * prod[si * L + li];
      cellX[c].push(nCols + xCell.length);
      xCell.push(c);
      xSite.push(si);
      xN.push(n);
      // n needed for this cell alone through its segment row; the capacity row sums cells below.
      if (g > 0) nNeed[n] = Math.max(nNeed[n], cHours[c] / (hp * share[si * G + g]));
    }
    if (cellX[c].length === 0)
      cellShort[c] = sitesByLang[li].length === 0 ? 'no-site-staffs-language' : 'no-site-open-in-segment';
  }
  const X = xCell.length;
  const capX: number[][] = Array.from({ length: nCols }, () => []);
  for (let k = 0; k < X; k++) {
    const c = xCell[k];
    const si = xSite[k];
    const s = sites[si];
    const q = s.qualityScore ?? 1;
    colCost.push((s.costPerProductiveHour ?? 0) + qw * (1 - q));
    colUpper.push(cHours[c]);
    capX[xN[k]].push(nCols + k);
  }
  for (let j = 0; j < nCols; j++) {
    let hours = 0;
    for (const col of capX[j]) hours += cHours[xCell[col - nCols]];
    const s = sites[nSite[j]];
    const hp = s.productiveHoursPerFteWeek * prod[nSite[j] * L + nLang[j]];
    const need = Math.max(nNeed[j], hours / hp);
    const siteMin = Math.max(s.minHeadcount, (s.vendorMinimumHoursPerWeek ?? 0) / s.paidHoursPerFteWeek);
    colUpper[j] = Math.min(
      s.maxHeadcount,
      integer ? Math.floor(reach[j] + 1e-9) : reach[j],
      Math.max(Math.ceil(need - 1e-9), Math.ceil(siteMin - 1e-9), Math.ceil(sunk[j] - 1e-9)),
    );
  }

  // Shortfall penalty.
  let penalty = options.shortfallPenalty;
  if (penalty === undefined) {
    let worst = 0;
    for (const s of sites)
      worst = Math.max(worst, (s.costPerFteWeek ?? 0) + (s.costPerProductiveHour ?? 0) + qw);
    penalty = Math.max(1, 10 * worst);
  }
  let nextCol = nCols + X;
  for (let c = 0; c < C; c++) {
    if (cellX[c].length === 0) continue;
    uCol[c] = nextCol++;
    colCost.push(penalty);
    colUpper.push(cHours[c]);
  }

  // Rows.
  const A = new Csr();
  // demand
  for (let c = 0; c < C; c++) {
    if (uCol[c] < 0) continue;
    for (const col of cellX[c]) {
      A.idx.push(col);
      A.val.push(1);
    }
    A.idx.push(uCol[c]);
    A.val.push(1);
    A.add(cHours[c], Infinity);
  }
  // capacity and segment capacity
  for (let j = 0; j < nCols; j++) {
    const cols = capX[j];
    if (cols.length === 0) continue;
    const si = nSite[j];
    const hp = sites[si].productiveHoursPerFteWeek * prod[si * L + nLang[j]];
    A.idx.push(j);
    A.val.push(-hp);
    for (const col of cols) {
      A.idx.push(col);
      A.val.push(1);
    }
    A.add(-Infinity, 0);
    for (const col of cols) {
      const g = cSeg[xCell[col - nCols]];
      // Unsegmented work has no segment row; a site open only in g is bounded by the capacity row.
      if (g === 0 || share[si * G + g] >= 1 - 1e-12) continue;
      A.idx.push(j, col);
      A.val.push(-hp * share[si * G + g], 1);
      A.add(-Infinity, 0);
    }
  }
  // headcount above what is already paid for: n_j − m_j ≤ sunk_j, m_j ≥ 0 at the FTE-week cost
  const mInfo: { col: number; j: number }[] = [];
  for (let j = 0; j < nCols; j++) {
    const s = sites[nSite[j]];
    if (sunk[j] <= 0 || !s.costPerFteWeek) continue;
    const col = nextCol++;
    mInfo.push({ col, j });
    colCost.push(s.costPerFteWeek);
    colUpper.push(colUpper[j]);
    A.idx.push(j, col);
    A.val.push(1, -1);
    A.add(-Infinity, sunk[j]);
  }
  // site headcount per week, vendor commitments
  const bInfo: { col: number; si: number; w: number; costPerPaidHour: number }[] = [];
  const rowsBySiteWeek: number[][] = Array.from({ length: S * W }, () => []);
  for (let j = 0; j < nCols; j++) rowsBySiteWeek[nSite[j] * W + (j % W)].push(j);
  const xBySiteWeek: number[][] = Array.from({ length: S * W }, () => []);
  for (let k = 0; k < X; k++) xBySiteWeek[xSite[k] * W + cWeek[xCell[k]]].push(nCols + k);
  for (let si = 0; si < S; si++) {
    const s = sites[si];
    const minHours = s.vendorMinimumHoursPerWeek ?? 0;
    let lo = Math.max(s.minHeadcount, minHours / s.paidHoursPerFteWeek);
    if (integer) lo = Math.ceil(lo - 1e-9);
    const cph = s.costPerProductiveHour ?? 0;
    for (let w = 0; w < W; w++) {
      const ns = rowsBySiteWeek[si * W + w];
      if (ns.length === 0) continue;
      let reachable = 0;
      for (const j of ns) {
        A.idx.push(j);
        A.val.push(1);
        reachable += colUpper[j];
      }
      // A minimum the reachable headcount cannot meet (the site cannot grow in time) binds at what it can reach.
      A.add(Math.min(lo, reachable), s.maxHeadcount);
      if (minHours > 0 && cph > 0) {
        const col = nextCol++;
        const costPerPaidHour = (cph * s.productiveHoursPerFteWeek) / s.paidHoursPerFteWeek;
        bInfo.push({ col, si, w, costPerPaidHour });
        colCost.push(costPerPaidHour);
        colUpper.push(minHours);
        for (const xc of xBySiteWeek[si * W + w]) {
          const li = cLang[xCell[xc - nCols]];
          A.idx.push(xc);
          A.val.push(s.paidHoursPerFteWeek / (s.productiveHoursPerFteWeek * prod[si * L + li]));
        }
        A.idx.push(col);
        A.val.push(1);
        A.add(minHours, Infinity);
      }
    }
  }

  const numCols = nextCol;
  const numRows = A.rows;
  // The week of every column; no row spans two weeks, so each week is its own, independent model.
  const colWeek = new Int32Array(numCols);
  for (let j = 0; j < nCols; j++) colWeek[j] = j % W;
  for (let k = 0; k < X; k++) colWeek[nCols + k] = cWeek[xCell[k]];
  for (let c = 0; c < C; c++) if (uCol[c] >= 0) colWeek[uCol[c]] = cWeek[c];
  for (const b of bInfo) colWeek[b.col] = b.w;
  for (const m of mInfo) colWeek[m.col] = m.j % W;
  const model: GlobalModel = {
    numCols,
    nInt: integer ? nCols : 0,
    colCost,
    colUpper,
    A,
    colWeek,
    weeks: W,
    nSite,
    siteMax: sites.map((s) => s.maxHeadcount),
    offset: mInfo.reduce((a, m) => a + sunk[m.j] * (sites[nSite[m.j]].costPerFteWeek ?? 0), 0),
    siteMin: sites.map((s) => {
      const lo = Math.max(s.minHeadcount, (s.vendorMinimumHoursPerWeek ?? 0) / s.paidHoursPerFteWeek);
      return integer ? Math.ceil(lo - 1e-9) : lo;
    }),
  };

  const tBuilt = performance.now();
  const highs = await getHighs();
  const lpText = options.exportLp ? exportLpText(highs, model, colNames()) : undefined;
  const result = solveByWeek(highs, model, options);
  solves++;
  lastMemoryBytes = highs.memoryBytes;
  if (lastMemoryBytes > RELOAD_ABOVE_BYTES) runtime = undefined;

  function colNames(): string[] {
    const names: string[] = [];
    for (let j = 0; j < nCols; j++) names.push(`n_${nSite[j]}_${nLang[j]}_${j % W}`);
    for (let k = 0; k < X; k++) names.push(`x_${xSite[k]}_${xCell[k]}`);
    for (let c = 0; c < C; c++) if (uCol[c] >= 0) names.push(`u_${c}`);
    for (const m of mInfo) names.push(`m_${m.j}`);
    for (const b of bInfo) names.push(`b_${b.si}_${b.w}`);
    return names;
  }

  // Read the plan.
  const v = result.colValue;
  const allocations: SiteLanguageWeek[] = [];
  let totalCost = 0;
  if (v) {
    for (let j = 0; j < nCols; j++) {
      const s = sites[nSite[j]];
      const headcount = integer ? Math.round(v[j]) : clean(v[j]);
      let hours = 0;
      for (const col of capX[j]) hours += v[col];
      hours = clean(hours);
      if (headcount <= 0 && hours <= 0) continue;
      const cost = (s.costPerFteWeek ?? 0) * headcount + (s.costPerProductiveHour ?? 0) * hours;
      totalCost += cost;
      allocations.push({
        site: s.id,
        language: problem.languages[nLang[j]],
        week: j % W,
        headcount,
        productiveHours: hours,
        paidHours: headcount * s.paidHoursPerFteWeek,
        cost,
      });
    }
  }
  const unusedCommitments: UnusedCommitment[] = [];
  if (v)
    for (const b of bInfo) {
      const paidHours = clean(v[b.col]);
      if (paidHours <= 0) continue;
      const cost = paidHours * b.costPerPaidHour;
      totalCost += cost;
      unusedCommitments.push({ site: sites[b.si].id, week: b.w, paidHours, cost });
    }
  const shortfalls: AllocationShortfall[] = [...directShort.values()];
  for (let c = 0; c < C; c++) {
    let hours: number;
    let reason: AllocationShortfall['reason'];
    if (uCol[c] < 0) {
      hours = cHours[c];
      reason = cellShort[c];
    } else {
      if (!v) continue;
      hours = clean(v[uCol[c]]);
      reason = 'capacity';
    }
    if (hours <= 0) continue;
    const g = segNames[cSeg[c]];
    shortfalls.push({
      language: problem.languages[cLang[c]],
      week: cWeek[c],
      ...(g !== undefined ? { segment: g } : {}),
      hours,
      reason,
    });
  }
  shortfalls.sort((a, b) => a.week - b.week || a.language.localeCompare(b.language));

  const tEnd = performance.now();
  // Objective and bounds include the committed cost (a constant), so the gap is relative to the whole cost.
  const offset = model.offset;
  const denom = Math.max(Math.abs(result.lpBound + offset), 1e-9);
  return {
    status: result.status,
    allocations,
    unusedCommitments,
    shortfalls,
    totalCost,
    objective: result.objective + offset,
    lpBound: result.lpBound + offset,
    gap: v && numCols > 0 ? Math.max(0, (result.objective - result.lpBound) / denom) : 0,
    ...(result.mipDualBound !== undefined ? { mipDualBound: result.mipDualBound + offset } : {}),
    ...(result.mipGap !== undefined ? { mipGap: result.mipGap } : {}),
    seconds: {
      build: (tBuilt - t0) / 1000,
      lp: result.lpSeconds,
      integer: result.mipSeconds,
      total: (tEnd - t0) / 1000,
    },
    integerPlans: { byRounding: result.byRounding ?? 0, byMip: result.byMip ?? 0 },
    size: {
      variables: numCols,
      constraints: numRows,
      integerVariables: integer ? nCols : 0,
      nonzeros: A.idx.length,
    },
    warnings,
    ...(lpText !== undefined ? { lpText } : {}),
  };
}

/** Values within the solver's tolerance of 0 become 0. */
function clean(x: number): number {
  return Math.abs(x) < 1e-6 ? 0 : x;
}

/** The whole model over all weeks, before it is split by week. */
interface GlobalModel {
  numCols: number;
  /** Columns 0 .. nInt − 1 are integer (headcount). */
  nInt: number;
  colCost: number[];
  colUpper: number[];
  A: Csr;
  colWeek: Int32Array;
  weeks: number;
  /** Site of each headcount column, and each site's maximum headcount (for the rounding repair). */
  nSite: Int32Array;
  siteMax: number[];
  siteMin: number[];
  /** Cost already committed (sunk headcount × its FTE-week cost): a constant added to every objective. */
  offset: number;
}

interface SolveOutcome {
  status: AllocationResult['status'];
  colValue?: Float64Array;
  objective: number;
  lpBound: number;
  mipDualBound?: number;
  mipGap?: number;
  lpSeconds: number;
  mipSeconds: number;
  /** Weeks (models) whose integer plan came from the rounding, and from the MIP. */
  byRounding?: number;
  byMip?: number;
}

/** ModelData of the columns and rows of one week (or of all weeks when `week` is −1). */
function slice(
  m: GlobalModel,
  week: number,
  local: Int32Array,
): { data: ModelData; cols: number[]; nInt: number } {
  const cols: number[] = [];
  let nInt = 0;
  for (let j = 0; j < m.numCols; j++)
    if (week < 0 || m.colWeek[j] === week) {
      local[j] = cols.length;
      cols.push(j);
      if (j < m.nInt) nInt++;
    }
  const starts: number[] = [0];
  const idx: number[] = [];
  const val: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const A = m.A;
  for (let r = 0; r < A.rows; r++) {
    const from = A.starts[r];
    const to = A.starts[r + 1];
    if (week >= 0 && m.colWeek[A.idx[from]] !== week) continue;
    for (let k = from; k < to; k++) {
      idx.push(local[A.idx[k]]);
      val.push(A.val[k]);
    }
    starts.push(idx.length);
    lo.push(A.lo[r]);
    hi.push(A.hi[r]);
  }
  const numCols = cols.length;
  const numRows = lo.length;
  const colCost = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  cols.forEach((j, i) => {
    colCost[i] = m.colCost[j];
    colUpper[i] = m.colUpper[j];
  });
  return {
    data: {
      numCols,
      numRows,
      colCost,
      colLower: new Float64Array(numCols),
      colUpper,
      rowLower: Float64Array.from(lo),
      rowUpper: Float64Array.from(hi),
      matrix: {
        format: 'csr',
        numRows,
        numCols,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(idx),
        values: Float64Array.from(val),
      },
    },
    cols,
    nInt,
  };
}

/** The whole model (all weeks, with integrality and compact names) as CPLEX LP text. */
function exportLpText(highs: Highs, m: GlobalModel, colNames: string[]): string {
  const { data, nInt } = slice(m, -1, new Int32Array(m.numCols));
  const named: ModelData = {
    ...data,
    colNames,
    rowNames: Array.from({ length: data.numRows }, (_, i) => `r${i}`),
    ...(nInt > 0
      ? {
          integrality: Int32Array.from({ length: data.numCols }, (_, j) =>
            j < nInt ? highs.constants.variableType.integer : highs.constants.variableType.continuous,
          ),
        }
      : {}),
  };
  if (data.numCols === 0) return '';
  const model = highs.createModel(named);
  try {
    return model.exportModel('lp');
  } finally {
    model.dispose();
  }
}

/**
 * Solves week by week (weeks share no row, so this is exact). First pass, per week: the LP relaxation
 * (its optimum adds up to `lpBound`) and the rounding dive, a feasible integer plan. If the total plan is
 * within the gap target of the total LP bound it is provably good enough and no MIP runs. Otherwise the
 * weeks with the largest rounding loss are re-solved as MIPs (HiGHS, starting from the rounded plan, with
 * `mip_rel_gap`), one by one, until the total is within the target. The time limit is shared: each model
 * gets the time left divided by the models left.
 */
function solveByWeek(highs: Highs, m: GlobalModel, options: AllocationOptions): SolveOutcome {
  const colValue = new Float64Array(m.numCols);
  const local = new Int32Array(m.numCols);
  const t0 = performance.now();
  const gapTarget = options.mipRelGap ?? 0.01;
  const timeLeft = (modelsLeft: number) =>
    options.timeLimitSeconds === undefined
      ? undefined
      : Math.max(1e-3, (options.timeLimitSeconds - (performance.now() - t0) / 1000) / modelsLeft);
  const out: SolveOutcome = {
    status: 'optimal',
    colValue,
    objective: 0,
    lpBound: 0,
    lpSeconds: 0,
    mipSeconds: 0,
    byRounding: 0,
    byMip: 0,
  };
  const rank = { optimal: 0, limit: 1, 'time-limit': 2, 'no-solution': 3 } as const;
  const worse = (s: AllocationResult['status']) => {
    if (rank[s] > rank[out.status]) out.status = s;
  };
  const weeks: { w: number; objective: number; lpBound: number; dualBound: number }[] = [];
  for (let w = 0; w < m.weeks; w++) {
    const { data, cols, nInt } = slice(m, w, local);
    const nSite = Int32Array.from({ length: nInt }, (_, i) => m.nSite[cols[i]]);
    const r = relaxAndRound(highs, data, nInt, timeLeft(m.weeks - w), options, {
      nSite,
      siteMax: m.siteMax,
      siteMin: m.siteMin,
    });
    out.lpSeconds += r.lpSeconds;
    out.mipSeconds += r.roundSeconds;
    worse(r.status);
    if (!r.value && nInt > 0 && Number.isFinite(r.lpBound)) {
      // The rounding found no plan (not expected): the MIP of this week, from scratch.
      const t = performance.now();
      const mip = solveMip(highs, data, nInt, undefined, gapTarget, timeLeft(m.weeks - w));
      out.mipSeconds += (performance.now() - t) / 1000;
      worse(mip.status);
      if (mip.value) {
        r.value = mip.value;
        r.objective = mip.objective;
        out.byMip! += 1;
        out.byRounding! -= 1;
      }
    }
    if (!r.value) {
      worse('no-solution');
      continue;
    }
    cols.forEach((j, i) => {
      colValue[j] = r.value![i];
    });
    out.objective += r.objective;
    out.lpBound += r.lpBound;
    if (nInt > 0) out.byRounding! += 1;
    weeks.push({ w, objective: r.objective, lpBound: r.lpBound, dualBound: r.lpBound });
  }
  if (out.status === 'no-solution') {
    delete out.colValue;
    return out;
  }
  if (m.nInt > 0) {
    // Relative to the whole cost, committed headcount included (the constant `offset`).
    const within = () => out.objective - out.lpBound <= gapTarget * Math.abs(out.lpBound + m.offset) + 1e-9;
    const todo = weeks.filter((x) => x.objective - x.lpBound > 1e-9 * Math.abs(x.lpBound));
    todo.sort((a, b) => b.objective - b.lpBound - (a.objective - a.lpBound));
    for (let k = 0; k < todo.length && !within(); k++) {
      const week = todo[k];
      const { data, cols, nInt } = slice(m, week.w, local);
      const start = Float64Array.from(cols, (j) => colValue[j]);
      const t = performance.now();
      const r = solveMip(highs, data, nInt, start, gapTarget, timeLeft(todo.length - k));
      out.mipSeconds += (performance.now() - t) / 1000;
      worse(r.status);
      week.dualBound = Math.max(week.lpBound, r.dualBound);
      if (r.value && r.objective < week.objective) {
        cols.forEach((j, i) => {
          colValue[j] = r.value![i];
        });
        out.objective += r.objective - week.objective;
        week.objective = r.objective;
      }
      out.byRounding! -= 1;
      out.byMip! += 1;
    }
    out.mipDualBound = weeks.reduce((a, x) => a + x.dualBound, 0);
    out.mipGap = out.objective > 0 ? Math.max(0, (out.objective - out.mipDualBound) / out.objective) : 0;
  }
  return out;
}

/** Result of {@link relaxAndRound} for one model. */
interface Relaxed {
  status: AllocationResult['status'];
  value?: Float64Array;
  objective: number;
  lpBound: number;
  lpSeconds: number;
  roundSeconds: number;
}

/**
 * The LP relaxation, then (when nInt > 0) the rounding dive, on one HiGHS model that is always disposed.
 * Columns 0 .. nInt − 1 are the headcounts.
 */
function relaxAndRound(
  highs: Highs,
  data: ModelData,
  nInt: number,
  timeLimitSeconds: number | undefined,
  options: AllocationOptions,
  rounding: { nSite: Int32Array; siteMax: number[]; siteMin: number[] },
): Relaxed {
  const ms = highs.constants.modelStatus;
  if (data.numCols === 0)
    return {
      status: 'optimal',
      value: new Float64Array(0),
      objective: 0,
      lpBound: 0,
      lpSeconds: 0,
      roundSeconds: 0,
    };
  const model = highs.createModel(data);
  try {
    setOptions(model, options, timeLimitSeconds);
    let t = performance.now();
    const lp = model.run();
    const lpSeconds = (performance.now() - t) / 1000;
    if (lp.modelStatus !== ms.optimal)
      // The shortfall slack keeps the model feasible and costs are ≥ 0, so only a limit gets here.
      return {
        status: lp.modelStatus === ms.timeLimit ? 'time-limit' : 'no-solution',
        objective: Number.NaN,
        lpBound: Number.NaN,
        lpSeconds,
        roundSeconds: 0,
      };
    const lpBound = model.getObjectiveValue();
    const lpValue = model.getSolution().colValue;
    if (nInt === 0)
      return { status: 'optimal', value: lpValue, objective: lpBound, lpBound, lpSeconds, roundSeconds: 0 };
    t = performance.now();
    const nUpper = Float64Array.from((data.colUpper as Float64Array).subarray(0, nInt));
    const plan = dive(model, highs, lpValue, nInt, nUpper, data.colCost as Float64Array, rounding);
    const roundSeconds = (performance.now() - t) / 1000;
    if (!plan) return { status: 'optimal', objective: Number.NaN, lpBound, lpSeconds, roundSeconds };
    return {
      status: 'optimal',
      value: plan.value,
      objective: plan.objective,
      lpBound,
      lpSeconds,
      roundSeconds,
    };
  } finally {
    model.dispose();
  }
}

function setOptions(
  model: ReturnType<Highs['createModel']>,
  options: AllocationOptions,
  timeLimitSeconds: number | undefined,
): void {
  // Presolve off: these LPs are small and already tight (it cost more than it saved, about 3× here), and
  // the re-solves of the rounding change bounds only, starting from the previous optimal basis.
  model.options.set({ output_flag: false, presolve: 'off', ...options.highsOptions });
  if (timeLimitSeconds !== undefined) model.options.set({ time_limit: timeLimitSeconds });
}

/** The MIP of one model from a start plan, on a HiGHS model that is always disposed. */
function solveMip(
  highs: Highs,
  data: ModelData,
  nInt: number,
  start: Float64Array | undefined,
  gapTarget: number,
  timeLimitSeconds: number | undefined,
): { status: AllocationResult['status']; value?: Float64Array; objective: number; dualBound: number } {
  const ms = highs.constants.modelStatus;
  const integrality = new Int32Array(data.numCols);
  integrality.fill(highs.constants.variableType.integer, 0, nInt);
  const model = highs.createModel({ ...data, integrality });
  try {
    model.options.set({ output_flag: false, mip_rel_gap: gapTarget });
    if (timeLimitSeconds !== undefined) model.options.set({ time_limit: timeLimitSeconds });
    if (start) model.setSolution({ colValue: start });
    const run = model.run();
    const hasPrimal = Number(model.info.get('primal_solution_status')) === 2;
    return {
      status:
        run.modelStatus === ms.optimal
          ? 'optimal'
          : run.modelStatus === ms.timeLimit
            ? 'time-limit'
            : 'limit',
      ...(hasPrimal ? { value: model.getSolution().colValue } : {}),
      objective: hasPrimal ? model.getObjectiveValue() : Number.POSITIVE_INFINITY,
      dualBound: Number(model.info.get('mip_dual_bound')),
    };
  } finally {
    model.dispose();
  }
}

const isFractional = (v: number) => Math.abs(v - Math.round(v)) > 1e-6;

/**
 * The rounding dive of {@link solveOne}. Each round fixes the fractional headcounts: up when the fraction is
 * at least `ROUND_UP_AT`, else down, then moves decisions so that every site stays within [min, max] (down
 * for the smallest fractions when over the maximum, up for the largest when under the minimum); integral
 * headcounts stay free. Returns the plan (all headcount integral) and its objective, or undefined when an LP
 * failed. The model's headcount bounds are left changed; the caller restores them.
 */
function dive(
  model: ReturnType<Highs['createModel']>,
  highs: Highs,
  lpValue: Float64Array,
  nInt: number,
  nUpper: Float64Array,
  cost: Float64Array,
  rounding: { nSite: Int32Array; siteMax: number[]; siteMin: number[] },
): { value: Float64Array; objective: number; rounds: number } | undefined {
  const ms = highs.constants.modelStatus;
  const all = { kind: 'range', from: 0, to: nInt - 1 } as const;
  const lo = new Float64Array(nInt);
  const hi = Float64Array.from(nUpper);
  let value = lpValue;
  const bySite = new Map<number, number[]>();
  for (let i = 0; i < nInt; i++) {
    const list = bySite.get(rounding.nSite[i]);
    if (list) list.push(i);
    else bySite.set(rounding.nSite[i], [i]);
  }
  let maxCost = 0;
  for (let i = 0; i < nInt; i++) maxCost = Math.max(maxCost, cost[i]);
  for (let round = 1; round <= MAX_DIVE_ROUNDS; round++) {
    let fractional = 0;
    for (const [si, cols] of bySite) {
      let total = 0;
      const frac: number[] = [];
      const target = new Map<number, number>();
      for (const i of cols) {
        const v = value[i];
        if (!isFractional(v) || lo[i] === hi[i]) {
          total += Math.round(v);
          continue;
        }
        fractional++;
        // Round up headcount that costs nothing by itself, or whose fraction is large; leave the rest
        // free (the LP shifts work into the capacity rounded up) until the last rounds.
        const up =
          cost[i] <= IDLE_EPSILON ||
          v - Math.floor(v) >= roundUpAt(round) * (1 - COST_TILT + (COST_TILT * cost[i]) / maxCost);
        if (!up) {
          total += v;
          continue;
        }
        frac.push(i);
        target.set(i, Math.ceil(v));
        total += Math.ceil(v);
      }
      if (frac.length === 0) continue;
      const byFrac = (a: number, b: number) =>
        value[a] - Math.floor(value[a]) - (value[b] - Math.floor(value[b]));
      frac.sort(byFrac);
      for (let k = 0; k < frac.length && total > rounding.siteMax[si] + 1e-6; k++)
        if (target.get(frac[k]) === Math.ceil(value[frac[k]])) {
          target.set(frac[k], Math.floor(value[frac[k]]));
          total--;
        }
      for (let k = frac.length - 1; k >= 0 && total < rounding.siteMin[si] - 1e-6; k--)
        if (target.get(frac[k]) === Math.floor(value[frac[k]])) {
          target.set(frac[k], Math.ceil(value[frac[k]]));
          total++;
        }
      for (const [i, n] of target) {
        lo[i] = n;
        hi[i] = n;
      }
    }
    if (fractional === 0) return trim(model, highs, value, nInt, lo, hi, round - 1);
    model.changeColsBounds(all, lo, hi);
    if (model.run().modelStatus !== ms.optimal) return undefined;
    value = model.getSolution().colValue;
  }
  for (let i = 0; i < nInt; i++) if (isFractional(value[i])) return undefined;
  return trim(model, highs, value, nInt, lo, hi, MAX_DIVE_ROUNDS);
}

/**
 * Improves an integral plan: re-solves the LP with each headcount free below its current value, and takes
 * the ceilings of the result. That never raises a headcount, keeps every site within its maximum, keeps
 * the minimum (ceilings of a feasible LP point) and the hours of the LP point stay feasible, so each step is
 * a feasible plan that costs no more. Stops when nothing drops (at most `MAX_TRIM_ROUNDS`).
 */
function trim(
  model: ReturnType<Highs['createModel']>,
  highs: Highs,
  value: Float64Array,
  nInt: number,
  lo: Float64Array,
  hi: Float64Array,
  rounds: number,
): { value: Float64Array; objective: number; rounds: number } {
  const ms = highs.constants.modelStatus;
  const all = { kind: 'range', from: 0, to: nInt - 1 } as const;
  let objective = model.getObjectiveValue();
  for (let i = 0; i < nInt; i++) hi[i] = lo[i] = Math.round(value[i]);
  for (let k = 0; k < MAX_TRIM_ROUNDS; k++) {
    model.changeColsBounds(all, new Float64Array(nInt), hi);
    if (model.run().modelStatus !== ms.optimal) break;
    const relaxed = model.getSolution().colValue;
    let dropped = 0;
    for (let i = 0; i < nInt; i++) {
      const n = Math.min(hi[i], Math.ceil(relaxed[i] - 1e-6));
      if (n < hi[i]) dropped++;
      lo[i] = n;
    }
    if (dropped === 0) break;
    model.changeColsBounds(all, lo, lo);
    if (model.run().modelStatus !== ms.optimal) break;
    const next = model.getObjectiveValue();
    if (next > objective) break;
    objective = next;
    value = model.getSolution().colValue;
    hi.set(lo);
    rounds++;
  }
  return { value, objective, rounds };
}

/** Rounds of {@link trim}. */
const MAX_TRIM_ROUNDS = 3;

/** Fraction from which the dive rounds a headcount up in a round (1-based); 0 rounds all up. */
const roundUpAt = (round: number) => Math.max(0, 1 - ROUND_UP_STEP * round);
const ROUND_UP_STEP = 0.1;
const COST_TILT = 0.6;
/** Rounds of the dive before it gives up (and the full MIP runs). */
const MAX_DIVE_ROUNDS = Math.ceil(1 / ROUND_UP_STEP) + 6;
