/**
 * Maximum over the last `size` pushed values in O(1) amortised time (monotone deque).
 */

/** A sliding-window maximum. */
export interface SlidingMax {
  /** Maximum of the values currently in the window; −Infinity when empty. */
  max(): number;
  /** Number of values pushed so far. */
  count(): number;
  /** Push one value (NaN is ignored but still advances the window). */
  push(x: number): void;
}

/**
 * Create a sliding maximum over the last `size` values.
 * @example const m = createSlidingMax(2); m.push(3); m.push(1); m.push(2); m.max() // => 2
 */
export function createSlidingMax(size: number): SlidingMax {
  const idx: number[] = [];
  const val: number[] = [];
  let head = 0;
  let n = 0;
  return {
    max: () => (head < val.length ? val[head] : Number.NEGATIVE_INFINITY),
    count: () => n,
    push(x: number) {
      if (!Number.isNaN(x)) {
        while (val.length > head && val[val.length - 1] <= x) {
          val.pop();
          idx.pop();
        }
        idx.push(n);
        val.push(x);
      }
      n++;
      while (head < idx.length && idx[head] <= n - 1 - size) head++;
      if (head > 1024 && head * 2 > idx.length) {
        idx.splice(0, head);
        val.splice(0, head);
        head = 0;
      }
    },
  };
}
