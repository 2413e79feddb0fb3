/**
 * Seeded uniform random numbers: mulberry32 (Tommy Ettinger's 32-bit generator), period 2^32. The one
 * generator of the project; randomness always comes in as a seed, never from a global.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * Uniforms in [0, 1), each a multiple of 2^-32. Add {@link HALF_ULP} to a draw for one in (0, 1)
 * (for a logarithm), exactly the midpoint of its 2^-32 cell.
 *
 * @param seed any integer; only the low 32 bits are used
 * @example const r = mulberry32(1); r() // => 0.6270739405881613
 */
export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half of mulberry32's 2^-32 step: `u() + HALF_ULP` lies strictly inside (0, 1). */
export const HALF_ULP = 0.5 / 4294967296;
