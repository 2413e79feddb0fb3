/**
 * Data problems in a volume series, as opposed to real changes in volume: gaps (missing periods), flat
 * lines (a stuck counter repeating one value) and sudden zeros (a pipeline outage where the series is
 * normally well above zero).
 */

/** Kinds of data problem. */
export type QualityKind = 'gap' | 'flatline' | 'zeros';

/** One data problem: a run of grid indices `[startIndex, endIndex]` (inclusive). */
export interface QualityIssue {
  readonly kind: QualityKind;
  readonly startIndex: number;
  readonly endIndex: number;
  /** The repeated value (flat lines and zeros); NaN for gaps. */
  readonly value: number;
}

/** Options of {@link qualityIssues}. */
export interface QualityOptions {
  /** Shortest flat line reported, in periods. Default 6. */
  readonly minFlatRun?: number;
  /**
   * A flat line must also be improbable: with p the share of the series holding that value, a run of
   * length L is reported only when n · p^(L−1) < `flatSurprise`. Default 0.01.
   */
  readonly flatSurprise?: number;
  /** Expected volume per period (e.g. a seasonal fit); default a running median of the series. */
  readonly expected?: readonly number[];
  /** A zero run is reported when the expected volume summed over it is at least this. Default 10. */
  readonly minZeroMass?: number;
  /** …and the series is zero in at most this share of its other periods. Default 0.01. */
  readonly maxZeroShare?: number;
  /** Shortest zero run reported, in periods. Default 2. */
  readonly minZeroRun?: number;
  /**
   * Chance, per series, of reporting a zero run that is only counting noise, for series that are often zero
   * (low counts; see {@link qualityIssues}). Default 0.01.
   */
  readonly zeroFalseAlarm?: number;
}

/**
 * Runs of missing values (NaN) as `[start, end]` index pairs, inclusive.
 * @example findGaps([1, NaN, NaN, 2, NaN]) // => [[1, 2], [4, 4]]
 */
