/**
 * A general derivative-free minimiser: Nelder–Mead simplex with box bounds (by clamping each trial point
 * into the box). Written for the ETS likelihood but model-agnostic: any model whose parameters are a
 * small real vector (say up to ~30) and whose objective is cheap can reuse it.
 *
 * Algorithm (Nelder & Mead 1965, with the coefficients and ordering of Lagarias et al. 1998, "Convergence
 * properties of the Nelder–Mead simplex method in low dimensions"): reflection 1, expansion 2, outside and
 * inside contraction 0.5, shrink 0.5. Stops when the spread of objective values over the simplex is below
 * `fTol · (|f_best| + fTol)` (R's `optim` "reltol" rule) AND the simplex is smaller than `xTol` in every
 * coordinate, or after `maxIter` iterations / `maxEval` evaluations.
 *
 * Bounds: trial points are projected coordinate-wise into `[lower, upper]`; starting values outside the
 * box are projected too. Inequality constraints beyond a box are best handled by reparametrising (e.g.
 * `β = z·α` with `z ∈ [0, 1]`) or by returning `Infinity` from `f` (an infeasible point is never accepted
 * as best unless every point is infeasible).
 *
 * The objective is called with a `Float64Array` that the minimiser reuses: read it, do not keep it.
 */

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Lower bounds per coordinate (default −∞). */
  readonly lower?: ArrayLike<number>;
  /** Upper bounds per coordinate (default +∞). */
  readonly upper?: ArrayLike<number>;
  /**
   * Initial simplex step per coordinate (a number applies to all). Default: 10 % of |x0ᵢ|, or 0.1 when
   * x0ᵢ is 0; shrunk to stay inside the box (and flipped towards the inside when x0ᵢ sits on a bound).
   */
  readonly step?: number | ArrayLike<number>;
  /** Maximum simplex iterations (default 200·dimension, at least 500). */
  readonly maxIter?: number;
  /** Maximum objective evaluations (default 10 × maxIter). */
  readonly maxEval?: number;
  /** Relative tolerance on the spread of f over the simplex (default 1e-8). */
  readonly fTol?: number;
  /** Absolute tolerance on the simplex size per coordinate (default +∞, i.e. f-spread alone decides). */
  readonly xTol?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  /** Best point found (a fresh array). */
  readonly x: Float64Array;
  /** Objective at `x`. */
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when the tolerance rule stopped the search (false: iteration or evaluation cap). */
  readonly converged: boolean;
}

