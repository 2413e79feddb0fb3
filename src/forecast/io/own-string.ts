/**
 * A copy of a string that does not keep its source alive. V8 represents `line.slice(a, b)` as a view
 * into `line` (and a line read from a stream is a view into a 64 KB chunk), so a short substring kept
 * in a long-lived map would pin the whole chunk in memory. Concatenating and slicing again forces a
 * fresh, flat string of the substring's own length. Use it for strings kept for the whole read (cache
 * keys, series keys), not per row.
 *
 * @example ownString(chunk.slice(0, 20)) // => the same 20 characters, without the chunk
 */
export function ownString(s: string): string {
  return ` ${s}`.slice(1);
}