export function findGaps(values: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    let j = i;
    while (j + 1 < values.length && Number.isNaN(values[j + 1])) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

/** Runs of one repeated non-NaN value: `[start, end, value]`, inclusive, every run (length ≥ 1). */
function runs(values: readonly number[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    let j = i;
    while (j + 1 < values.length && values[j + 1] === v) j++;
    out.push([i, j, v]);
    i = j;
  }
  return out;
}

/**
 * Data problems of one series: every gap; flat lines (a non-zero value repeated at least `minFlatRun`
 * times and improbably long for how often the series takes that value); zero runs of at least
 * `minZeroRun` periods where the expected volume over the run is at least `minZeroMass` and the series is
 * otherwise rarely zero. Sorted by start.
 *
 * @example qualityIssues([5, 7, NaN, 6, 0, 0, 0, 8]).map((q) => q.kind) // => ['gap', 'zeros']
 */
export function qualityIssues(values: readonly number[], options: QualityOptions = {}): QualityIssue[] {
  const out: QualityIssue[] = [];
  for (const [a, b] of findGaps(values))
    out.push({ kind: 'gap', startIndex: a, endIndex: b, value: Number.NaN });
  const all = runs(values);
  const known = values.filter((v) => !Number.isNaN(v)).length;
  if (known === 0) return out;
  const freq = new Map<number, number>();
  for (const v of values) if (!Number.isNaN(v)) freq.set(v, (freq.get(v) ?? 0) + 1);

  const minFlat = options.minFlatRun ?? 6;
  const surprise = options.flatSurprise ?? 0.01;
  for (const [a, b, v] of all) {
    const len = b - a + 1;
    // A series that is nothing but this run gives no "normal" to compare with.
    if (v === 0 || len < minFlat || len === known) continue;
    const p = ((freq.get(v) ?? 0) - len) / Math.max(1, known - len);
    if (known * Math.max(p, 0) ** (len - 1) < surprise)
      out.push({ kind: 'flatline', startIndex: a, endIndex: b, value: v });
  }

  const expected = options.expected ?? localLevel(values);
  const minMass = options.minZeroMass ?? 10;
  const maxShare = options.maxZeroShare ?? 0.01;
  const minZero = options.minZeroRun ?? 2;
  const zeros = freq.get(0) ?? 0;
  // Counts that are often zero (low volume) need a test of their own: under counts with mean `expected` and
  // dispersion φ (quasi-Poisson), a run of zeros whose expected mass is μ has probability about e^(−μ/φ); with
  // one test per period, μ/φ ≥ ln(n / α) keeps the chance of any such false report in the series near α.
  const dispersion = options.expected ? countDispersion(values, expected) : Number.NaN;
  const countMass = zeroRunMass(dispersion, known, options.zeroFalseAlarm ?? 0.01);
  for (const r of zeroRuns(values, expected, minZero)) {
    const len = r.endIndex - r.startIndex + 1;
    if (len === known) continue;
    const share = (zeros - len) / Math.max(1, known - len);
    if ((share <= maxShare && r.mass >= minMass) || r.mass >= countMass)
      out.push({ kind: 'zeros', startIndex: r.startIndex, endIndex: r.endIndex, value: 0 });
  }
  out.sort((p, q) => p.startIndex - q.startIndex || p.endIndex - q.endIndex);
  return out;
}

/** A run of zeros and the volume expected over it. */
export interface ZeroRun {
  readonly startIndex: number;
  readonly endIndex: number;
  /** Σ expected over the run (unknown expectations count 0). */
  readonly mass: number;
}

/**
 * Every run of at least `minRun` zeros in `values`, with the expected volume over it.
 * @example zeroRuns([4, 0, 0, 5, 0], [4, 4, 4, 4, 4], 2) // => [{ startIndex: 1, endIndex: 2, mass: 8 }]
 */
export function zeroRuns(values: readonly number[], expected: readonly number[], minRun: number): ZeroRun[] {
  const out: ZeroRun[] = [];
  for (const [a, b, v] of runs(values)) {
    if (v !== 0 || b - a + 1 < minRun) continue;
    let mass = 0;
    for (let i = a; i <= b; i++) if (Number.isFinite(expected[i])) mass += expected[i];
    out.push({ startIndex: a, endIndex: b, mass });
  }
  return out;
}

/**
 * Expected volume a run of zeros must miss to be reported in counts with dispersion φ: μ/φ ≥ ln(tests / α),
 * so that over `tests` places it could start, the chance of any report from counting noise is about α.
 * @example Math.round(zeroRunMass(1, 17520, 0.01)) // => 14
 */
export function zeroRunMass(dispersion: number, tests: number, alpha: number): number {
  return dispersion * Math.log(Math.max(1, tests) / alpha);
}

/**
 * Quasi-Poisson dispersion φ = Σ(x − e)² / Σe of counts `x` around their expected values `e` (periods with both
 * known), at least 1; NaN when nothing is expected (then the count test for zero runs is off).
 * @example countDispersion([3, 5, 4], [4, 4, 4]) // => 1
 */
export function countDispersion(values: readonly number[], expected: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const e = expected[i];
    if (!Number.isFinite(x) || !Number.isFinite(e) || e <= 0) continue;
    num += (x - e) ** 2;
    den += e;
  }
  return den > 0 ? Math.max(1, num / den) : Number.NaN;
}

/** Median of the known values within ±84 periods (a week of hours), a crude expected level. */
function localLevel(values: readonly number[]): number[] {
  const n = values.length;
  const h = 84;
  const out = new Array<number>(n).fill(Number.NaN);
  const step = 12;
  for (let c = 0; c < n; c += step) {
    const win = values.slice(Math.max(0, c - h), Math.min(n, c + h + 1)).filter((v) => !Number.isNaN(v));
    win.sort((p, q) => p - q);
    const m = win.length ? win[win.length >> 1] : Number.NaN;
    for (let i = c; i < Math.min(n, c + step); i++) out[i] = m;
  }
  return out;
}
