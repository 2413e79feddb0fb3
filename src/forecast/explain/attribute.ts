import { ModcapError } from '../../errors.ts';
import { orderKeyColumns } from '../io/columns.ts';
import { surprise } from './surprise.ts';
import type { LeafTotal } from './types.ts';

/** Options of {@link attributeMiss}. Defaults are the thresholds of the Adtributor paper. */
export interface AttributeOptions {
  /** Minimum explanatory power of one element to join a candidate set (T_EEP). Default 0.1. */
  readonly minElementPower?: number;
  /** Explanatory power a candidate set must reach (T_EP). Default 0.67. */
  readonly minSetPower?: number;
  /** Also look at combinations of two key columns (queue × market cells). Default true. */
  readonly pairs?: boolean;
  /**
   * Occam tolerance on the potential score: among candidates whose score is within this of the best,
   * the most succinct wins. Default 0.05.
   */
  readonly tolerance?: number;
  /** Number of ranked explanations returned. Default 5. */
  readonly top?: number;
}

/** One element of an explanation: a value of a dimension (or a cell of two dimensions). */
export interface ExplanationElement {
  /** e.g. `{ language: 'ja' }` or `{ queue: 'reviews', market: 'JP' }`. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly forecast: number;
  readonly actual: number;
  /** actual − forecast. */
  readonly deviation: number;
  /** 100 · deviation / forecast (NaN when the forecast is 0). */
  readonly changePercent: number;
  /** (A_ij − F_ij) / (A − F). */
  readonly explanatoryPower: number;
  /** Jensen–Shannon term of forecast share vs actual share, bits. */
  readonly surprise: number;
}

/** A ranked explanation of a miss: a set of elements of one dimension (or of one pair of dimensions). */
export interface Explanation {
  /** One object per element, e.g. `[{ language: 'ja' }, { language: 'ko' }]`. */
  readonly dimensions: readonly Readonly<Record<string, string>>[];
  /** The key column(s) the elements are values of, e.g. `['queue', 'market']`. */
  readonly dimensionNames: readonly string[];
  /** Sum of the elements' explanatory power. */
  readonly explanatoryPower: number;
  /** Sum of the elements' surprise (bits). */
  readonly surprise: number;
  readonly forecast: number;
  readonly actual: number;
  /** actual − forecast over the elements. */
  readonly deviation: number;
  /** Share (0..1) of the total absolute miss Σ|A − F| over all series that falls on series in the set. */
  readonly shareOfMiss: number;
  /**
   * HotSpot potential score (Sun et al., IEEE Access 2018) in [0, 1]: how much of the (Pearson-weighted)
   * distance between forecast and actual, over all series, is removed when each element's series are scaled by the
   * element's actual/forecast ratio (the ripple effect) and all others kept at their forecast.
   */
  readonly potentialScore: number;
  /** Whether the set reached the explanatory-power threshold T_EP. */
  readonly complete: boolean;
  readonly elements: readonly ExplanationElement[];
}

/** Adtributor's explanatory set of one dimension, as in the paper. */
export interface DimensionSet {
  readonly dimensionNames: readonly string[];
  readonly elements: readonly ExplanationElement[];
  readonly explanatoryPower: number;
  readonly surprise: number;
}

/** The result of {@link attributeMiss}. */
export interface Attribution {
  readonly forecast: number;
  readonly actual: number;
  /** actual − forecast over all series. */
  readonly deviation: number;
  /** Ranked explanations (see {@link attributeMiss} for the rule); empty when there is no miss. */
  readonly explanations: readonly Explanation[];
  /** Adtributor's per-dimension explanatory sets, ranked by total surprise (the paper's own output). */
  readonly adtributor: readonly DimensionSet[];
}

interface Candidate {
  names: string[];
  elements: ExplanationElement[];
  leaves: Set<number>;
  complete: boolean;
}

