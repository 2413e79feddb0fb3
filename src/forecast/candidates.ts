import { ar } from './models/ar.ts';
import { croston, isIntermittent } from './models/croston.ts';
import { ets } from './models/ets.ts';
import { mstl } from './models/mstl.ts';
import { regression } from './models/regression.ts';
import { snaive } from './models/snaive.ts';
import { theta } from './models/theta.ts';
import { tsb } from './models/tsb.ts';
import type { Frequency, Model } from './types.ts';

/**
 * Seasonal periods, in steps, that a grid of this frequency carries: hourly → day and week;
 * daily → week and year; weekly → year.
 * @example periodsFor('hour') // => [24, 168]
 */
export function periodsFor(freq: Frequency): number[] {
  switch (freq) {
    case 'hour':
      return [24, 168];
    case 'day':
      return [7, 365.25];
    case 'week':
      return [365.25 / 7];
  }
}

/** Periods that fit at least twice in n points (a shorter series cannot show the season). */
export function usablePeriods(periods: readonly number[], n: number): number[] {
  return periods.filter((m) => m > 1 && 2 * m <= n);
}

/** Names of the model families the automatic choice can use (`--models` takes these). */
export const CANDIDATE_FAMILIES = [
  'snaive',
  'ar',
  'ets',
  'mstl',
  'theta',
  'regression',
  'croston',
  'tsb',
] as const;

/**
 * The default candidate set for a series, chosen from its grid and its shape only (never its identity):
 * every seasonal naive, the seasonal AR, ETS chosen by AICc, MSTL on log1p counts, the regression on trend, Fourier
 * seasonality, events and holidays, and Theta; for intermittent counts
 * (Syntetos–Boylan: ADI ≥ 1.32) Croston (SBA) and TSB are added.
 *
 * @param only restrict to these families (see {@link CANDIDATE_FAMILIES})
 */
export function defaultCandidates(
  y: readonly number[],
  periods: readonly number[],
  only?: readonly string[],
): Model[] {
  const out: Model[] = [];
  const want = (name: string) => !only || only.includes(name);
  if (want('snaive')) {
    for (const m of periods) out.push(snaive([m]));
    if (periods.length === 0) out.push(snaive([1]));
  }
  if (want('ar')) out.push(ar());
  if (want('ets')) out.push(ets({ search: 'fast' }));
  if (want('mstl') && periods.length) out.push(mstl({ periods, transform: 'log1p' }));
  if (want('regression')) out.push(regression());
  if (want('theta')) out.push(theta({ period: periods.length ? Math.round(periods[0]) : undefined }));
  if (isIntermittent(y)) {
    if (want('croston')) out.push(croston({ variant: 'sba' }));
    if (want('tsb')) out.push(tsb());
  }
  return out;
}
