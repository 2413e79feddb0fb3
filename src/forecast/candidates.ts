import { ar } from './models/ar.ts';
import { snaive } from './models/snaive.ts';
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

/** Names of the candidate models the automatic choice can use. */
export const CANDIDATE_NAMES = ['snaive', 'ar'] as const;
export type CandidateName = (typeof CANDIDATE_NAMES)[number];

/**
 * The default candidate set for a series: every seasonal naive, the seasonal AR, and (when present)
 * the structural models. Chosen by frequency and length only, never by the series' identity.
 */
export function defaultCandidates(periods: readonly number[], only?: readonly string[]): Model[] {
  const out: Model[] = [];
  const want = (name: string) => !only || only.includes(name);
  if (want('snaive')) {
    for (const m of periods) out.push(snaive([m]));
    if (periods.length === 0) out.push(snaive([1]));
  }
  if (want('ar')) out.push(ar());
  return out;
}