/**
 * Attributes a forecast miss to the dimensions of the series key (every key column: queue, language,
 * market and any other), after Adtributor (Bhagwan et al., "Adtributor: Revenue Debugging in Advertising
 * Systems", NSDI 2014), extended to cells of two dimensions.
 *
 * 1. For each dimension and each value: forecast F_ij and actual A_ij summed over the leaves (series);
 *    explanatory power EP = (A_ij − F_ij)/(A − F); surprise = the Jensen–Shannon term of the forecast share
 *    F_ij/F against the actual share A_ij/A ({@link surprise}).
 * 2. Candidate sets (Adtributor): per dimension, values sorted by surprise, each added when its EP ≥ T_EEP,
 *    until the cumulative EP ≥ T_EP. Every pair of key columns is also a "dimension" whose values are
 *    cells (queue × market), unless one column determines the other (then its cells are just the
 *    other's values). Besides the paper's set, its supersets with the next qualifying values are
 *    candidates too (a second injected value that the first did not need to reach T_EP).
 * 3. Ranking (the hierarchical step): Adtributor's total surprise is not comparable between dimensions
 *    of different granularity, so candidates are scored by HotSpot's potential score (ripple effect: an
 *    element's series all move by the element's actual/forecast ratio). Rule: take the best score among
 *    the remaining candidates; of all candidates within `tolerance` of it, pick the most succinct (fewest
 *    elements, then fewest dimensions, then highest score); repeat for the next rank. A queue × market
 *    cell therefore wins over "the queue" only when it fits clearly better (the rest of the queue did not
 *    move), and "the language" wins over a set of its cells when the language moved as a whole.
 *    Candidates covering the same series as a more succinct one are dropped.
 * When no set reaches T_EP, the per-dimension sets of all values with EP ≥ T_EEP are ranked instead,
 * marked `complete: false`.
 *
 * @throws ModcapError BAD_ARGUMENT when a leaf has a non-finite forecast or actual
 * @example
 * attributeMiss([
 *   { key: { queue: 'reviews', language: 'en' }, forecast: 100, actual: 100 },
 *   { key: { queue: 'reviews', language: 'ja' }, forecast: 100, actual: 150 },
 *   { key: { queue: 'listings', language: 'en' }, forecast: 100, actual: 101 },
 *   { key: { queue: 'listings', language: 'ja' }, forecast: 100, actual: 149 },
 * ]).explanations[0].dimensions // => [{ language: 'ja' }]
 */
export function attributeMiss(leaves: readonly LeafTotal[], options: AttributeOptions = {}): Attribution {
  const tEEP = options.minElementPower ?? 0.1;
  const tEP = options.minSetPower ?? 0.67;
  const tolerance = options.tolerance ?? 0.05;
  const top = options.top ?? 5;
  let F = 0;
  let A = 0;
  for (const l of leaves) {
    if (!Number.isFinite(l.forecast) || !Number.isFinite(l.actual)) {
      throw new ModcapError('BAD_ARGUMENT', 'a series has a non-finite forecast or actual total', {
        value: l,
      });
    }
    F += l.forecast;
    A += l.actual;
  }
  const D = A - F;
  const scale = Math.max(Math.abs(A), Math.abs(F), 1);
  if (leaves.length === 0 || Math.abs(D) <= 1e-9 * scale) {
    return { forecast: F, actual: A, deviation: D, explanations: [], adtributor: [] };
  }

  const names = orderKeyColumns([...new Set(leaves.flatMap((l) => Object.keys(l.key)))]);
  const keyValue = (leaf: LeafTotal, dim: string) => leaf.key[dim] ?? '';
  const distinct = (dims: readonly string[]) =>
    new Set(leaves.map((l) => dims.map((d) => keyValue(l, d)).join('\u0000'))).size;
  const dimensionSets: string[][] = [];
  const single = names.filter((d) => distinct([d]) > 1);
  for (const d of single) dimensionSets.push([d]);
  if (options.pairs ?? true) {
    for (let i = 0; i < single.length; i++) {
      for (let j = i + 1; j < single.length; j++) {
        const cells = distinct([single[i], single[j]]);
        // one column determines the other: every cell is a value of the finer column
        if (cells === distinct([single[i]]) || cells === distinct([single[j]])) continue;
        dimensionSets.push([single[i], single[j]]);
      }
    }
  }

  const absDev = leaves.map((l) => Math.abs(l.actual - l.forecast));
  const totalAbs = absDev.reduce((s, x) => s + x, 0);
  const candidates: Candidate[] = [];
  const partials: Candidate[] = [];
  const adtributor: DimensionSet[] = [];

  for (const dims of dimensionSets) {
    const groups = new Map<
      string,
      { dimensions: Record<string, string>; f: number; a: number; leaves: number[] }
    >();
    leaves.forEach((l, i) => {
      const id = dims.map((d) => keyValue(l, d)).join('\u0000');
      let g = groups.get(id);
      if (!g) {
        g = { dimensions: Object.fromEntries(dims.map((d) => [d, keyValue(l, d)])), f: 0, a: 0, leaves: [] };
        groups.set(id, g);
      }
      g.f += l.forecast;
      g.a += l.actual;
      g.leaves.push(i);
    });
    const elements = [...groups.values()].map((g) => ({
      element: {
        dimensions: g.dimensions,
        forecast: g.f,
        actual: g.a,
        deviation: g.a - g.f,
        changePercent: g.f === 0 ? Number.NaN : (100 * (g.a - g.f)) / g.f,
        explanatoryPower: (g.a - g.f) / D,
        surprise: surprise(F > 0 ? g.f / F : 0, A > 0 ? g.a / A : 0),
      } satisfies ExplanationElement,
      leaves: g.leaves,
    }));
    elements.sort((x, y) => y.element.surprise - x.element.surprise);
    const chosen: typeof elements = [];
    let ep = 0;
    let reached = false;
    for (const e of elements) {
      if (e.element.explanatoryPower < tEEP) continue;
      chosen.push(e);
      ep += e.element.explanatoryPower;
      const cand: Candidate = {
        names: dims,
        elements: chosen.map((c) => c.element),
        leaves: new Set(chosen.flatMap((c) => c.leaves)),
        complete: ep >= tEP,
      };
      if (ep >= tEP) {
        if (!reached) {
          adtributor.push({
            dimensionNames: dims,
            elements: cand.elements,
            explanatoryPower: ep,
            surprise: cand.elements.reduce((s, x) => s + x.surprise, 0),
          });
        }
        reached = true;
        candidates.push(cand);
      }
    }
    if (!reached && chosen.length > 0) {
      partials.push({
        names: dims,
        elements: chosen.map((c) => c.element),
        leaves: new Set(chosen.flatMap((c) => c.leaves)),
        complete: false,
      });
    }
  }
  adtributor.sort((x, y) => y.surprise - x.surprise || x.elements.length - y.elements.length);

  const pool = candidates.length > 0 ? candidates : partials;
  const base = Math.sqrt(leaves.reduce((s, l) => s + w(l) * (l.actual - l.forecast) ** 2, 0));
  const scored = pool.map((c) => ({ c, ps: potentialScore(leaves, c, base) }));
  const explanations: Explanation[] = [];
  const taken: Set<number>[] = [];
  const remaining = [...scored];
  while (explanations.length < top && remaining.length > 0) {
    const best = Math.max(...remaining.map((r) => r.ps));
    let pick = -1;
    for (let i = 0; i < remaining.length; i++) {
      const r = remaining[i];
      if (r.ps < best - tolerance) continue;
      if (pick < 0 || simpler(r, remaining[pick])) pick = i;
    }
    const { c, ps } = remaining.splice(pick, 1)[0];
    if (taken.some((t) => sameSet(t, c.leaves))) continue;
    taken.push(c.leaves);
    let f = 0;
    let a = 0;
    let share = 0;
    for (const i of c.leaves) {
      f += leaves[i].forecast;
      a += leaves[i].actual;
      share += absDev[i];
    }
    explanations.push({
      dimensions: c.elements.map((e) => e.dimensions),
      dimensionNames: c.names,
      explanatoryPower: c.elements.reduce((s, e) => s + e.explanatoryPower, 0),
      surprise: c.elements.reduce((s, e) => s + e.surprise, 0),
      forecast: f,
      actual: a,
      deviation: a - f,
      shareOfMiss: totalAbs > 0 ? share / totalAbs : 0,
      potentialScore: ps,
      complete: c.complete,
      elements: c.elements,
    });
  }
  return { forecast: F, actual: A, deviation: D, explanations, adtributor };
}

