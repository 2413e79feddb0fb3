/**
 * Seeded random numbers for the demo generator: a 32-bit PRNG (mulberry32), a string hash to derive
 * independent streams, and the samplers the generator needs (uniform integer, normal, gamma, Poisson,
 * negative binomial). Nothing here touches Math.random: the same seed always gives the same draws.
 */

import { mulberry32, type Rng } from '../src/random.ts';

export { mulberry32, type Rng };

/**
 * A 32-bit seed for an independent stream, from a base seed and a label (FNV-1a over the label's UTF-16
 * code units, then a murmur3-style finaliser mixed with the seed). Used so that each series has its own
 * stream and adding a series does not change the draws of another.
 *
 * @example hashSeed(42, 'reviews/en') === hashSeed(42, 'reviews/en') // => true
 */
export function hashSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform integer in [lo, hi] (both inclusive).
 *
 * @example uniformInt(mulberry32(1), 1, 6) // => a die roll, 4 for this seed
 */
export function uniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/**
 * A uniform real in [lo, hi).
 *
 * @example uniform(mulberry32(1), 2, 4) // => 3.254...
 */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/**
 * A standard normal draw by the Box–Muller transform (one of the pair is used).
 *
 * @example standardNormal(mulberry32(1)) // => a number, mean 0 and sd 1 over many draws
 */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng(); // in (0, 1], so the log is finite
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A Gamma(shape, scale 1) draw by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3). For shape < 1 it uses the boost Gamma(a) = Gamma(a+1)·U^(1/a).
 * Mean = variance = shape.
 *
 * @throws RangeError when shape is not a positive finite number
 * @example gamma(mulberry32(1), 10) // => about 10 on average, sd about 3.16
 */
export function gamma(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

const LOG_FACTORIAL_SMALL = (() => {
  const t = [0];
  for (let k = 1; k < 16; k++) t.push(t[k - 1] + Math.log(k));
  return t;
})();

/**
 * ln(k!) for a non-negative integer k: a table below 16, Stirling's series (to the k^-5 term, absolute
 * error below 1e-12 from 16 on) above.
 *
 * @example logFactorial(5) // => Math.log(120)
 */
export function logFactorial(k: number): number {
  if (k < 16) return LOG_FACTORIAL_SMALL[k];
  const k2 = k * k;
  return (
    k * Math.log(k) -
    k +
    0.5 * Math.log(2 * Math.PI * k) +
    1 / (12 * k) -
    1 / (360 * k * k2) +
    1 / (1260 * k * k2 * k2)
  );
}

/**
 * A Poisson(lambda) draw. Below lambda 10 by multiplying uniforms (Knuth); from 10 on by Hörmann's
 * transformed rejection with squeeze (PTRS; W. Hörmann 1993, "The transformed rejection method for
 * generating Poisson random variables", Insurance: Mathematics and Economics 12), which costs a few
 * uniforms whatever lambda is. lambda 0 gives 0.
 *
 * @throws RangeError when lambda is negative or not finite
 * @example poisson(mulberry32(1), 4) // => a count with mean 4 and variance 4 over many draws
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`poisson lambda must be finite and >= 0, got ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k++;
      p *= rng();
    }
    return k;
  }
  const sl = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sl;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
    if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
  }
}

/**
 * A negative-binomial count with the given mean and dispersion `size` (the Gamma–Poisson mixture:
 * lambda ~ Gamma(size, mean/size), y ~ Poisson(lambda)), so Var(y) = mean + mean²/size. size Infinity
 * gives a plain Poisson draw.
 *
 * @throws RangeError when mean < 0 or size <= 0
 * @example negBinomial(mulberry32(1), 100, 20) // => mean 100, variance 100 + 100²/20 = 600
 */
export function negBinomial(rng: Rng, mean: number, size: number): number {
  if (!(size > 0)) throw new RangeError(`negBinomial size must be > 0, got ${size}`);
  if (mean === 0) return 0;
  if (size === Number.POSITIVE_INFINITY) return poisson(rng, mean);
  return poisson(rng, (mean * gamma(rng, size)) / size);
}