/**
 * Minimises `f` over a box by the Nelder–Mead simplex method.
 *
 * @param f objective; may return `Infinity` (or NaN, treated as `Infinity`) for infeasible points
 * @param x0 starting point
 * @throws RangeError when x0 is empty or the bounds have the wrong length or cross
 * @example
 * const r = nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0]);
 * r.x // => ≈ [1, -2]
 * nelderMead((x) => (x[0] - 5) ** 2, [0], { upper: [3] }).x[0] // => 3
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const d = x0.length;
  if (d === 0) throw new RangeError('nelderMead: x0 is empty');
  const lower = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
  const upper = new Float64Array(d).fill(Number.POSITIVE_INFINITY);
  if (options.lower) {
    if (options.lower.length !== d) throw new RangeError('nelderMead: lower has the wrong length');
    for (let i = 0; i < d; i++) lower[i] = options.lower[i];
  }
  if (options.upper) {
    if (options.upper.length !== d) throw new RangeError('nelderMead: upper has the wrong length');
    for (let i = 0; i < d; i++) upper[i] = options.upper[i];
  }
  for (let i = 0; i < d; i++) {
    if (!(lower[i] <= upper[i])) throw new RangeError(`nelderMead: bounds cross at coordinate ${i}`);
  }
  const maxIter = options.maxIter ?? Math.max(500, 200 * d);
  const maxEval = options.maxEval ?? 10 * maxIter;
  const fTol = options.fTol ?? 1e-8;
  const xTol = options.xTol ?? Number.POSITIVE_INFINITY;

  const clamp = (x: Float64Array) => {
    for (let i = 0; i < d; i++) {
      if (x[i] < lower[i]) x[i] = lower[i];
      else if (x[i] > upper[i]) x[i] = upper[i];
    }
  };
  let evaluations = 0;
  const evalAt = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };

  // simplex: d+1 vertices, stored row-major in one buffer
  const sx = new Float64Array((d + 1) * d);
  const fv = new Float64Array(d + 1);
  const start = new Float64Array(d);
  for (let i = 0; i < d; i++) start[i] = x0[i];
  clamp(start);
  sx.set(start, 0);
  for (let j = 0; j < d; j++) {
    const row = sx.subarray((j + 1) * d, (j + 2) * d);
    row.set(start);
    let s: number;
    if (typeof options.step === 'number') s = options.step;
    else if (options.step) s = options.step[j];
    else s = start[j] !== 0 ? 0.1 * Math.abs(start[j]) : 0.1;
    if (s === 0) s = 0.1;
    let v = start[j] + s;
    if (v > upper[j]) v = start[j] - s;
    if (v < lower[j]) {
      // the box is narrower than the step: go halfway to the farther bound
      v = upper[j] - start[j] >= start[j] - lower[j] ? (start[j] + upper[j]) / 2 : (start[j] + lower[j]) / 2;
    }
    row[j] = v;
  }
  for (let k = 0; k <= d; k++) fv[k] = evalAt(sx.subarray(k * d, (k + 1) * d));

  const order = new Int32Array(d + 1);
  const centroid = new Float64Array(d);
  const xr = new Float64Array(d);
  const xe = new Float64Array(d);
  const xc = new Float64Array(d);
  const sortSimplex = () => {
    for (let k = 0; k <= d; k++) order[k] = k;
    // insertion sort: d is small
    for (let a = 1; a <= d; a++) {
      const key = order[a];
      let b = a - 1;
      while (b >= 0 && fv[order[b]] > fv[key]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = key;
    }
  };
  const row = (k: number) => sx.subarray(k * d, (k + 1) * d);

  let iterations = 0;
  let converged = false;
  while (iterations < maxIter && evaluations < maxEval) {
    sortSimplex();
    const best = order[0];
    const worst = order[d];
    const second = order[d - 1];
    const fb = fv[best];
    const fw = fv[worst];
    if (Number.isFinite(fw) && fw - fb <= fTol * (Math.abs(fb) + fTol)) {
      let small = true;
      if (xTol !== Number.POSITIVE_INFINITY) {
        const xb = row(best);
        for (let k = 1; k <= d && small; k++) {
          const xk = row(order[k]);
          for (let i = 0; i < d; i++) {
            if (Math.abs(xk[i] - xb[i]) > xTol) {
              small = false;
              break;
            }
          }
        }
      }
      if (small) {
        converged = true;
        break;
      }
    }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < d; k++) {
      const xk = row(order[k]);
      for (let i = 0; i < d; i++) centroid[i] += xk[i];
    }
    for (let i = 0; i < d; i++) centroid[i] /= d;
    const xw = row(worst);
    for (let i = 0; i < d; i++) xr[i] = centroid[i] + (centroid[i] - xw[i]);
    clamp(xr);
    const fr = evalAt(xr);
    if (fr < fb) {
      for (let i = 0; i < d; i++) xe[i] = centroid[i] + 2 * (centroid[i] - xw[i]);
      clamp(xe);
      const fe = evalAt(xe);
      if (fe < fr) {
        xw.set(xe);
        fv[worst] = fe;
      } else {
        xw.set(xr);
        fv[worst] = fr;
      }
      continue;
    }
    if (fr < fv[second]) {
      xw.set(xr);
      fv[worst] = fr;
      continue;
    }
    // contraction: outside if the reflected point beats the worst, inside otherwise
    const outside = fr < fw;
    for (let i = 0; i < d; i++) {
      xc[i] = outside ? centroid[i] + 0.5 * (xr[i] - centroid[i]) : centroid[i] + 0.5 * (xw[i] - centroid[i]);
    }
    clamp(xc);
    const fc = evalAt(xc);
    if (outside ? fc <= fr : fc < fw) {
      xw.set(xc);
      fv[worst] = fc;
      continue;
    }
    // shrink towards the best vertex
    const xb = row(best);
    for (let k = 0; k <= d; k++) {
      if (k === best) continue;
      const xk = row(k);
      for (let i = 0; i < d; i++) xk[i] = xb[i] + 0.5 * (xk[i] - xb[i]);
      fv[k] = evalAt(xk);
    }
  }
  sortSimplex();
  const b = order[0];
  return {
    x: Float64Array.from(row(b)),
    value: fv[b],
    iterations,
    evaluations,
    converged,
  };
}