function simpler(x: { c: Candidate; ps: number }, y: { c: Candidate; ps: number }): boolean {
  if (x.c.elements.length !== y.c.elements.length) return x.c.elements.length < y.c.elements.length;
  if (x.c.names.length !== y.c.names.length) return x.c.names.length < y.c.names.length;
  return x.ps > y.ps;
}

/** Pearson weight of a leaf: 1 / forecast (count variance grows with the mean), floored at 1. */
function w(l: LeafTotal): number {
  return 1 / Math.max(Math.abs(l.forecast), 1);
}

function sameSet(a: Set<number>, b: Set<number>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * HotSpot's potential score of a candidate set: `max(0, 1 − ‖v − a‖ / ‖v − f‖)` over the leaves, where
 * `v` are actuals, `f` forecasts and `a` the forecasts with each element's leaves scaled by the element's
 * A/F (an element with F = 0 spreads its deviation evenly over its leaves). Unlike HotSpot's plain Euclidean
 * norm, ‖·‖ is weighted by 1/forecast per leaf (a Pearson χ² distance, the natural scale for counts):
 * otherwise the noise of the biggest series swamps a miss on small ones (bench/attribution.ts: 88 % →
 * 96 % top-1).
 */
function potentialScore(leaves: readonly LeafTotal[], c: Candidate, base: number): number {
  if (base === 0) return 0;
  const expected = leaves.map((l) => l.forecast);
  for (const e of c.elements) {
    const idx: number[] = [];
    leaves.forEach((l, i) => {
      if (c.leaves.has(i) && Object.entries(e.dimensions).every(([d, v]) => (l.key[d] ?? '') === v)) {
        idx.push(i);
      }
    });
    for (const i of idx) {
      expected[i] =
        e.forecast !== 0
          ? leaves[i].forecast * (e.actual / e.forecast)
          : leaves[i].forecast + e.deviation / idx.length;
    }
  }
  const dist = Math.sqrt(leaves.reduce((s, l, i) => s + w(l) * (l.actual - expected[i]) ** 2, 0));
  return Math.max(0, 1 - dist / base);
}
