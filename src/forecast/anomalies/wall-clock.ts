/**
 * The hourly pattern of moderation volume follows the local clock: when a time zone changes to or from
 * daylight saving time, the evening peak moves by an hour in UTC. A seasonal decomposition on the UTC grid
 * learns the new position only over the following days, and in the meantime normal hours near the steep
 * parts of the day look like spikes and dips. This module maps an hourly series onto its local wall-clock
 * grid (the skipped spring hour becomes a gap; the two instances of the repeated autumn hour are averaged)
 * and maps results back, so the decomposition sees one fixed daily and weekly cycle.
 */

import { IANAZone } from 'luxon';
import type { Frequency } from '../types.ts';
import { type ShesdOptions, type ShesdResult, shesd } from './shesd.ts';

const HOUR_MS = 3_600_000;

/** Where each UTC period sits on the local wall-clock grid. */
export interface WallClockMap {
  /** Periods of the wall-clock grid. */
  readonly length: number;
  /** `index[i]`: wall-clock period of UTC period `i` (non-decreasing; equal for a repeated hour). */
  readonly index: Int32Array;
  /** True when the UTC offset never changes over the series (the map is the identity). */
  readonly identity: boolean;
}

/**
 * UTC offset in minutes of each instant (sorted, hourly or coarser), asking the zone once a day and hour by
 * hour only in a day whose two ends differ.
 * @example utcOffsets([Date.UTC(2025, 0, 1)], 'Europe/Berlin') // => Int32Array [60]
 */
export function utcOffsets(ts: readonly number[], timeZone: string): Int32Array {
  const n = ts.length;
  const out = new Int32Array(n);
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid || n === 0) return out;
  let i = 0;
  let oi = zone.offset(ts[0]);
  while (i < n) {
    const j = Math.min(n - 1, i + 24);
    const oj = zone.offset(ts[j]);
    if (oj === oi) out.fill(oi, i, j + 1);
    else for (let k = i; k <= j; k++) out[k] = k === i ? oi : k === j ? oj : zone.offset(ts[k]);
    i = j + 1;
    if (i < n) oi = zone.offset(ts[i]);
  }
  return out;
}

/**
 * The wall-clock map of an hourly series in `timeZone`; the identity for other frequencies (a day or a week
 * is already a local period) and for zones whose offset does not change over the series.
 * @example wallClockMap([0, 3_600_000], 'UTC', 'hour').identity // => true
 */
export function wallClockMap(ts: readonly number[], timeZone: string, freq: Frequency): WallClockMap {
  const n = ts.length;
  const identityMap = (): WallClockMap => ({
    length: n,
    index: Int32Array.from({ length: n }, (_, i) => i),
    identity: true,
  });
  if (freq !== 'hour' || n === 0) return identityMap();
  const offsets = utcOffsets(ts, timeZone);
  if (offsets.every((o) => o === offsets[0])) return identityMap();
  const wall0 = ts[0] + offsets[0] * 60_000;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = Math.round((ts[i] + offsets[i] * 60_000 - wall0) / HOUR_MS);
  return { length: index[n - 1] + 1, index, identity: false };
}

/**
 * Values on the wall-clock grid: the mean of the finite values of each wall period (a repeated hour has two),
 * NaN where there is none (the skipped hour, gaps, points `skip` marks).
 * @example toWallClock([1, 3], { length: 1, index: Int32Array.from([0, 0]), identity: false }) // => [2]
 */
export function toWallClock(
  values: readonly number[],
  map: WallClockMap,
  skip?: (i: number) => boolean,
): number[] {
  const sum = new Float64Array(map.length);
  const count = new Int32Array(map.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || skip?.(i)) continue;
    sum[map.index[i]] += v;
    count[map.index[i]]++;
  }
  return Array.from(sum, (s, k) => (count[k] > 0 ? s / count[k] : Number.NaN));
}

/**
 * Seasonal hybrid ESD ({@link shesd}) with the decomposition on the local wall-clock grid, answered on the
 * input's own (UTC) grid: fit, seasonal, level and scale of each period are those of its wall-clock period;
 * residuals are each period's own value against that fit; a flagged wall-clock period flags the UTC
 * periods in it. With an identity map it is `shesd` itself.
 */
export function shesdWallClock(
  values: readonly number[],
  map: WallClockMap,
  options: ShesdOptions = {},
): ShesdResult {
  if (map.identity) return shesd(values, options);
  const { exclude, offset } = options;
  const masked = (i: number) => exclude?.[i] === true || !Number.isFinite(values[i]);
  const w = shesd(
    toWallClock(values, map, (i) => exclude?.[i] === true),
    {
      ...options,
      exclude: undefined,
      offset: offset ? toWallClock(offset, map) : undefined,
    },
  );
  const at = (arr: readonly number[]) => Array.from(map.index, (k) => arr[k]);
  const fit = at(w.fit);
  const tx = (v: number) => (w.transform === 'log1p' ? Math.log1p(Math.max(0, v)) : v);
  const flagged = new Set(w.anomalies);
  const anomalies: number[] = [];
  for (let i = 0; i < values.length; i++) if (flagged.has(map.index[i]) && !masked(i)) anomalies.push(i);
  return {
    anomalies,
    fit,
    seasonal: at(w.seasonal),
    level: at(w.level),
    residual: values.map((v, i) => (masked(i) ? Number.NaN : tx(v) - fit[i])),
    scale: at(w.scale),
    transformed: values.map((v, i) => (masked(i) ? w.transformed[map.index[i]] : tx(v))),
    transform: w.transform,
  };
}
