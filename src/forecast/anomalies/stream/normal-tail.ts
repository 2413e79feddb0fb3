/**
 * Upper tail probability of the standard normal, Q(z) = P(Z > z), accurate in the far tail (relative error
 * about 1e-7), from the complementary error function's Chebyshev-fitted exponential form
 * (Press et al., Numerical Recipes, 2nd ed., §6.2, `erfcc`).
 * @example normalTail(0) // => 0.5
 */
export function normalTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function erfc(x) = 1 − erf(x), fractional error below 1.2e-7 everywhere.
 * @example erfc(0) // => 1
 */
export function erfc(x: number): number {
  const r = Math.exp(logErfcAbs(x));
  return x >= 0 ? r : 2 - r;
}

/**
 * Natural log of the upper normal tail, log Q(z), without underflow for large z (for z < 0 it is log(1 − Q(|z|))).
 * @example Math.round(logNormalTail(40)) // => -804
 */
export function logNormalTail(z: number): number {
  if (z < 0) return Math.log1p(-0.5 * Math.exp(logErfcAbs(z / Math.SQRT2)));
  return Math.log(0.5) + logErfcAbs(z / Math.SQRT2);
}

/** log erfc(|x|) from the exponential form t·exp(poly). */
function logErfcAbs(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + poly;
}
